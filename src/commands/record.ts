/** `perfgate record`: run the suites and append the results to the folder store's history. */
import type { Command } from './types.js';
import { EXIT } from '../errors.js';
import { HISTORY_FOLDER } from '../pipeline/defaults.js';
import { escapeTerminal } from '../report/escape.js';
import { layoutText } from '../report/grid.js';
import { resultsTable } from '../report/table.js';
import { configFrom, measureCheckout, recordBranch, STORE_OPTIONS, storeAt } from './args.js';

export const recordCommand: Command = {
  summary: 'run the suites and append the results to the history (--store DIR)',
  usage: `usage: perfgate record --config perfgate.yml [--store DIR] [--branch NAME] [--suite NAME]...

Appends one results file under DIR (default ${HISTORY_FOLDER}/) for --branch (default: the
checkout's branch), never overwriting; 'perfgate check' on a pull request's branch compares with
the runs recorded on the default branch.`,
  options: STORE_OPTIONS,
  async run({ values }, io) {
    const config = await configFrom(values, io);
    // A bad branch name or store is found before the benchmarks run, not after.
    const branch = await recordBranch(values, io, config.file);
    const store = storeAt(values, io);
    await store.assertUsable();
    const results = await measureCheckout(config, io);
    const where = await store.append(results, { branch });
    io.stdout(
      `${layoutText(resultsTable(results))}\n\nrecorded for ${escapeTerminal(branch)}: ${where}\n`,
    );
    return EXIT.ok;
  },
};
