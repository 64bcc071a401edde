/**
 * Simulated values as perfgate results, so that the benchmarks go through the real comparison
 * (compareResults, poolResults, runMedians) rather than a re-implementation of its statistics.
 */
import type { Results } from '../../src/results/schema.js';

/**
 * One suite `sim` with one lower-is-better metric `m<i>` per entry of `samples` (in ms).
 * `createdAt` only matters where results are pooled (the newest one's is kept).
 */
export function simResults(
  samples: readonly (readonly number[])[],
  createdAt = '2026-11-27T09:00:00Z',
): Results {
  return {
    schema: 'perfgate/results@1',
    createdAt,
    suites: [
      {
        name: 'sim',
        metrics: samples.map((s, i) => ({
          name: `m${i}`,
          unit: 'ms',
          direction: 'lower' as const,
          samples: [...s],
        })),
      },
    ],
  };
}
