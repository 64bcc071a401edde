/**
 * What the commands share, in one place: reading the config and the store, the branch, the
 * comparison options, the output formats, progress on stderr. A command imports this file,
 * types.ts and the layers below, never another command.
 */
import path from 'node:path';
import type { ComparePolicy } from '../compare/policy.js';
import { loadConfig, selectSuites, type Config } from '../config/index.js';
import { checkoutBranch, HISTORY_FOLDER, historyBranch } from '../pipeline/defaults.js';
import { measure } from '../pipeline/measure.js';
import { REPORT_NAME } from '../constants.js';
import { InputError } from '../errors.js';
import { postReportFromAnywhere, type CommentTarget } from '../pipeline/comment.js';
import { choiceOption, policyOverrides, wholeOption } from '../pipeline/options.js';
import { pullRequestOf } from '../pipeline/pullRequest.js';
import { escapeTerminal } from '../report/escape.js';
import { layoutMarkdown, layoutText, type Grid } from '../report/grid.js';
import type { Results } from '../results/schema.js';
import { progressFor, type Progress } from '../run/progress.js';
import { folderStore } from '../store/folderStore.js';
import { branchSlug } from '../store/history.js';
import { currentRevision } from '../store/revision.js';
import type { CliIO, ParsedArgs } from './types.js';

type Values = ParsedArgs['values'];

/** A string option's value; undefined when absent. */
export const stringOption = (values: Values, name: string): string | undefined => {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
};

/** Load the config named by --config and keep the --suite selection. */
export async function configFrom(values: Values, io: CliIO): Promise<Config> {
  const file = stringOption(values, 'config');
  if (file === undefined) throw new InputError('is required', { field: '--config' });
  const config = await loadConfig(path.resolve(io.cwd, file), io.env);
  const suites = (values.suite as string[] | undefined) ?? [];
  return suites.length > 0 ? selectSuites(config, suites) : config;
}

/** The config when --config names one: commands that read files need only its compare section. */
export async function optionalConfig(values: Values, io: CliIO): Promise<Config | undefined> {
  const file = stringOption(values, 'config');
  return file === undefined ? undefined : loadConfig(path.resolve(io.cwd, file), io.env);
}

/** Progress on stderr: a live line on a terminal, log groups in GitHub Actions. */
export function progressOf(io: CliIO): Progress {
  return progressFor(io.stderr, io.env, io.isTTY ?? false);
}

/** Set up and run the config's benchmarks in this checkout, progress on stderr: run and record. */
export async function measureCheckout(config: Config, io: CliIO): Promise<Results> {
  const revision = await currentRevision(path.dirname(config.file), io.env);
  const { results } = await measure({ config, env: io.env, progress: progressOf(io), revision });
  return results;
}

/** The options of the commands that read or write the folder store. */
export const STORE_OPTIONS = {
  config: { type: 'string' },
  suite: { type: 'string', multiple: true },
  store: { type: 'string' },
  branch: { type: 'string' },
} as const;

export const storeAt = (values: Values, io: CliIO) =>
  folderStore(path.resolve(io.cwd, stringOption(values, 'store') ?? HISTORY_FOLDER));

/** --branch, else the branch `rule` picks (defaults.ts), checked before anything is measured. */
async function branchBy(
  rule: typeof historyBranch,
  values: Values,
  io: CliIO,
  configFile: string,
): Promise<string> {
  const branch = await rule(stringOption(values, 'branch'), path.dirname(configFile), io.env);
  branchSlug(branch, '--branch');
  return branch;
}

/** The branch whose stored runs a command reads: by default the one pull requests merge into. */
export const readBranch = (values: Values, io: CliIO, configFile: string) =>
  branchBy(historyBranch, values, io, configFile);

/** The branch `record` stores results for: by default the checkout's. */
export const recordBranch = (values: Values, io: CliIO, configFile: string) =>
  branchBy(checkoutBranch, values, io, configFile);

/** The command-line options of the comparison policy, which optionPolicy reads. */
export const POLICY_OPTIONS = {
  alpha: { type: 'string' },
  threshold: { type: 'string' },
  adjustment: { type: 'string' },
  'fail-on': { type: 'string' },
} as const;

/** The policy the command-line options set (undefined where they are absent). */
export const optionPolicy = (values: Values): Partial<ComparePolicy> =>
  policyOverrides({ ...values, failOn: values['fail-on'] }, (name) =>
    name === 'failOn' ? '--fail-on' : `--${name}`,
  );

export const FORMATS = ['text', 'markdown', 'json'] as const;
export type Format = (typeof FORMATS)[number];

/** --format, one of `formats` (default text). */
export function formatOption(values: Values): Format;
export function formatOption<F extends Format>(values: Values, formats: readonly F[]): F | 'text';
export function formatOption(values: Values, formats: readonly Format[] = FORMATS): Format {
  return choiceOption(values.format, '--format', formats) ?? 'text';
}

/** The report in the format asked for: one renderer per format the command offers. */
export const renderAs = <F extends Format>(format: F, renderers: Record<F, () => string>): string =>
  renderers[format]();

/** A written file as the user should see it: relative when it lies below the working folder. */
export function displayPath(cwd: string, file: string): string {
  const relative = path.relative(cwd, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/** Exactly `count` positional arguments, or bad input that shows the usage. */
export function expectArguments(args: ParsedArgs, count: number, usage: string): string[] {
  if (args.positionals.length !== count) {
    throw new InputError(`expected ${count} argument(s), got ${args.positionals.length}\n${usage}`);
  }
  return args.positionals;
}

/** A table in the format asked for; JSON callers print data, not tables. */
export const layoutIn = (grid: Grid, format: Format): string =>
  format === 'markdown' ? layoutMarkdown(grid) : layoutText(grid);

/** The config of analyze and validate, which must declare targets. */
export async function targetConfig(values: Values, io: CliIO): Promise<Config> {
  if (typeof values.config !== 'string')
    throw new InputError('is required (it holds the targets)', { field: '--config' });
  const config = await loadConfig(path.resolve(io.cwd, values.config), io.env);
  if (config.targets.length === 0) {
    throw new InputError('declares no targets: add a `targets:` section (docs/config.md)', {
      file: config.file,
      field: 'targets',
    });
  }
  return config;
}

/** The options that post a report as the sticky pull request comment: comment, check --comment. */
export const COMMENT_OPTIONS = {
  repo: { type: 'string' },
  pr: { type: 'string' },
  sha: { type: 'string' },
  name: { type: 'string' },
  author: { type: 'string' },
  'token-env': { type: 'string' },
} as const;

/**
 * Where the report goes: --repo and --pr (or --sha, the head of an open pull request), else the
 * pull request of this CI run's event; the token from $GITHUB_TOKEN or the variable --token-env
 * names; GitHub Enterprise from $GITHUB_API_URL. Checked before anything is measured.
 */
export function commentTarget(values: Values, io: CliIO): CommentTarget {
  const repoText = stringOption(values, 'repo') ?? io.env.GITHUB_REPOSITORY ?? '';
  const [owner, repo, ...extra] = repoText.split('/');
  if (!owner || !repo || extra.length > 0) {
    throw new InputError(`expected OWNER/NAME, got '${repoText}'`, { field: '--repo' });
  }
  const pull = pullRequestOf(io.env);
  const pr = wholeOption(values.pr, '--pr', { min: 1, max: 2 ** 31 - 1 });
  const sha = stringOption(values, 'sha');
  if (pr !== undefined && sha !== undefined) {
    throw new InputError('give --pr or --sha, not both', { field: '--sha' });
  }
  if (sha !== undefined && !/^[0-9a-f]{40}$/.test(sha)) {
    throw new InputError(`expected a full 40-character commit SHA, got '${sha}'`, {
      field: '--sha',
    });
  }
  const number = pr ?? (sha === undefined ? pull?.number : undefined);
  if (number === undefined && sha === undefined) {
    throw new InputError('name the pull request: --pr N or --sha SHA', { field: '--pr' });
  }
  const tokenEnv = stringOption(values, 'token-env') ?? 'GITHUB_TOKEN';
  const token = io.env[tokenEnv];
  if (!token) {
    throw new InputError(`no token in $${tokenEnv}: set it, or name another variable`, {
      field: '--token-env',
    });
  }
  const author = stringOption(values, 'author');
  const name = stringOption(values, 'name') ?? REPORT_NAME;
  if (!/^[\w.-]+$/.test(name)) {
    throw new InputError(`expected letters, digits, '.', '_' and '-', got '${name}'`, {
      field: '--name',
    });
  }
  return {
    owner,
    repo,
    ...(number === undefined ? { sha: sha as string } : { pr: number }),
    name,
    token,
    ...(author ? { author } : {}),
    ...(io.env.GITHUB_API_URL ? { apiUrl: io.env.GITHUB_API_URL } : {}),
  };
}

/** The report posted as the sticky comment, what was done printed one line per pull request. */
export async function postComment(
  target: CommentTarget,
  markdown: string,
  io: CliIO,
): Promise<string[]> {
  return postReportFromAnywhere(target, markdown, (message) =>
    io.stderr(`warning: ${escapeTerminal(message)}\n`),
  );
}
