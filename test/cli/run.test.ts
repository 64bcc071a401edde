// Whole `perfgate run` runs, in-process, against real services the runner starts on 127.0.0.1:
// the documented example (examples/perfgate.yml, examples/service/) and misbehaving fixtures.
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readResultsFile } from '../../src/results/read.js';
import type { Results } from '../../src/results/schema.js';
import { runCli, type CliRun } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';
import { README_COMMANDS, README_RUN, ROOT, cliArgv, usesReadmeRun } from '../helpers/readme.js';
const SERVICE_FIXTURE = join(ROOT, 'test/fixtures/services/server.mjs');

/**
 * `perfgate run` with the stand-in nvidia-smi of test/fixtures (two H100s printing the real CSV,
 * `[N/A]` included) first on PATH: the gpu collector on a machine without a GPU.
 */
function runWithStandInGpus(config: string, out: string, cwd?: string): Promise<CliRun> {
  const PATH = `${join(ROOT, 'test/fixtures/nvidia-smi')}:${process.env.PATH}`;
  return runCli(['run', '--config', config, '--out', out], cwd, { ...process.env, PATH });
}

function samples(results: Results, suite: string, variant: string, metric: string): number[] {
  const found = results.suites.find((s) => s.name === suite && s.variant === variant);
  return found?.metrics.find((m) => m.name === metric)?.samples ?? [];
}

// The README's example as written (test/readme.test.ts runs its other lines with the bundle).
describe('perfgate run on the documented example', () => {
  const file = join(ROOT, README_RUN.out);
  let run: CliRun;
  let results: Results;

  beforeAll(async () => {
    // The example's service listens on ${PERFGATE_PORT}: perfgate picks a free port itself.
    run = await runCli(README_RUN.argv, ROOT, process.env);
    results = await readResultsFile(file);
  }, 120_000);

  it('is the README example on examples/perfgate.yml, and the README lines reading it run', async () => {
    expect(README_RUN.argv.slice(0, 3)).toEqual(['run', '--config', 'examples/perfgate.yml']);
    for (const line of README_COMMANDS.filter((l) => usesReadmeRun(l) && l !== README_RUN.line)) {
      const result = await runCli(cliArgv(line), ROOT);
      // 1 is "a metric regressed", which the examples are built to show; 2 and 3 are failures.
      expect([0, 1], `${line}: ${result.stderr}`).toContain(result.code);
      expect(result.stdout.length).toBeGreaterThan(0);
    }
  });

  it('writes one sample per trial for every suite, variant and metric', () => {
    expect(run.code).toBe(0);
    expect(results.suites.map((s) => `${s.name}#${s.variant}`)).toEqual([
      'api/hello#baseline',
      'cpu/sort#baseline',
      'api/hello#candidate',
      'cpu/sort#candidate',
    ]);
    for (const suite of results.suites) {
      for (const metric of suite.metrics)
        expect(metric.samples, `${suite.name} ${metric.name}`).toHaveLength(5);
    }
    expect(results.configHash).toMatch(/^[0-9a-f]{64}$/);
    expect(results.environment?.cpuCount).toBeGreaterThan(0);
  });

  it('measures what the variants changed: a 3 ms delay is slower than 1 ms in every trial', () => {
    const fast = samples(results, 'api/hello', 'baseline', 'latency_p50');
    const slow = samples(results, 'api/hello', 'candidate', 'latency_p50');
    expect(Math.max(...fast)).toBeLessThan(Math.min(...slow));
    // setTimeout(1 ms) takes 1–2 ms under load; 3 ms takes 3–5 ms.
    expect(Math.min(...slow)).toBeGreaterThan(2.9);
  });

  it('derives the cache hit rate from the service’s Prometheus counters', () => {
    // The example service hits CACHE_SIZE of every 100 keys: 80 % and 40 %, give or take the
    // partial cycle of 100 keys at the edges of a trial's window (a few hundred requests).
    const hitRates = (variant: string) =>
      samples(results, 'api/hello', variant, 'prometheus.cache_hit_rate');
    expect(hitRates('baseline')).toHaveLength(5);
    for (const value of hitRates('baseline')) expect(Math.abs(value - 80)).toBeLessThan(2.5);
    for (const value of hitRates('candidate')) expect(Math.abs(value - 40)).toBeLessThan(2.5);
  });

  it('records the service’s CPU and memory and the host’s background load', () => {
    expect(
      samples(results, 'api/hello', 'baseline', 'process.rss_peak').every((v) => v > 10 * 2 ** 20),
    ).toBe(true);
    expect(samples(results, 'api/hello', 'baseline', 'process.cpu').every((v) => v > 0)).toBe(true);
    expect(samples(results, 'cpu/sort', 'baseline', 'host.background_cpu')).toHaveLength(5);
  });

  it('compares the two variants of one run and finds the planted slowdown', async () => {
    const compare = await runCli([
      'compare',
      `${file}#baseline`,
      `${file}#candidate`,
      '--format',
      'json',
    ]);
    const json = JSON.parse(compare.stdout) as { metrics: { key: string; verdict: string }[] };
    const verdict = (key: string) => json.metrics.find((m) => m.key === key)?.verdict;
    expect(compare.code).toBe(1);
    expect(verdict('api/hello/latency_p50')).toBe('regression');
    expect(verdict('api/hello/prometheus.cache_hit_rate')).toBe('regression');
    expect(verdict('api/hello/host.background_cpu')).toBe('unchanged');
  });

  it('prints a progress line per trial on stderr and the medians on stdout', () => {
    expect(run.stderr.match(/api\/hello#candidate trial \d\/5 · [\d,]+ req\/s/g)).toHaveLength(5);
    expect(run.stdout).toMatch(/api\/hello#baseline\s+latency_p50\s+[\d.]+ ms/);
  });
});

describe('perfgate run when the service misbehaves', () => {
  async function configWith(
    serviceEnv: Record<string, string>,
    extra = '',
  ): Promise<{ config: string; out: string }> {
    const dir = await mkdtemp(join(tmpdir(), 'perfgate-run-bad-'));
    const port = await freePort();
    const config = join(dir, 'perfgate.yml');
    const env = Object.entries({ PORT: String(port), ...serviceEnv })
      .map(([k, v]) => `    ${k}: '${v}'`)
      .join('\n');
    await writeFile(
      config,
      [
        'version: 1',
        'service:',
        `  command: node ${SERVICE_FIXTURE}`,
        '  env:',
        env,
        `  healthUrl: http://127.0.0.1:${port}/health`,
        '  startTimeoutSeconds: 2',
        '  stopGraceSeconds: 1',
        'trials: 3',
        'warmupSeconds: 0',
        'durationSeconds: 1',
        'suites:',
        '  - { name: api, kind: http, connections: 2, requests: [{ path: / }] }',
        extra,
      ].join('\n'),
    );
    return { config, out: join(dir, 'results.json') };
  }

  it('fails with exit 3 and the service log when the service crashes mid-run; writes nothing', async () => {
    const { config, out } = await configWith({ CRASH_AFTER: '300' });
    const run = await runCli(['run', '--config', config, '--out', out]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/exited with code 1/);
    expect(run.stderr).toMatch(/crashing after 300 requests/);
    expect(existsSync(out)).toBe(false);
  });

  it('warns, naming the suite and the share, when the endpoint answers 500 to half the requests', async () => {
    const { config, out } = await configWith({ FAIL_EVERY: '2' });
    const run = await runCli(['run', '--config', config, '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /^warning: api: (49|50|51)(\.\d+)? % of responses were not 2xx, 0 % of requests failed \(median over \d+ trials\): is the endpoint failing\?$/m,
    );
  });

  it('fails with exit 3 when the service never becomes healthy', async () => {
    const { config, out } = await configWith({ HEALTH_STATUS: '503' });
    const run = await runCli(['run', '--config', config, '--out', out]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/did not become healthy .* within 2s/);
    expect(existsSync(out)).toBe(false);
  });

  it('reports the GPUs of the service, which CUDA_VISIBLE_DEVICES gives GPU 1', async () => {
    const { config, out } = await configWith(
      { CUDA_VISIBLE_DEVICES: '1' },
      'collectors: { gpu: { intervalMs: 50 } }',
    );
    const run = await runWithStandInGpus(config, out);
    expect(run.code, run.stderr).toBe(0);
    const results = await readResultsFile(out);
    const gpuMetrics = results.suites[0]!.metrics.filter((m) => m.name.startsWith('gpu'));
    // Named as the service numbers its GPU (cuda:0), measured on nvidia-smi's GPU 1: its memory
    // peak is 2048 MiB, and it has no power reading ([N/A]).
    expect(gpuMetrics.map((m) => m.name)).toEqual([
      'gpu0.utilization',
      'gpu0.memory_utilization',
      'gpu0.memory_used_peak',
      'gpu0.temperature_max',
      'gpu0.sm_clock',
    ]);
    // No power reading on that GPU, so no energy per request either.
    expect(results.suites[0]!.metrics.map((m) => m.name)).not.toContain('gpu.energy_per_request');
    expect(gpuMetrics[2]?.samples).toEqual([2048, 2048, 2048]);
    expect(results.environment?.gpus?.map((gpu) => gpu.index)).toEqual([1]);
  });

  it('derives the energy each request costs from the GPUs’ power and the request rate', async () => {
    // Both stand-in H100s visible: GPU 0 draws 400–420 W, GPU 1 has no power sensor ([N/A]).
    const { config, out } = await configWith({}, 'collectors: { gpu: { intervalMs: 50 } }');
    const run = await runWithStandInGpus(config, out);
    expect(run.code, run.stderr).toBe(0);
    const results = await readResultsFile(out);
    const metric = (name: string) => results.suites[0]!.metrics.find((m) => m.name === name)!;
    const energy = metric('gpu.energy_per_request');
    expect(energy).toMatchObject({ unit: 'J', direction: 'lower' });
    expect(energy).not.toHaveProperty('informational');
    // Per trial: watts over requests per second.
    const watts = metric('gpu0.power').samples;
    const rate = metric('requests_per_second').samples;
    expect(energy.samples).toEqual(watts.map((w, k) => w / rate[k]!));
    expect(metric('gpu0.power')).toMatchObject({ informational: true });
  });

  it('exits 2 naming the config file and field on a bad config', async () => {
    const { config } = await configWith({}, 'trails: 3');
    const run = await runCli(['run', '--config', config]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /perfgate\.yml:\d+:\d+: .*unknown key 'trails'.*did you mean 'trials'/,
    );
  });
});

// The GPU collector on a machine without a GPU: see runWithStandInGpus.
describe('perfgate run with the gpu collector', () => {
  it('records each GPU’s utilization as a target metric, and the rest as before', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'perfgate-gpu-target-'));
    const config = join(dir, 'perfgate.yml');
    const out = join(dir, 'results.json');
    await writeFile(
      config,
      [
        'version: 1',
        'trials: 2',
        'collectors:',
        '  gpu: { intervalMs: 50, utilizationTarget: 85 }',
        'suites:',
        '  - name: infer',
        '    kind: command',
        '    command: >-',
        `      sleep 0.4; echo '{"infer": {"latency": {"value": 12.5, "unit": "ms"}}}'`,
        // The benchmark runs on GPU 0 only: GPU 1's load is another job's, and not reported.
        "    env: { CUDA_VISIBLE_DEVICES: '0' }",
        '    collectors: [gpu]',
      ].join('\n'),
    );
    const run = await runWithStandInGpus(config, out, dir);
    expect(run.code, run.stderr).toBe(0);
    const metrics = (await readResultsFile(out)).suites[0]!.metrics;
    const gpu0 = (name: string) => metrics.find((m) => m.name === `gpu0.${name}`);
    expect(gpu0('utilization')).toMatchObject({ direction: 'target', target: 85, unit: '%' });
    expect(gpu0('utilization')?.samples).toHaveLength(2);
    expect(gpu0('utilization')).not.toHaveProperty('informational');
    expect(gpu0('memory_utilization')).toMatchObject({ direction: 'higher', informational: true });
    expect(gpu0('memory_utilization')).not.toHaveProperty('target');
    expect(metrics.find((m) => m.name === 'latency')?.samples).toEqual([12.5, 12.5]);
    expect(metrics.filter((m) => m.name.startsWith('gpu1.'))).toEqual([]);
  });
});
