// The demo's knobs, measured with perfgate itself: `perfgate run` starts the real demo service
// (benchmarks/demo/server.mjs) once per variant on 127.0.0.1 and drives it with autocannon.
// Each knob must move performance the way its name promises.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readResultsFile } from '../../src/results/read.js';
import type { Results } from '../../src/results/schema.js';
import { median } from 'simple-statistics';
import { runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';

const DEMO = resolve(import.meta.dirname, '../../benchmarks/demo');

/** Runs one suite of the demo over the given variants and returns the results. */
async function measure(
  suite: 'embed' | 'search',
  variants: Record<string, Record<string, string>>,
): Promise<Results> {
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-knobs-'));
  const port = await freePort();
  const yaml = [
    'version: 1',
    'service:',
    `  command: node ${join(DEMO, 'server.mjs')}`,
    `  env: { PORT: '${port}' }`,
    `  healthUrl: http://127.0.0.1:${port}/health`,
    '  startTimeoutSeconds: 120',
    'trials: 3',
    'warmupSeconds: 0.3',
    'durationSeconds: 1',
    'suites:',
    `  - name: ${suite}`,
    '    kind: http',
    // Micro-batching needs requests waiting together: at 8 connections batch 32 vs 1 gained
    // 1.0-1.3x from run to run here, at 32 about 2x.
    `    connections: ${suite === 'embed' ? 32 : 8}`,
    `    bodyGenerator: ${join(DEMO, suite === 'embed' ? 'workload.mjs' : 'search-workload.mjs')}`,
    `    requests: [{ method: POST, path: /${suite} }]`,
    'collectors:',
    '  prometheus:',
    `    url: http://127.0.0.1:${port}/metrics`,
    '    metrics:',
    '      - { name: hit_rate, unit: "%", direction: higher, numerator: [cache_hits_total], denominator: [cache_hits_total, cache_misses_total], scale: 100 }',
    'variants:',
    ...Object.entries(variants).map(
      ([name, env]) => `  - { name: ${name}, env: ${JSON.stringify(env)} }`,
    ),
  ].join('\n');
  await writeFile(join(dir, 'perfgate.yml'), yaml);
  const run = await runCli([
    'run',
    '--config',
    join(dir, 'perfgate.yml'),
    '--out',
    join(dir, 'results.json'),
  ]);
  expect(run.code, run.stderr).toBe(0);
  return readResultsFile(join(dir, 'results.json'));
}

function samples(results: Results, variant: string, metric: string): number[] {
  const suite = results.suites.find((s) => s.variant === variant);
  return suite?.metrics.find((m) => m.name === metric)?.samples ?? [];
}

// Small pools keep the test light on 2 cores; each knob is varied on its own.
const small = { OPTIMIZATION_THREAD_POOL_SIZE: '2', OPTIMIZATION_CONNECTION_POOL_SIZE: '2' };

describe('demo knobs, measured by perfgate', () => {
  let embed: Results;
  let search: Results;

  beforeAll(async () => {
    embed = await measure('embed', {
      'cache-1000': { ...small, OPTIMIZATION_CACHE_SIZE: '1000', OPTIMIZATION_BATCH_SIZE: '32' },
      'cache-10': { ...small, OPTIMIZATION_CACHE_SIZE: '10', OPTIMIZATION_BATCH_SIZE: '32' },
      'cache-10-batch-1': { ...small, OPTIMIZATION_CACHE_SIZE: '10', OPTIMIZATION_BATCH_SIZE: '1' },
    });
    search = await measure('search', {
      'pool-1': { ...small, OPTIMIZATION_CONNECTION_POOL_SIZE: '1' },
      'pool-4': { ...small, OPTIMIZATION_CONNECTION_POOL_SIZE: '4' },
    });
  }, 300_000);

  it('a larger cache gives a higher hit rate on the Zipf workload, in every trial', () => {
    const large = samples(embed, 'cache-1000', 'prometheus.hit_rate');
    const tiny = samples(embed, 'cache-10', 'prometheus.hit_rate');
    expect(large).toHaveLength(3);
    expect(Math.min(...large)).toBeGreaterThan(Math.max(...tiny) + 20);
  });

  it('micro-batching raises embedding throughput (batch 32 vs 1, cache too small to help)', () => {
    const batched = median(samples(embed, 'cache-10', 'requests_per_second'));
    const single = median(samples(embed, 'cache-10-batch-1', 'requests_per_second'));
    expect(batched).toBeGreaterThan(1.2 * single);
  });

  it('more read connections lower search latency under concurrency (pool 4 vs 1)', () => {
    const one = median(samples(search, 'pool-1', 'latency_p50'));
    const four = median(samples(search, 'pool-4', 'latency_p50'));
    expect(one).toBeGreaterThan(1.3 * four);
  });
});
