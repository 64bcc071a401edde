// A whole coordinate sweep against test/fixtures/sweep/peak-service.mjs, then resumed: points
// already in the sweep file are never measured again (the service logs every start).
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SweepFile } from '../../src/sweep/file.js';
import { runCli, type CliRun } from '../helpers/cli.js';
import { firstStarts, starts, writeSweepConfig } from './service.js';

describe('perfgate sweep, coordinate strategy', () => {
  let dir: string;
  let config: string;
  let run: CliRun;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'perfgate-sweep-coordinate-'));
    config = await writeSweepConfig(
      dir,
      `  knobs:
    BATCH: { from: 4, to: 64, step: x2 }
    TURBO: [0, 1]
  baseline: { BATCH: 16, TURBO: 0 }
  strategy: coordinate
`,
    );
    run = await runCli(['sweep', '--config', config, '--out', join(dir, 'sweep.json')], dir);
  }, 90_000);

  it('steps BATCH past its peak, stops after two losing steps, then tries TURBO at BATCH=8', async () => {
    expect(run.code, run.stderr).toBe(0);
    // 4 → 8 gains, 16 (the baseline) and 32 lose: BATCH stops there and keeps 8, so 64, the
    // range's last value, is never measured. TURBO=1 at BATCH=8 breaks p95 ≤ 50 ms. Five points
    // where the grid has ten.
    expect(await starts(dir)).not.toContain('BATCH=64 TURBO=0');
    expect(firstStarts(await starts(dir))).toEqual([
      'BATCH=16 TURBO=0',
      'BATCH=4 TURBO=0',
      'BATCH=8 TURBO=0',
      'BATCH=32 TURBO=0',
      'BATCH=8 TURBO=1',
    ]);
    expect(run.stdout).toContain('set BATCH=8 (baseline: BATCH=16)');
  });

  it('measures nothing again when resumed from the finished sweep file', async () => {
    const before = (await starts(dir)).length;
    const again = await runCli(['sweep', '--config', config, '--resume', 'sweep.json'], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(await starts(dir)).toHaveLength(before);
    expect(again.stdout).toContain('0 point(s) measured, 5 reused; sweep written to sweep.json');
    expect(again.stdout).toContain('set BATCH=8 (baseline: BATCH=16)');
  });

  it('measures only the missing points when resumed from an interrupted sweep', async () => {
    const full = JSON.parse(await readFile(join(dir, 'sweep.json'), 'utf8')) as SweepFile;
    const interrupted = { ...full, points: full.points.slice(0, 3) };
    await writeFile(join(dir, 'interrupted.json'), JSON.stringify(interrupted));
    const before = (await starts(dir)).length;
    const resumed = await runCli(
      ['sweep', '--config', config, '--resume', 'interrupted.json', '--format', 'markdown'],
      dir,
    );
    expect(resumed.code, resumed.stderr).toBe(0);
    const reference = 'BATCH=16 TURBO=0';
    const measured = firstStarts((await starts(dir)).slice(before)).filter((p) => p !== reference);
    expect(measured).toEqual(['BATCH=32 TURBO=0', 'BATCH=8 TURBO=1']);
    expect(resumed.stdout).toContain('2 point(s) measured, 3 reused');
    expect(resumed.stdout).toContain('```mermaid\nxychart-beta');
  });

  it('refuses to resume a sweep measured with a different setup', async () => {
    const changed = (await readFile(config, 'utf8')).replace('trials: 4', 'trials: 5');
    await writeFile(join(dir, 'changed.yml'), changed);
    const refused = await runCli(
      ['sweep', '--config', 'changed.yml', '--resume', 'sweep.json', '--out', 'other.json'],
      dir,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('was measured with a different setup');
  });
});
