import { describe, expect, it } from 'vitest';
import type { Suite } from '../../src/config/index.js';
import { planTrials } from '../../src/run/plan.js';

const suite = (name: string, trials: number) => ({ name, trials }) as Suite;
const variant = (name: string) => ({ name, env: {} });

describe('planTrials', () => {
  it('alternates the variant order each round (A B, B A, A B) so drift hits both alike', () => {
    const steps = planTrials([suite('api', 3)], [variant('A'), variant('B')]);
    expect(steps.map((s) => `${s.round}${s.arm.name}`)).toEqual([
      '1A',
      '1B',
      '2B',
      '2A',
      '3A',
      '3B',
    ]);
  });

  it('runs each suite only as many rounds as it asks for', () => {
    const steps = planTrials([suite('long', 3), suite('short', 1)], [variant('default')]);
    expect(steps.map((s) => s.suites.map((x) => x.name).join('+'))).toEqual([
      'long+short',
      'long',
      'long',
    ]);
  });

  it('with a seed, draws each block ABBA or BAAB, balanced and repeatable', () => {
    const arms = [variant('base'), variant('head')];
    const order = (seed: number) =>
      planTrials([suite('api', 20)], arms, seed)
        .map((s) => s.arm.name[0])
        .join('');
    const blocks = order(7).match(/..../g) ?? [];
    // Every block of two rounds holds each side twice, as ABBA or BAAB.
    expect(new Set(blocks)).toEqual(new Set(['bhhb', 'hbbh']));
    expect(order(7)).toBe(order(7));
    expect(order(7)).not.toBe(order(8));
  });
});
