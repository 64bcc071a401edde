// The sweep section of perfgate.yml and the search space it describes.
import { describe, expect, it } from 'vitest';
import { configHash, parseConfig } from '../../src/config/index.js';
import { rangeValues } from '../../src/config/range.js';
import { gridPoints, pointConfig, pointKey, variantName } from '../../src/sweep/space.js';
import { sweepConfig } from './points.js';

const objective = `  objective: { maximize: api/work/requests_per_second }\n`;

function errorOf(sweep: string): string {
  try {
    sweepConfig(sweep);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the config to be rejected');
}

describe('the sweep section', () => {
  it('expands ranges and fills in the defaults', () => {
    const { sweep } = sweepConfig(`  knobs:
    CACHE: [100, 1000, 10000]
    BATCH: { from: 1, to: 64, step: x2 }
${objective}`);
    expect(sweep.knobs).toEqual({
      CACHE: ['100', '1000', '10000'],
      BATCH: ['1', '2', '4', '8', '16', '32', '64'],
    });
    // Each knob the baseline leaves out starts at its first value.
    expect(sweep.baseline).toEqual({ CACHE: '100', BATCH: '1' });
    expect(sweep).toMatchObject({ strategy: 'grid', minGain: 0.05, constraints: [] });
  });

  it('names the field and what was expected', () => {
    const knobs =
      errorOf(`  knobs: { A: { from: 8, to: 1, step: 1 }, B: { from: 1, to: 4, step: y } }
${objective}`);
    expect(knobs).toContain('sweep.knobs.A.to: expected from ≤ to');
    expect(knobs).toContain('sweep.knobs.B.step: expected a number to add, or x<factor>');
    const names = errorOf(
      `  knobs: { A: [1] }\n  baseline: { C: 1 }\n  suites: [api/wrok]\n${objective}`,
    );
    expect(names).toContain("sweep.baseline.C: not a knob: 'C'");
    expect(names).toContain("sweep.suites[0]: unknown suite 'api/wrok' — did you mean 'api/work'?");
  });

  it('leaves the config hash alone: the sweep does not change what a run measures', () => {
    const base = `version: 1
suites: [{ name: api, kind: http, baseUrl: "http://127.0.0.1:9", requests: [{ path: /x }] }]
`;
    const withSweep = `${base}sweep: { knobs: { A: [1] }, objective: { minimize: api/latency_p95 } }\n`;
    const hash = (text: string) => configHash(parseConfig(text, '/repo/perfgate.yml', {}));
    expect(hash(withSweep)).toBe(hash(base));
  });
});

describe('the search space', () => {
  it('steps additive ranges without floating-point residue', () => {
    expect(rangeValues({ from: 0.1, to: 0.5, step: { add: 0.1 } })).toEqual([
      0.1, 0.2, 0.3, 0.4, 0.5,
    ]);
  });

  it('enumerates the grid with the last knob fastest, and keys points by value', () => {
    const { sweep } = sweepConfig(`  knobs: { A: [1, 2], B: [x, y] }\n${objective}`);
    expect(gridPoints(sweep)).toEqual([
      { A: '1', B: 'x' },
      { A: '1', B: 'y' },
      { A: '2', B: 'x' },
      { A: '2', B: 'y' },
    ]);
    expect(pointKey({ B: 'x', A: '1' }, ['A', 'B'])).toBe(pointKey({ A: '1', B: 'x' }, ['A', 'B']));
    expect(variantName({ A: '1', B: 'a b' }, ['A', 'B'])).toBe('A-1.B-a_b');
  });

  it('measures a point as one variant over the sweep’s suites and trials', () => {
    const config = sweepConfig(
      `  knobs: { A: [1, 2] }\n  suites: [api/other]\n  trials: 3\n${objective}`,
    );
    const point = pointConfig(config, config.sweep, { A: '2' });
    expect(point.variants).toEqual([{ name: 'A-2', env: { A: '2' } }]);
    expect(point.suites.map((s) => [s.name, s.trials])).toEqual([['api/other', 3]]);
  });
});
