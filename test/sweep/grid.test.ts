// A whole grid sweep, in-process, against a service whose throughput peaks at BATCH=8 and whose
// TURBO=1 is faster still but breaks the 50 ms p95 constraint (test/fixtures/sweep/peak-service.mjs).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describe as summarize } from '../../src/stats/describe.js';
import { readSweepFile } from '../../src/sweep/run.js';
import type { SweepFile } from '../../src/sweep/file.js';
import { runCli, type CliRun } from '../helpers/cli.js';
import { firstStarts, starts, writeSweepConfig } from './service.js';

describe('perfgate sweep, grid strategy', () => {
  let dir: string;
  let run: CliRun;
  let file: SweepFile;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'perfgate-sweep-grid-'));
    const config = await writeSweepConfig(
      dir,
      `  knobs: { BATCH: [4, 8, 16], TURBO: [0, 1] }
  baseline: { BATCH: 16, TURBO: 0 }
  strategy: grid
`,
    );
    run = await runCli(['sweep', '--config', config, '--out', join(dir, 'sweep.json')], dir);
    file = await readSweepFile(join(dir, 'sweep.json'));
  }, 90_000);

  it('measures every point of the grid once, the baseline first', async () => {
    expect(run.code, run.stderr).toBe(0);
    expect(firstStarts(await starts(dir))).toEqual([
      'BATCH=16 TURBO=0',
      'BATCH=4 TURBO=0',
      'BATCH=4 TURBO=1',
      'BATCH=8 TURBO=0',
      'BATCH=8 TURBO=1',
      'BATCH=16 TURBO=1',
    ]);
    expect(file.points).toHaveLength(6);
    expect(run.stdout).toContain('6 point(s) measured, 0 reused');
  });

  it('finds the planted optimum among the points that meet the constraints', () => {
    expect(run.stdout).toContain('set BATCH=8 (baseline: BATCH=16)');
  });

  it('never recommends the fastest point, which breaks the latency constraint', () => {
    const rps = (p: SweepFile['points'][number]) =>
      summarize(
        p.results.suites[0]?.metrics.find((m) => m.name === 'requests_per_second')?.samples ?? [],
      ).median;
    const fastest = [...file.points].sort((a, b) => rps(b) - rps(a))[0];
    expect(fastest?.knobs.TURBO).toBe('1');
    expect(run.stdout).toMatch(
      /BATCH=\d+ TURBO=1 .*no api\/work\/latency_p95 = .* needs ≤ 50\.0 ms/,
    );
    expect(run.stdout).not.toMatch(/set .*TURBO=1/);
  });
});
