import { describe, expect, it } from 'vitest';
import { TrialAccumulator } from '../../src/run/accumulate.js';

const metric = (name: string, value: number) => ({
  name,
  unit: 'ms',
  direction: 'lower' as const,
  value,
});

describe('TrialAccumulator', () => {
  it('gathers one sample per trial in trial order, per suite and variant', () => {
    const acc = new TrialAccumulator();
    acc.add('api', 'A', [metric('p50', 1)], [], 1.5);
    acc.add('api', 'B', [metric('p50', 5)], [], 2);
    acc.add('api', 'A', [metric('p50', 2)], [], 0.25);
    const suites = acc.suites(true, new Map([['A', { CACHE: '10' }]]));
    expect(suites).toEqual([
      {
        name: 'api',
        variant: 'A',
        knobs: { CACHE: '10' },
        metrics: [{ name: 'p50', unit: 'ms', direction: 'lower', samples: [1, 2] }],
        // 1.5 s + 0.25 s: the wall time of both of A's trials, what shards are balanced by.
        seconds: 1.75,
      },
      {
        name: 'api',
        variant: 'B',
        metrics: [{ name: 'p50', unit: 'ms', direction: 'lower', samples: [5] }],
        seconds: 2,
      },
    ]);
  });

  it('invents no value for a metric a trial lacked, and notes the gap and each trial note', () => {
    const acc = new TrialAccumulator();
    acc.add('gpu', 'default', [metric('util', 80)], [], 1);
    acc.add('gpu', 'default', [], ['nvidia-smi exited'], 1);
    const [suite] = acc.suites(false, new Map());
    expect(suite?.variant).toBeUndefined();
    expect(suite?.metrics[0]?.samples).toEqual([80]);
    expect(suite?.notes).toEqual([
      'trial 2: nvidia-smi exited',
      'util is missing from 1 of 2 trials',
    ]);
  });

  it('keeps what a metric is from its first trial, and notes a trial that says otherwise', () => {
    const acc = new TrialAccumulator();
    const util = (value: number, target: number) => ({
      name: 'util',
      unit: '%',
      direction: 'target' as const,
      target,
      value,
    });
    acc.add('gpu', 'default', [util(80, 85)], [], 1);
    acc.add('gpu', 'default', [util(82, 90)], [], 1);
    acc.add('gpu', 'default', [{ ...util(81, 85), unit: 'ratio' }], [], 1);
    acc.add('gpu', 'default', [metric('p50', 3)], [], 1);
    acc.add('gpu', 'default', [{ ...util(79, 85), name: 'p50' }], [], 1);
    const [suite] = acc.suites(false, new Map());
    expect(suite?.metrics).toEqual([
      { name: 'util', unit: '%', direction: 'target', target: 85, samples: [80, 82, 81] },
      { name: 'p50', unit: 'ms', direction: 'lower', samples: [3, 79] },
    ]);
    expect(suite?.notes).toEqual([
      "trial 2: util changed its target; kept the first trial's (target 85)",
      "trial 3: util changed its unit; kept the first trial's (unit %)",
      "trial 5: p50 changed its unit, direction, and target; kept the first trial's (unit ms, direction lower, no target)",
      'util is missing from 2 of 5 trials',
      'p50 is missing from 3 of 5 trials',
    ]);
  });
});
