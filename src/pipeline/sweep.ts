/** A whole sweep: measure the points (resuming saved ones), save after each, analyse. Shared by the CLI and the action. */
import type { Config } from '../config/index.js';
import { InputError } from '../errors.js';
import type { Progress } from '../run/progress.js';
import { runBenchmarks } from '../run/runner.js';
import type { Revision } from '../store/revision.js';
import { analyzeSweep, type SweepAnalysis } from '../sweep/analyze.js';
import { readSweepFile, runSweep, writeSweepFile, type SweepOutcome } from '../sweep/run.js';

export interface SweepPipeline {
  config: Config;
  env: NodeJS.ProcessEnv;
  progress: Progress;
  revision: Revision;
  /** Where the sweep file is saved after every point. */
  out: string;
  /** A saved sweep file whose points are reused. */
  resume?: string;
}

export async function sweepPipeline(
  input: SweepPipeline,
): Promise<{ analysis: SweepAnalysis; run: SweepOutcome }> {
  const { config, progress } = input;
  const { sweep } = config;
  if (!sweep) throw new InputError('has no sweep section (docs/sweep.md)', config.file, 'sweep');
  const saved = input.resume ? (await readSweepFile(input.resume)).points : [];
  const run = await runSweep({
    config,
    sweep,
    saved,
    ...(input.resume ? { savedFrom: input.resume } : {}),
    measure: (pointConfig) =>
      runBenchmarks({ config: pointConfig, env: input.env, progress, ...input.revision }),
    save: (points) => writeSweepFile(input.out, sweep.strategy, points),
    note: (text) => progress.section(text),
  });
  return { analysis: analyzeSweep(config, sweep, run.points), run };
}
