// A sweep config around test/fixtures/sweep/peak-service.mjs, written to a temporary folder.
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { freePort } from '../helpers/net.js';

const SERVICE = resolve(import.meta.dirname, '../fixtures/sweep/peak-service.mjs');

/** Writes perfgate.yml into `dir`; the service logs each start to `dir/starts.log`. */
export async function writeSweepConfig(dir: string, sweep: string): Promise<string> {
  const port = await freePort();
  const file = join(dir, 'perfgate.yml');
  await writeFile(
    file,
    `version: 1
service:
  command: node ${JSON.stringify(SERVICE)}
  env: { PORT: '${port}', START_LOG: ${JSON.stringify(join(dir, 'starts.log'))} }
  healthUrl: http://127.0.0.1:${port}/health
trials: 4
warmupSeconds: 0
durationSeconds: 0.3
suites:
  - { name: api/work, kind: http, connections: 4, requests: [{ path: /work }] }
sweep:
  objective: { maximize: api/work/requests_per_second }
  constraints:
    - { metric: 'api/*/latency_p95', max: 50 }
    - { metric: 'api/*/error_rate', max: 0.1 }
${sweep}`,
  );
  return file;
}

/** The knobs of every service start so far, in order. */
export async function starts(dir: string): Promise<string[]> {
  const text = await readFile(join(dir, 'starts.log'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean);
}

/**
 * The points measured, in the order first started: each point runs beside the reference setting,
 * whose service restarts at every switch of side, so starts repeat.
 */
export function firstStarts(log: readonly string[]): string[] {
  return [...new Set(log)];
}
