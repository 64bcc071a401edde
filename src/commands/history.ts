/** `perfgate check` and `perfgate record`: the gate and the history, with a folder as the store. */
import path from 'node:path';
import type { CliIO, Command, ParsedArgs } from '../cli.js';
import { EXIT } from '../errors.js';
import { baselineLabel, gateAgainstHistory } from '../pipeline/gate.js';
import { layoutText } from '../report/grid.js';
import { renderComparisonText } from '../report/text.js';
import { resultsTable } from '../report/table.js';
import { folderStore } from '../store/folderStore.js';
import { currentRevision } from '../store/revision.js';
import { policyFrom } from './compare.js';
import { numberOption } from './options.js';
import { configFrom, measure } from './run.js';

const STORE_DEFAULT = 'perfgate-history';

const storeOptions = {
  config: { type: 'string' },
  suite: { type: 'string', multiple: true },
  store: { type: 'string' },
  branch: { type: 'string' },
} as const;

/** The branch results belong to: --branch, else the checkout's branch, else main. */
async function branchFrom(
  values: ParsedArgs['values'],
  io: CliIO,
  configFile: string,
): Promise<string> {
  if (typeof values.branch === 'string') return values.branch;
  const { ref } = await currentRevision(path.dirname(configFile), io.env);
  return ref?.replace(/^refs\/heads\//, '') ?? 'main';
}

const storeAt = (values: ParsedArgs['values'], io: CliIO) =>
  folderStore(
    path.resolve(io.cwd, typeof values.store === 'string' ? values.store : STORE_DEFAULT),
  );

export const recordCommand: Command = {
  summary: 'run the suites and append the results to the history (--store DIR)',
  usage: `usage: perfgate record --config perfgate.yml [--store DIR] [--branch NAME] [--suite NAME]...

Appends one results file under DIR (default ${STORE_DEFAULT}/), never overwriting; later
'perfgate check' runs compare with it.`,
  options: storeOptions,
  async run({ values }, io) {
    const config = await configFrom(values, io);
    const results = await measure(config, io);
    const branch = await branchFrom(values, io, config.file);
    const where = await storeAt(values, io).append(results, { branch });
    io.stdout(`${layoutText(resultsTable(results))}\n\nrecorded for ${branch}: ${where}\n`);
    return EXIT.ok;
  },
};

export const checkCommand: Command = {
  summary: 'run the suites and compare with the stored baseline (--store DIR)',
  usage: `usage: perfgate check --config perfgate.yml [--store DIR] [--branch NAME] [--window N] [--suite NAME]...

Compares a fresh run with the newest matching results recorded for the branch (default: the
checkout's branch) in DIR (default ${STORE_DEFAULT}/), pooling up to N (default 5). Exit 1 on a
regression; with no baseline yet it prints the numbers and passes.`,
  options: {
    ...storeOptions,
    window: { type: 'string' },
    alpha: { type: 'string' },
    threshold: { type: 'string' },
  },
  async run({ values }, io) {
    const config = await configFrom(values, io);
    const window = numberOption(values.window, '--window', { min: 0, max: 1000 }) ?? 5;
    const policy = await policyFrom(values, io);
    const results = await measure(config, io);
    // In a pull request's CI the baseline lives under the base branch, not refs/pull/N/merge.
    const branch =
      typeof values.branch !== 'string' && io.env.GITHUB_BASE_REF
        ? io.env.GITHUB_BASE_REF
        : await branchFrom(values, io, config.file);
    const outcome = await gateAgainstHistory({
      results,
      store: storeAt(values, io),
      branch,
      window,
      policy,
    });
    const notes = [...outcome.warnings, ...outcome.selection.notes]
      .map((n) => `note: ${n}\n`)
      .join('');
    if (!outcome.comparison) {
      io.stdout(`${layoutText(resultsTable(results))}\n\n${notes}`);
      return EXIT.ok;
    }
    io.stdout(
      `baseline: ${baselineLabel(branch, outcome.selection)}\n\n${renderComparisonText(outcome.comparison)}${notes}`,
    );
    return outcome.comparison.counts.regression > 0 ? EXIT.regression : EXIT.ok;
  },
};
