// Issue #21: a service made 8× faster must pass, with the process collector on. Under closed-loop
// load it answers 8× the requests and so uses more CPU (and holds more in flight) per second:
// judged per second, that read as a regression. A real git repository, a real delay server
// (8 ms → 1 ms per request), `perfgate check --against` in-process.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { commit, git, newRepo } from '../helpers/gitRepo.js';
import { freePort } from '../helpers/net.js';

const server = (delayMs: number) => `import { createServer } from 'node:http';
createServer((req, res) => setTimeout(() => res.end('ok'), req.url === '/health' ? 0 : ${delayMs}))
  .listen(Number(process.env.PORT), '127.0.0.1');
`;

let repo: string;
let base: string;

beforeAll(async () => {
  const port = await freePort();
  repo = await newRepo({
    'server.mjs': server(8),
    'perfgate.yml': `version: 1
service:
  command: node server.mjs
  env: { PORT: '${port}' }
  healthUrl: http://127.0.0.1:${port}/health
trials: 6
warmupSeconds: 0.2
durationSeconds: 0.6
collectors: { process: {} }
suites:
  - { name: api, kind: http, connections: 8, requests: [{ path: /work }] }
`,
  });
  base = git(repo, 'rev-parse', 'HEAD');
  await commit(repo, 'answer in 1 ms', { 'server.mjs': server(1) });
});

describe('a service made 8× faster', () => {
  it('passes: CPU and peak memory per second are context, what a request costs gates', async () => {
    const run = await runCli(
      [
        'check',
        '--config',
        join(repo, 'perfgate.yml'),
        '--against',
        base,
        '--seed',
        '3',
        '--format',
        'json',
      ],
      repo,
    );
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as {
      metrics: { metric: string; verdict: string; informational: boolean; change: number | null }[];
    };
    const byName = new Map(json.metrics.map((m) => [m.metric, m]));
    expect(json.metrics.filter((m) => m.verdict === 'regression')).toEqual([]);
    expect(byName.get('requests_per_second')?.verdict).toBe('improvement');
    // Per second the service works harder: shown, never judged.
    expect(byName.get('process.cpu')).toMatchObject({ informational: true });
    expect(byName.get('process.cpu')?.change).toBeGreaterThan(0);
    expect(byName.get('process.rss_peak')).toMatchObject({ informational: true });
    expect(byName.get('process.cpu_per_request')?.informational).toBe(false);
  }, 120_000);
});
