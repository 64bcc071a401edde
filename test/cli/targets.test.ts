// `perfgate analyze` and `perfgate validate` on the committed examples (examples/generate.mjs).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

let config: string;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-targets-'));
  config = join(dir, 'perfgate.yml');
  await writeFile(
    config,
    [
      'version: 1',
      'suites:',
      '  - { name: api/search, kind: http, baseUrl: "http://127.0.0.1:9", requests: [{ path: / }] }',
      'targets:',
      '  - { metric: "api/*/latency_p95", max: "${OPTIMIZATION_TARGET_LATENCY:-50}", component: api }',
      '  - { metric: "cache/hit_rate", min: 90, component: cache }',
    ].join('\n'),
  );
});

describe('perfgate analyze', () => {
  it('prints each targeted metric against its target, with the target from the environment', async () => {
    const run = await runCli(['analyze', 'examples/head', '--config', config], process.cwd(), {
      OPTIMIZATION_TARGET_LATENCY: '20',
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /api\s+api\/embed latency_p95\s+31\.1 ms\s+≤ 20\.0 ms\s+55\.5 %\s+needs −35\.7 %\s+MISSED/,
    );
    expect(run.stdout).toMatch(/cache\s+cache hit_rate\s+83\.7 %\s+≥ 90\.0 %.*MISSED/);
    expect(run.stdout).toMatch(/targets: 1 met, 0 nearly met, 2 missed \(of 3\)/);
  });

  it('exits 2 when the config has no targets', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'perfgate-targets-'));
    const bare = join(dir, 'perfgate.yml');
    await writeFile(bare, 'version: 1\nsuites:\n  - { name: a, kind: command, command: "true" }\n');
    const run = await runCli(['analyze', 'examples/head', '--config', bare]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/perfgate\.yml: targets: declares no targets/);
  });

  it('counts each run of a folder once, by its medians, and says so', async () => {
    // api/search latency_p95: 16.1, 16.4, 15.9 in one run and 16.6, 16.0 in the other. Pooled,
    // the median would be 16.1 ms; run by run it is the median of 16.1 and 16.3.
    const dir = await mkdtemp(join(tmpdir(), 'perfgate-targets-'));
    const file = join(dir, 'perfgate.yml');
    await writeFile(
      file,
      [
        'version: 1',
        'suites:',
        '  - { name: api/search, kind: http, baseUrl: "http://127.0.0.1:9", requests: [{ path: / }] }',
        'targets:',
        '  - { metric: "api/search/latency_p95", max: 16, component: api }',
      ].join('\n'),
    );
    const runs = 'test/fixtures/inputs/perfgate';
    const run = await runCli(['analyze', runs, '--config', file]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/api\/search latency_p95\s+16\.2 ms\s+≤ 16\.0 ms/);
    expect(run.stdout).toContain(`note: ${runs} holds 2 runs: each counts once, by its medians`);
    const json = await runCli(['analyze', runs, '--config', file, '--format', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ runs: 2 });
  });
});

describe('perfgate validate', () => {
  it('shows before, after, the significant change and target achievement; exits 1 on a regression', async () => {
    const run = await runCli(['validate', 'examples/base', 'examples/head', '--config', config]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /cache hit_rate\s+91\.7 %\s+83\.7 %\s+−8\.66 %\s+<0\.001\s+≥ 90\.0 %\s+met\s+MISSED/,
    );
    expect(run.stdout).toMatch(/before: targets: 3 met, 0 nearly met, 0 missed/);
    expect(run.stdout).toMatch(/after: {2}targets: 2 met, 0 nearly met, 1 missed/);
  });
});
