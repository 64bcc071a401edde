/**
 * Measuring, as every face does it: the config's setup in its tree, then its suites. One place,
 * so `perfgate run`, `record`, `check` and the action's modes measure alike.
 */
import type { Config } from '../config/index.js';
import type { Results } from '../results/schema.js';
import type { Progress } from '../run/progress.js';
import { runBenchmarks } from '../run/runner.js';
import { runSetup } from '../run/setup.js';
import type { Revision } from '../store/revision.js';

export interface MeasureInput {
  config: Config;
  env: NodeJS.ProcessEnv;
  progress: Progress;
  revision: Revision;
}

/** The head tree measured alone; `notes` say which setup steps were skipped and why. */
export async function measure(input: MeasureInput): Promise<{ results: Results; notes: string[] }> {
  const notes = await runSetup({ label: 'head', config: input.config }, input);
  for (const note of notes) input.progress.note(note);
  const results = await runBenchmarks({
    config: input.config,
    env: input.env,
    progress: input.progress,
    ...input.revision,
  });
  return { results, notes };
}
