// The bisection's search (compare/bisect.ts), driven by answers written here: where it probes,
// how it narrows, what it does with unknown and skipped commits, and when it cannot name one.
import { describe, expect, it } from 'vitest';
import {
  bisectResult,
  nextProbe,
  search,
  startBisect,
  type StepAnswer,
} from '../../src/compare/bisect.js';

/** The answers of a range whose first bad commit is `culprit`, with some commits answered otherwise. */
const truth =
  (culprit: number, otherwise: Record<number, StepAnswer> = {}) =>
  (index: number): StepAnswer =>
    otherwise[index] ?? (index >= culprit ? 'different' : 'same');

async function probed(size: number, answer: (index: number) => StepAnswer) {
  const order: number[] = [];
  const state = await search(size, (index) => {
    order.push(index);
    return answer(index);
  });
  return { order, result: bisectResult(state) };
}

describe('the bisection search', () => {
  it('halves the range: 16 commits after good take 4 probes', async () => {
    for (let culprit = 1; culprit <= 16; culprit++) {
      const { order, result } = await probed(17, truth(culprit));
      expect(result.culprit).toBe(culprit);
      expect(order.length).toBeLessThanOrEqual(4);
    }
  });

  it('probes the middle first, then its neighbours where the middle was unknown or skipped', async () => {
    const { order, result } = await probed(11, truth(7, { 5: 'skipped', 6: 'unknown' }));
    expect(order).toEqual([5, 6, 4, 7]);
    // 5 and 6 were never decided, so the first bad commit may be any of 5, 6 and 7.
    expect(result).toEqual({ culprit: null, among: [5, 6, 7] });
    const past = await probed(11, truth(8, { 5: 'skipped' }));
    expect(past.order).toEqual([5, 6, 8, 7]);
    expect(past.result.culprit).toBe(8);
  });

  it('names no culprit, and the commits it lies among, when those between are unknown', async () => {
    const { result } = await probed(6, truth(3, { 2: 'unknown', 3: 'skipped' }));
    expect(result).toEqual({ culprit: null, among: [2, 3, 4] });
  });

  it('needs nothing probed when bad follows good directly', () => {
    expect(nextProbe(startBisect(2))).toBeNull();
    expect(bisectResult(startBisect(2))).toEqual({ culprit: 1, among: [1] });
    expect(() => startBisect(1)).toThrow(RangeError);
  });
});
