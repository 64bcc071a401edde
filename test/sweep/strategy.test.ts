// The strategies as pure "next point" functions, driven by a synthetic service: no process runs.
import { describe, expect, it } from 'vitest';
import type { Sweep } from '../../src/config/index.js';
import { knobNames, pointKey, pointLabel, type Point } from '../../src/sweep/space.js';
import { gain, nextPoint, type Outcome } from '../../src/sweep/strategy.js';
import { sweepConfig } from './points.js';

const objective = `  objective: { maximize: api/work/requests_per_second }\n`;

/** Runs a strategy to the end against `measure`, returning the labels in measurement order. */
function drive(
  sweep: Sweep,
  measure: (point: Point) => Outcome,
  start = new Map<string, Outcome>(),
) {
  const names = knobNames(sweep);
  const outcomes = new Map(start);
  const order: string[] = [];
  for (let point = nextPoint(sweep, outcomes); point; point = nextPoint(sweep, outcomes)) {
    order.push(pointLabel(point, names));
    outcomes.set(pointKey(point, names), measure(point));
  }
  return order;
}

/** Throughput peaks at B=8 (1000 / (|B − 8| + 1)); T=1 is faster still but breaks a constraint. */
const peak = (point: Point): Outcome => {
  const b = Number(point.B);
  const turbo = point.T === '1';
  return { score: (turbo ? 3000 : 1000) / (Math.abs(b - 8) + 1), feasible: !turbo && b <= 16 };
};

describe('grid', () => {
  it('measures the baseline first, then the cartesian product, the last knob fastest', () => {
    const { sweep } = sweepConfig(
      `  knobs: { B: [1, 2], T: [0, 1] }\n  baseline: { B: 2, T: 1 }\n${objective}`,
    );
    expect(drive(sweep, peak)).toEqual(['B=2 T=1', 'B=1 T=0', 'B=1 T=1', 'B=2 T=0']);
  });
});

describe('coordinate', () => {
  const { sweep } = sweepConfig(
    `  knobs: { B: { from: 1, to: 64, step: x2 }, T: [0, 1] }
  baseline: { B: 32, T: 0 }
  strategy: coordinate
${objective}`,
  );

  it('steps B by powers of two from the baseline, stops past the peak, then tries T at the best B', () => {
    // B: 1 → 2 → 4 → 8 gain; 16 loses (one small step), 32 is infeasible after feasible steps:
    // stop, keep B=8. Then T=1 at B=8 is infeasible: keep T=0. 64 is never measured.
    expect(drive(sweep, peak)).toEqual([
      'B=32 T=0',
      'B=1 T=0',
      'B=2 T=0',
      'B=4 T=0',
      'B=8 T=0',
      'B=16 T=0',
      'B=8 T=1',
    ]);
  });

  it('stops a knob after two consecutive steps gaining less than minGain', () => {
    // Flat beyond B=4: 4 → 8 and 8 → 16 both gain 0 < 5 %, so 32 and 64 are skipped.
    const flat = (point: Point): Outcome => ({
      score: Math.min(Number(point.B), 4),
      feasible: true,
    });
    const { sweep: onlyB } = sweepConfig(
      `  knobs: { B: { from: 1, to: 64, step: x2 } }\n  strategy: coordinate\n${objective}`,
    );
    expect(drive(onlyB, flat)).toEqual(['B=1', 'B=2', 'B=4', 'B=8', 'B=16']);
  });

  it('walks through infeasible values until the first feasible one', () => {
    // Too small a B breaks the constraint: not a reason to stop before anything feasible was seen.
    const { sweep: onlyB } = sweepConfig(
      `  knobs: { B: [1, 2, 4, 8] }\n  strategy: coordinate\n  minGain: 0\n${objective}`,
    );
    const order = drive(onlyB, (p) => ({ score: Number(p.B), feasible: Number(p.B) >= 4 }));
    expect(order).toEqual(['B=1', 'B=2', 'B=4', 'B=8']);
  });

  it('resumes where the saved points end: a replay asks only for what is missing', () => {
    const names = knobNames(sweep);
    const all = drive(sweep, peak);
    const saved = new Map<string, Outcome>();
    const first = all
      .slice(0, 4)
      .map((label) =>
        Object.fromEntries(label.split(' ').map((kv) => kv.split('=') as [string, string])),
      );
    for (const point of first) saved.set(pointKey(point, names), peak(point));
    expect(drive(sweep, peak, saved)).toEqual(all.slice(4));
  });
});

describe('gain', () => {
  it('is relative to the previous score, in the better direction', () => {
    expect(gain({ score: 100, feasible: true }, { score: 110, feasible: true })).toBeCloseTo(0.1);
    // Minimizing 10 ms → 8 ms: scores −10 → −8, a 20 % gain.
    expect(gain({ score: -10, feasible: true }, { score: -8, feasible: true })).toBeCloseTo(0.2);
    expect(gain({ score: 0, feasible: true }, { score: 0, feasible: true })).toBe(0);
  });
});
