/** `perfgate run`: run the config's suites and write a results file. */
import path from 'node:path';
import type { CliIO, Command, ParsedArgs } from './types.js';
import { loadConfig, selectSuites, type Config } from '../config/index.js';
import { InputError, EXIT } from '../errors.js';
import { layoutText } from '../report/grid.js';
import { requestHealthWarnings } from '../report/requestHealth.js';
import { resultsTable } from '../report/table.js';
import { escapeTerminal } from '../report/escape.js';
import { assertWritable, parseResults, writeResultsFile } from '../results/read.js';
import type { Results } from '../results/schema.js';
import { progressFor, type Progress } from '../run/progress.js';
import { measure as measureTree } from '../pipeline/measure.js';
import { currentRevision } from '../store/revision.js';
import { displayPath } from './options.js';

const USAGE = `usage: perfgate run --config perfgate.yml [--suite NAME]... [--out results.json]

Runs each suite's trials (variants interleaved) and writes a perfgate results file
(default perfgate-out/results.json; --out - prints it on stdout, and the table on stderr).
Exit code 2 on a bad config, 3 when the run itself fails.`;

/** `--out -`: the results JSON on stdout, for a pipe. */
const STDOUT = '-';

/** Load the config named by --config and keep the --suite selection: shared by run, check, record. */
export async function configFrom(values: ParsedArgs['values'], io: CliIO): Promise<Config> {
  if (typeof values.config !== 'string') throw new InputError('is required', { field: '--config' });
  const config = await loadConfig(path.resolve(io.cwd, values.config), io.env);
  const suites = (values.suite as string[] | undefined) ?? [];
  return suites.length > 0 ? selectSuites(config, suites) : config;
}

/** Progress on stderr: a live line on a terminal, log groups in GitHub Actions. */
export function progressOf(io: CliIO): Progress {
  return progressFor(io.stderr, io.env, io.isTTY ?? false);
}

/** Set up and run the config's benchmarks with progress on stderr: the measuring step of run and record. */
export async function measure(config: Config, io: CliIO): Promise<Results> {
  const revision = await currentRevision(path.dirname(config.file), io.env);
  const { results } = await measureTree({
    config,
    env: io.env,
    progress: progressOf(io),
    revision,
  });
  return results;
}

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
    const results = await measure(config, io);
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
  const out = typeof values.out === 'string' ? values.out : 'perfgate-out/results.json';
  return out === STDOUT ? STDOUT : path.resolve(io.cwd, out);
}
