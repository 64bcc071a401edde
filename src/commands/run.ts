/** `perfgate run`: run the config's suites and write a results file. */
import path from 'node:path';
import type { CliIO, Command, ParsedArgs } from './types.js';
import { EXIT } from '../errors.js';
import { RESULTS_PATH } from '../pipeline/defaults.js';
import { layoutText } from '../report/grid.js';
import { requestHealthWarnings } from '../report/requestHealth.js';
import { resultsTable } from '../report/table.js';
import { escapeTerminal } from '../report/escape.js';
import { assertWritable } from '../files.js';
import { parseResults, writeResultsFile } from '../results/read.js';
import { configFrom, displayPath, measureCheckout, stringOption } from './args.js';

const USAGE = `usage: perfgate run --config perfgate.yml [--suite NAME]... [--out results.json]

Runs each suite's trials (variants interleaved) and writes a perfgate results file
(default ${RESULTS_PATH}; --out - prints it on stdout, and the table on stderr).
Exit code 2 on a bad config, 3 when the run itself fails.`;

/** `--out -`: the results JSON on stdout, for a pipe. */
const STDOUT = '-';

export const runCommand: Command = {
  summary: 'run the benchmark suites of a config and write a results file',
  usage: USAGE,
  options: {
    config: { type: 'string' },
    suite: { type: 'string', multiple: true },
    out: { type: 'string' },
  },
  async run({ values }, io) {
    const config = await configFrom(values, io);
    const out = outPath(values, io);
    // A path that cannot be written is bad input, found before minutes of measuring.
    if (out !== STDOUT) await assertWritable(out, '--out');
    const results = await measureCheckout(config, io);
    for (const warning of requestHealthWarnings(results)) {
      io.stderr(`warning: ${escapeTerminal(warning)}\n`);
    }
    const table = layoutText(resultsTable(results));
    if (out === STDOUT) {
      io.stdout(`${JSON.stringify(parseResults(results, 'results'), null, 2)}\n`);
      io.stderr(`${table}\n`);
      return EXIT.ok;
    }
    await writeResultsFile(out, results, '--out');
    const shown = escapeTerminal(displayPath(io.cwd, out));
    io.stdout(`${table}\n\nresults written to ${shown}\n`);
    return EXIT.ok;
  },
};

/** The results file `--out` names, resolved, or STDOUT. */
function outPath(values: ParsedArgs['values'], io: CliIO): string {
  const out = stringOption(values, 'out') ?? RESULTS_PATH;
  return out === STDOUT ? STDOUT : path.resolve(io.cwd, out);
}
