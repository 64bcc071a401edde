/** `perfgate calibrate`: the noise of each metric, what the gate sees, and thresholds that fit. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { recommendedRules, type Calibration } from '../compare/calibrate.js';
import { parseConfig } from '../config/index.js';
import { assertThresholdsEditable, withThresholdRules } from '../config/thresholds.js';
import { EXIT } from '../errors.js';
import { calibrateAa, calibrateHistory } from '../pipeline/calibrate.js';
import { HISTORY_WINDOW } from '../pipeline/defaults.js';
import { wholeOption } from '../pipeline/options.js';
import { calibrationGrid, calibrationSummary } from '../report/calibrate.js';
import { escapeMarkdown, escapeTerminal } from '../report/escape.js';
import { layoutMarkdown, layoutText } from '../report/grid.js';
import { assertEditable, writeTextAtomic } from '../files.js';
import { currentRevision } from '../store/revision.js';
import {
  configFrom,
  displayPath,
  formatOption,
  optionPolicy,
  POLICY_OPTIONS,
  progressOf,
  readBranch,
  STORE_OPTIONS,
  storeAt,
  type Format,
} from './args.js';
import type { CliIO, Command } from './types.js';

const RUNS_DEFAULT = 5;

const USAGE = `usage: perfgate calibrate --config perfgate.yml [--runs N] [--trials N] [--seed N] [--suite NAME]...
                          [--from-history [--store DIR] [--branch NAME] [--window N]]
                          [--format text|markdown|json] [--write]

Measures the noise each metric has and what the gate can see through it. By default it runs N
(default ${RUNS_DEFAULT}) A/A checks: this tree as both sides, trials interleaved as a pull request's
check runs them, so every difference is noise. --from-history reads the stored runs of the branch
instead (measures nothing, but shows no A/A false alarms). --trials sets the trials per side of
each A/A run (default: the config's, a sequential design's max); what the gate sees is always
stated for the config's design.

Per metric: the noise within a run and from run to run, how often A/A runs were flagged, the
smallest regression the current design sees with 80 % power, the trials per side that would see
the current threshold, and a recommended threshold. --write puts the recommendations that are
above the threshold in force into the config's compare.thresholds (comments kept; validated
before it is written); it never tightens a threshold.`;

export const calibrateCommand: Command = {
  summary: 'measure A/A noise (or read the history) and recommend thresholds and trials',
  usage: USAGE,
  options: {
    ...STORE_OPTIONS,
    runs: { type: 'string' },
    trials: { type: 'string' },
    seed: { type: 'string' },
    window: { type: 'string' },
    'from-history': { type: 'boolean' },
    format: { type: 'string', default: 'text' },
    write: { type: 'boolean' },
    ...POLICY_OPTIONS,
  },
  async run({ values }, io) {
    // Every option is checked before anything is measured.
    const runs = wholeOption(values.runs, '--runs', { min: 1, max: 100 }) ?? RUNS_DEFAULT;
    const trials = wholeOption(values.trials, '--trials', { min: 2, max: 1000 });
    const seed = wholeOption(values.seed, '--seed', { min: 0, max: 2 ** 31 - 101 });
    const window = wholeOption(values.window, '--window', { min: 2, max: 1000 }) ?? HISTORY_WINDOW;
    const format = formatOption(values);
    const config = await configFrom(values, io);
    // Refused before measuring: minutes of A/A runs must not end in "cannot write".
    if (values.write === true) {
      await assertEditable(config.file, '--config');
      assertThresholdsEditable(await readFile(config.file, 'utf8'), config.file);
    }
    const common = {
      config,
      env: io.env,
      progress: progressOf(io),
      overrides: optionPolicy(values),
      window,
    };
    let calibration: Calibration;
    const notes: string[] = [];
    if (values['from-history'] === true) {
      const branch = await readBranch(values, io, config.file);
      const read = await calibrateHistory({ ...common, store: storeAt(values, io), branch });
      calibration = read.calibration;
      notes.push(...read.warnings, ...read.notes);
    } else {
      const revision = await currentRevision(path.dirname(config.file), io.env);
      calibration = await calibrateAa({
        ...common,
        revision,
        runs,
        ...(trials === undefined ? {} : { trials }),
        ...(seed === undefined ? {} : { seed }),
      });
    }
    notes.push(...calibration.notes);
    io.stdout(render(calibration, notes, format));
    if (values.write === true) await writeRecommended(calibration, config.file, io);
    return EXIT.ok;
  },
};

function render(calibration: Calibration, notes: readonly string[], format: Format): string {
  if (format === 'json') return `${JSON.stringify({ ...calibration, notes }, null, 2)}\n`;
  const grid = calibrationGrid(calibration);
  const summary = calibrationSummary(calibration);
  if (format === 'markdown') {
    const listed = [...summary, ...notes].map((line) => `- ${escapeMarkdown(line)}`).join('\n');
    return `## perfgate calibration\n\n${layoutMarkdown(grid)}\n\n${listed}\n`;
  }
  const lines = [...summary, ...notes.map((n) => `note: ${n}`)].map(escapeTerminal);
  return `${layoutText(grid)}\n\n${lines.join('\n')}\n`;
}

/** The recommended thresholds into the config file, which must still load as a config. */
async function writeRecommended(calibration: Calibration, file: string, io: CliIO): Promise<void> {
  const rules = recommendedRules(calibration.metrics);
  const shown = escapeTerminal(displayPath(io.cwd, file));
  if (rules.length === 0) {
    io.stdout(
      `nothing to write into ${shown}: every threshold is at or above its recommendation\n`,
    );
    return;
  }
  const text = withThresholdRules(await readFile(file, 'utf8'), rules, file);
  parseConfig(text, file, io.env);
  await writeTextAtomic(file, text, '--config');
  io.stdout(
    `wrote ${rules.length} threshold rule(s) into ${shown} (compare.thresholds), raising the ` +
      'thresholds the noise exceeds; lower recommendations are left to you\n',
  );
}
