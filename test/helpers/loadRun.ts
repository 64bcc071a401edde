// The one run a side holds (a perfgate results file, or the trial files of one run), read with
// loadRuns and checked to be one: what the tests of single inputs read.
import { expect } from 'vitest';
import { loadRuns, type LoadOptions } from '../../src/formats/loadSide.js';
import type { Results } from '../../src/results/schema.js';

export async function loadOneRun(spec: string, options?: LoadOptions): Promise<Results> {
  const runs = await loadRuns(spec, options);
  expect(runs).toHaveLength(1);
  return runs[0] as Results;
}
