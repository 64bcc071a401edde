/**
 * The calibration report (`perfgate calibrate`): one row per gating metric, its noise, what the
 * current design sees, and the threshold that fits. Every cell is a plain string; grid.ts lays it
 * out and escapes it for the terminal or markdown.
 */
import type { Calibration } from '../compare/calibrate.js';
import { percent } from '../compare/detectable.js';
import { suiteLabel } from '../results/variant.js';
import { plural } from '../text.js';
import type { Grid } from './grid.js';

const dash = '–';
/** Beyond this many trials per side, a run takes longer than anyone waits for a pull request. */
const PRACTICAL_TRIALS = 100;
const share = (value: number | null) => (value === null ? dash : percent(value));

export function calibrationGrid(calibration: Calibration): Grid {
  const aa = calibration.source === 'aa';
  const rows = calibration.metrics.map((m) => [
    suiteLabel(m.suite, m.variant),
    m.metric,
    share(m.withinRun),
    share(m.runToRun),
    ...(aa ? [`${m.falseAlarms} of ${calibration.runs}`, share(m.largestChange)] : []),
    share(m.detectable),
    percent(m.threshold),
    m.trialsForThreshold === null ? dash : String(m.trialsForThreshold),
    // In the half-percent steps it is written into the config with: 26.5 %, not 27 %.
    m.recommended === null ? dash : `${+(m.recommended * 100).toFixed(1)} %`,
  ]);
  return {
    columns: [
      'suite',
      'metric',
      'noise in a run',
      'run to run',
      ...(aa ? ['A/A flagged', 'largest A/A change'] : []),
      'sees now',
      'threshold',
      'trials to see it',
      'recommended threshold',
    ],
    align: ['l', 'l', 'r', 'r', ...(aa ? (['r', 'r'] as const) : []), 'r', 'r', 'r', 'r'],
    rows,
  };
}

/** What the table's columns mean, and the two ways to act on it. */
export function calibrationSummary(calibration: Calibration): string[] {
  const { runs, family, baseline } = calibration;
  const source =
    calibration.source === 'aa'
      ? `${plural(runs, 'A/A run')} (this tree as both sides, trials interleaved)`
      : `${plural(runs, 'stored run')} of this config on one kind of machine`;
  const lines = [
    `calibrated from ${source}; ${plural(family, 'gating metric')} tested together.`,
    `"sees now": the smallest regression the ${baseline} gate detects with 80 % power ` +
      (baseline === 'history'
        ? 'from run medians (more trials do not shrink it: runs move as a whole).'
        : 'at the current trials per side.'),
  ];
  const trials = calibration.trialsForThresholds;
  if (baseline === 'interleaved' && trials !== null && trials > 0) {
    const hardest = calibration.metrics.find((m) => m.trialsForThreshold === trials);
    lines.push(
      trials <= PRACTICAL_TRIALS
        ? `keep the thresholds: run ${trials} trials per side (trials: ${trials}, or trials: { min: 4, max: ${trials} }).`
        : `no practical number of trials keeps every threshold (${hardest?.key} would need ${trials} per side): ` +
            'use the recommended thresholds, or quiet the runner.',
    );
  }
  lines.push(
    'or keep the trials and use the recommended thresholds: perfgate calibrate --write raises the thresholds below them; it leaves lower ones to you.',
  );
  return lines;
}
