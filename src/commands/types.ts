/**
 * What a command is and what it receives: shared by cli.ts, which dispatches, and the commands,
 * which must not import cli.ts back.
 */
import type { ParseArgsConfig } from 'node:util';

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** stderr is a terminal: progress redraws one live line instead of printing many. */
  isTTY?: boolean;
}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Command {
  summary: string;
  usage: string;
  options: Options;
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
}
