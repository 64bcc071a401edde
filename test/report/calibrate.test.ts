// The calibration report's advice: trials that keep the thresholds, unless no practical count does.
import { describe, expect, it } from 'vitest';
import type { Calibration, MetricCalibration } from '../../src/compare/calibrate.js';
import { calibrationGrid, calibrationSummary } from '../../src/report/calibrate.js';

const metric = (name: string, trialsForThreshold: number | null): MetricCalibration => ({
  key: `api/${name}`,
  suite: 'api',
  metric: name,
  unit: 'ms',
  direction: 'lower',
  withinRun: 0.1,
  runToRun: null,
  falseAlarms: 0,
  largestChange: 0.04,
  trials: 6,
  threshold: 0.05,
  detectable: 0.26,
  trialsForThreshold,
  recommended: 0.265,
});

const calibration = (trials: number): Calibration => ({
  source: 'aa',
  runs: 3,
  baseline: 'interleaved',
  family: 2,
  metrics: [metric('p50', 12), metric('p95', trials)],
  trialsForThresholds: trials,
  notes: [],
});

describe('calibrationSummary', () => {
  it('names the trials per side that keep every threshold', () => {
    expect(calibrationSummary(calibration(40)).join('\n')).toMatch(
      /keep the thresholds: run 40 trials per side/,
    );
  });

  it('says when no practical number of trials would, naming the metric', () => {
    const text = calibrationSummary(calibration(2198)).join('\n');
    expect(text).toMatch(
      /no practical number of trials keeps every threshold \(api\/p95 would need 2198 per side\)/,
    );
    expect(text).not.toMatch(/trials: 2198/);
  });

  it('lays out one row per metric with the A/A columns', () => {
    const grid = calibrationGrid(calibration(40));
    expect(grid.columns).toContain('A/A flagged');
    expect(grid.rows[1]).toEqual([
      'api',
      'p95',
      '10 %',
      '–',
      '0 of 3',
      '4 %',
      '26 %',
      '5 %',
      '40',
      '26.5 %',
    ]);
  });
});
