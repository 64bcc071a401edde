// The note on runner conditions that differed between the two sides of one interleaved run
// (results' interleaved.conditions): named where a condition was seen on one side only.
import { describe, expect, it } from 'vitest';
import { compareResults } from '../../src/compare/compare.js';
import { conditionNotes } from '../../src/compare/notes.js';
import type { Results, RunnerConditions } from '../../src/results/schema.js';
import { around, results } from '../helpers/results.js';

const quiet: RunnerConditions = { trials: 8, seen: [] };
const foreignGpu: RunnerConditions = {
  trials: 8,
  seen: [{ name: 'gpu.processes', status: 'fail', value: 'python3', trials: 4 }],
};

const side = (conditions: RunnerConditions | undefined): Results => ({
  ...results([{ name: 'lat', samples: around(100, 8) }]),
  interleaved: { seed: 1, order: [], ...(conditions ? { conditions } : {}) },
});

describe('conditionNotes', () => {
  it("names a condition seen during one side's trials only, in the comparison's notes", () => {
    expect(compareResults(side(quiet), side(foreignGpu)).notes).toEqual([
      'runner conditions differed between the sides: gpu.processes python3 seen during 4 of 8 ' +
        "candidate trials, 0 of 8 baseline trials: the difference may be the runner's, not the " +
        "code's (see perfgate doctor)",
    ]);
    // The other way round: the baseline's trials had it.
    expect(conditionNotes(foreignGpu, quiet)).toEqual([
      expect.stringContaining(
        'python3 seen during 0 of 8 candidate trials, 4 of 8 baseline trials',
      ),
    ]);
  });

  it('says nothing where both sides saw it, neither did, or a side was not watched', () => {
    const busy: RunnerConditions = {
      trials: 8,
      seen: [{ name: 'runner.processes', status: 'warn', value: 'make 95 %', trials: 1 }],
    };
    // Both sides saw a neighbour, however unevenly: noise they shared.
    expect(conditionNotes(busy, { ...busy, seen: [{ ...busy.seen[0]!, trials: 7 }] })).toEqual([]);
    expect(conditionNotes(quiet, quiet)).toEqual([]);
    // Results from before conditions were recorded, or not from an interleaved run.
    expect(compareResults(side(undefined), side(foreignGpu)).notes).toEqual([]);
  });

  it('lists every lopsided condition in one note', () => {
    const head: RunnerConditions = {
      trials: 6,
      seen: [
        { name: 'gpu0.throttle', status: 'fail', value: 'SW power cap', trials: 2 },
        { name: 'runner.processes', status: 'warn', value: 'make 95 %', trials: 3 },
      ],
    };
    const base: RunnerConditions = {
      trials: 6,
      seen: [{ name: 'runner.processes', status: 'warn', value: 'make 80 %', trials: 1 }],
    };
    expect(conditionNotes(base, head)).toEqual([
      'runner conditions differed between the sides: gpu0.throttle SW power cap seen during 2 of ' +
        "6 candidate trials, 0 of 6 baseline trials: the difference may be the runner's, not the " +
        "code's (see perfgate doctor)",
    ]);
  });
});
