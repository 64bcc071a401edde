/**
 * The `perfgate` command line: parses argv and calls the same pipeline the action uses.
 * `perfgate(argv, io)` returns the exit code, so whole commands are tested in-process.
 */
import { parseArgs } from 'node:util';
import { InputError, RunError, EXIT } from './errors.js';
import { escapeLogLine } from './report/escape.js';
import { analyzeCommand } from './commands/analyze.js';
import { bisectCommand } from './commands/bisect.js';
import { calibrateCommand } from './commands/calibrate.js';
import { checkCommand } from './commands/check.js';
import { commentCommand } from './commands/comment.js';
import { compareCommand } from './commands/compare.js';
import { dashboardCommand } from './commands/dashboard.js';
import { doctorCommand } from './commands/doctor.js';
import { historyCommand } from './commands/history.js';
import { initCommand } from './commands/init.js';
import { mergeCommand } from './commands/merge.js';
import { recordCommand } from './commands/record.js';
import { runCommand } from './commands/run.js';
import { shardsCommand } from './commands/shards.js';
import { sweepCommand } from './commands/sweep.js';
import { validateCommand } from './commands/validate.js';
import type { CliIO, Command, ParsedArgs } from './commands/types.js';

const COMMANDS: Record<string, Command> = {
  init: initCommand,
  run: runCommand,
  compare: compareCommand,
  check: checkCommand,
  comment: commentCommand,
  record: recordCommand,
  analyze: analyzeCommand,
  validate: validateCommand,
  sweep: sweepCommand,
  history: historyCommand,
  dashboard: dashboardCommand,
  calibrate: calibrateCommand,
  bisect: bisectCommand,
  shards: shardsCommand,
  merge: mergeCommand,
  doctor: doctorCommand,
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`);
  return [
    'usage: perfgate <command> [options]',
    '',
    'commands:',
    ...lines,
    '',
    'perfgate <command> --help for its options',
    '',
  ].join('\n');
}

export async function perfgate(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    (name ? io.stdout : io.stderr)(usage());
    return name ? EXIT.ok : EXIT.input;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`perfgate: unknown command '${name}'\n\n${usage()}`);
    return EXIT.input;
  }
  try {
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(`${command.usage}\n`);
      return EXIT.ok;
    }
    const parsed = parseArgs({
      args: [...rest],
      options: command.options,
      allowPositionals: true,
      strict: true,
    });
    return await command.run(parsed as ParsedArgs, io);
  } catch (error) {
    return reportError(error, name, io);
  }
}

/**
 * An error message line by line as a terminal or a job log may show it: messages quote file names
 * and the log tails of services and commands, text that must neither redraw the screen nor start
 * a workflow command.
 */
const shown = (message: string) => message.split('\n').map(escapeLogLine).join('\n');

function reportError(error: unknown, command: string, io: CliIO): number {
  if (error instanceof InputError) {
    io.stderr(`perfgate ${command}: ${shown(error.message)}\n`);
    return EXIT.input;
  }
  if (error instanceof RunError) {
    io.stderr(`perfgate ${command}: run failed: ${shown(error.message)}\n`);
    return EXIT.run;
  }
  // node:util parseArgs throws TypeErrors with codes like ERR_PARSE_ARGS_UNKNOWN_OPTION.
  const code = (error as { code?: string }).code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
    io.stderr(
      `perfgate ${command}: ${(error as Error).message}\n${COMMANDS[command]?.usage ?? ''}\n`,
    );
    return EXIT.input;
  }
  // Anything else is a failure of the run (a full disk, a bug): never exit 1, which means "regression".
  io.stderr(
    `perfgate ${command}: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return EXIT.run;
}
