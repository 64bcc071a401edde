// A sweep on a machine that drifts: every run of the benchmark (bench.mjs, a command suite) is
// 0.25 % slower than the one before, about 10 % over the whole sweep, whatever the knob. Each point
// must be judged beside the reference setting measured in the same run, so the drift cannot pick
// the winner (the knob KNOB has no effect in the first case, one faster setting in the second).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { sweepPipeline } from '../../src/pipeline/sweep.js';
import { lineProgress } from '../../src/run/progress.js';

/** `effects` maps a KNOB value to its speed factor (1 = no effect). */
const bench = (counter: string, effects: Record<string, number>) => `
import { readFileSync, writeFileSync } from 'node:fs';
const runs = Number(readFileSync(${JSON.stringify(counter)}, 'utf8')) + 1;
writeFileSync(${JSON.stringify(counter)}, String(runs));
const effect = (${JSON.stringify(effects)})[process.env.KNOB] ?? 1;
// About 0.5 % trial-to-trial noise on top of the drift: a uniform in [-1, 1) hashed from the
// run's number (the classic sine hash), so that the test repeats exactly.
const hashed = (Math.sin(runs * 12.9898) * 43758.5453) % 1;
const noise = Math.sqrt(3) * hashed;
const latency = 10 * (1 + 0.0025 * runs) * effect * (1 + 0.005 * noise);
console.log(JSON.stringify({ work: { latency: { value: latency } } }));
`;

async function sweepOn(effects: Record<string, number>) {
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-drift-'));
  const counter = join(dir, 'runs');
  await writeFile(counter, '0');
  await writeFile(join(dir, 'bench.mjs'), bench(counter, effects));
  await writeFile(
    join(dir, 'perfgate.yml'),
    [
      'version: 1',
      'warmupSeconds: 0',
      'suites:',
      '  - { name: work, kind: command, command: node bench.mjs }',
      'sweep:',
      '  knobs: { KNOB: [1, 2, 3, 4] }',
      '  baseline: { KNOB: 1 }',
      '  strategy: grid',
      '  objective: { minimize: work/latency }',
      '  trials: 6',
      '',
    ].join('\n'),
  );
  const config = await loadConfig(join(dir, 'perfgate.yml'), process.env);
  const { analysis } = await sweepPipeline({
    config,
    env: process.env,
    progress: lineProgress(() => undefined, false),
    revision: {},
    out: join(dir, 'sweep.json'),
    seed: 11,
  });
  return analysis;
}

const ranks = (analysis: Awaited<ReturnType<typeof sweepOn>>) =>
  Object.fromEntries(analysis.ranking.ranked.map((r) => [r.evaluation.point.knobs.KNOB, r.rank]));

describe('a sweep on a drifting machine', () => {
  it('ties every point when the knob has no effect: no false winner', async () => {
    const analysis = await sweepOn({});
    expect(ranks(analysis)).toEqual({ 1: '=1', 2: '=1', 3: '=1', 4: '=1' });
  }, 60_000);

  it('recommends the setting that is 15 % faster', async () => {
    const analysis = await sweepOn({ 3: 0.85 });
    expect(analysis.recommendation.kind).toBe('set');
    if (analysis.recommendation.kind !== 'set') return;
    expect(analysis.recommendation.best.point.knobs.KNOB).toBe('3');
    expect(ranks(analysis)[3]).toBe('1');
  }, 60_000);
});
