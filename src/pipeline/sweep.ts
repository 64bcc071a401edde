/**
 * A whole sweep: measure the points (resuming saved ones), each beside the reference setting in a
 * run of its own, save after each, analyse. Shared by the CLI and the action.
 */
import { randomInt } from 'node:crypto';
import type { Config } from '../config/index.js';
import { InputError } from '../errors.js';
import type { Progress } from '../run/progress.js';
import { runBenchmarks, runInterleaved } from '../run/runner.js';
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
  /** Seeds each pair's ABBA/BAAB blocks (point i gets seed + i); random when absent. */
  seed?: number;
}

export async function sweepPipeline(
  input: SweepPipeline,
): Promise<{ analysis: SweepAnalysis; run: SweepOutcome }> {
  const { config, progress } = input;
  const { sweep } = config;
  if (!sweep)
    throw new InputError('has no sweep section (docs/sweep.md)', {
      file: config.file,
      field: 'sweep',
    });
  const saved = input.resume ? (await readSweepFile(input.resume)).points : [];
  let pairs = 0;
  const run = await runSweep({
    config,
    sweep,
    saved,
    ...(input.resume ? { savedFrom: input.resume } : {}),
    measure: async (pointConfig, reference) => {
      if (!reference) {
        return {
          results: await runBenchmarks({
            config: pointConfig,
            env: input.env,
            progress,
            ...input.revision,
          }),
        };
      }
      const [referenceResults, results] = await runInterleaved({
        sides: [
          { name: 'base', config: reference, ...input.revision },
          { name: 'head', config: pointConfig, ...input.revision },
        ],
        seed: input.seed === undefined ? randomInt(2 ** 31) : input.seed + pairs++,
        env: input.env,
        progress,
      });
      return { results, reference: referenceResults };
    },
    save: (points) => writeSweepFile(input.out, sweep.strategy, points),
    note: (text) => progress.section(text),
  });
  return { analysis: analyzeSweep(config, sweep, run.points), run };
}
