/**
 * `perfgate init`: a perfgate.yml and the workflows for a repository that has never seen perfgate.
 * The texts are built here from what the user said (a service and its endpoints, or a benchmark
 * command); the config is validated with perfgate's own loader before anything is written, and
 * no existing file is replaced unless asked.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseConfig } from '../config/index.js';
import { InputError } from '../errors.js';
import { writeTextAtomic } from '../files.js';
import { PORT_REFERENCE } from '../config/port.js';
import { git } from '../store/git.js';

/** The major version a workflow pins (docs/releasing.md: the release moves it). */
const MAJOR = 'v0';

/** What `uses:` names, and how init knew it. */
export interface ActionSource {
  uses: string;
  /** Where the reference came from, for the user; `undefined` when it is a placeholder. */
  from?: string;
}

/** `OWNER/NAME@REF` (or `OWNER/NAME/PATH@REF`), as a workflow's `uses:` takes it. */
const ACTION_REFERENCE = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._/-]+)?@[A-Za-z0-9._/-]+$/;

/** A GitHub repository as package.json or git writes it: an https or SSH URL, or `github:`. */
const GITHUB_REPOSITORY =
  /^(?:(?:git\+)?(?:https?|ssh|git):\/\/(?:[^@/]+@)?github\.com[/:]|git@github\.com:|github:)([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+?)(?:\.git)?\/?$/;

export function githubRepository(text: string): string | undefined {
  const match = GITHUB_REPOSITORY.exec(text.trim());
  // `.` and `..` are paths, not repository names.
  return match && !/^\.+$/.test(match[2]!) ? `${match[1]}/${match[2]}` : undefined;
}

/**
 * Where the workflows get perfgate's action: the user's `--action`, else the GitHub repository
 * this copy of perfgate came from (its package.json's `repository`, or the origin of the clone it
 * runs from: a team that forked perfgate into its organisation gets its fork), else a placeholder
 * that the workflows and init's output both name. Never a guess at someone else's repository.
 */
export async function actionSource(
  explicit: string | undefined,
  installedAt: string,
): Promise<ActionSource> {
  if (explicit !== undefined) {
    if (!ACTION_REFERENCE.test(explicit)) {
      throw new InputError(`expected OWNER/NAME@REF, got ${JSON.stringify(explicit)}`, {
        field: '--action',
      });
    }
    return { uses: explicit, from: '--action' };
  }
  const manifest = await packageRepository(installedAt);
  if (manifest) return { uses: `${manifest}@${MAJOR}`, from: "perfgate's package.json" };
  const origin = await git(['remote', 'get-url', '--end-of-options', 'origin'], {
    cwd: installedAt,
  }).then(githubRepository, () => undefined);
  if (origin) return { uses: `${origin}@${MAJOR}`, from: "the origin of perfgate's clone" };
  return { uses: `OWNER/perfgate@${MAJOR}` };
}

/** The GitHub repository named by the package.json of perfgate above `dir`, if any. */
async function packageRepository(dir: string): Promise<string | undefined> {
  for (let at = dir; ; at = path.dirname(at)) {
    const manifest = await readFile(path.join(at, 'package.json'), 'utf8').then(
      (text) => JSON.parse(text) as { name?: unknown; repository?: unknown },
      () => undefined,
    );
    if (manifest?.name === 'perfgate') {
      const { repository } = manifest;
      const url =
        typeof repository === 'object' && repository !== null && 'url' in repository
          ? repository.url
          : repository;
      // npm's shorthand `OWNER/NAME` means GitHub; a git remote of that form would be a path.
      if (typeof url !== 'string') return undefined;
      return githubRepository(url.includes(':') ? url : `github:${url}`);
    }
    if (path.dirname(at) === at) return undefined;
  }
}

/** Labels actionlint knows without being told: a self-hosted runner's own ones need its config. */
const ACTIONLINT_KNOWN =
  /^(self-hosted|linux|macos|windows|x64|x86|arm|arm64|(ubuntu|macos|windows)-.+)$/i;

export type Workload =
  | { kind: 'service'; command: string; port: number; health: string; endpoints: Endpoint[] }
  | { kind: 'command'; command: string };

export interface Endpoint {
  method: string;
  path: string;
}

export interface InitInput {
  dir: string;
  workload: Workload;
  runsOn: readonly string[];
  action: ActionSource;
  force: boolean;
  env: NodeJS.ProcessEnv;
}

export interface InitOutcome {
  written: string[];
  /** Runner labels actionlint cannot know, when .github/actionlint.yaml existed already. */
  labelsToDeclare: string[];
}

const yamlString = (text: string) => JSON.stringify(text);

/** The service's command with its port as perfgate's variable, where the command names it. */
function servicePart(workload: Extract<Workload, { kind: 'service' }>): string[] {
  const port = String(workload.port);
  // The port as a whole number in the command (`--port 8080`, `:8080`), not inside another one.
  const written = new RegExp(`(^|[^0-9])${port}(?![0-9])`, 'g');
  const named = written.test(workload.command);
  const command = named
    ? workload.command.replace(written, `$1${PORT_REFERENCE}`)
    : workload.command;
  const where = named ? PORT_REFERENCE : port;
  return [
    'service:',
    `  command: ${yamlString(command)}`,
    ...(named
      ? [
          '  # perfgate gives each side of a pull request check its own port, so the base and the',
          '  # head stay up side by side for the whole check (docs/config.md, "Ports").',
          `  env: { PORT: '${PORT_REFERENCE}' }`,
        ]
      : [
          `  # The port is written down, so the service restarts at every switch of side. If it can`,
          `  # take its port from the command line or PORT, write ${PORT_REFERENCE} there and here, and`,
          '  # both sides stay up for the whole check (docs/config.md, "Ports").',
        ]),
    `  healthUrl: http://127.0.0.1:${where}${workload.health}`,
    '  startTimeoutSeconds: 120 # a service that loads a model may need more',
  ];
}

/** A commented perfgate.yml for the workload: sequential trials, the collectors that fit. */
export function configText(workload: Workload): string {
  const suite =
    workload.kind === 'service'
      ? [
          '  - name: api',
          '    kind: http',
          '    connections: 8',
          '    requests:',
          ...workload.endpoints.map(
            (e) => `      - { method: ${e.method}, path: ${yamlString(e.path)} }`,
          ),
        ]
      : ['  - name: bench', '    kind: command', `    command: ${yamlString(workload.command)}`];
  return [
    '# perfgate.yml, written by `perfgate init`: every key is in docs/config.md.',
    'version: 1',
    ...(workload.kind === 'service' ? servicePart(workload) : []),
    '# Sequential trials: the pull request check looks after every pair of trials per side and',
    '# stops once every metric is decided (6 to 30 per side).',
    'trials: { min: 6, max: 30 }',
    'warmupSeconds: 2',
    ...(workload.kind === 'service' ? ['durationSeconds: 5'] : []),
    'suites:',
    ...suite,
    '# CPU and memory of what runs (the service, or the command), and of the machine;',
    '# add `gpu: {}` on a GPU runner (nvidia-smi).',
    'collectors:',
    '  process: {}',
    '  host: {}',
    'compare:',
    '  # A change must be significant and beyond 5 % to fail the check; `perfgate calibrate',
    "  # --write` raises the thresholds your runner's noise needs.",
    '  threshold: 0.05',
    '',
  ].join('\n');
}

const runsOnText = (labels: readonly string[]) =>
  labels.length === 1 ? labels[0]! : `[${labels.join(', ')}]`;

const selfHosted = (labels: readonly string[]) => labels.includes('self-hosted');

/** The workflows: the gate and its fork commenter, record, nightly, sweep. */
export function workflowTexts(
  runsOn: readonly string[],
  action: ActionSource,
): Record<string, string> {
  const runner = runsOnText(runsOn);
  const forkWarning = selfHosted(runsOn)
    ? [
        "    # This job runs the pull request's code on your self-hosted runner: require approval",
        '    # before workflows of fork pull requests run (Settings → Actions → "Require approval',
        '    # for all outside collaborators"), or a fork runs its code on your machine.',
      ]
    : [];
  const uses = [
    ...(action.from === undefined
      ? [
          '      # OWNER: the GitHub owner of the perfgate action you use; perfgate init could not',
          '      # tell (perfgate init --action OWNER/perfgate@v0 writes it).',
        ]
      : []),
    `      - uses: ${action.uses}`,
  ];
  const step = (mode: string, extra: string[] = []) => [
    '      - uses: actions/checkout@v4',
    ...uses,
    '        with:',
    `          mode: ${mode}`,
    '          config: perfgate.yml',
    ...extra,
  ];
  const job = (name: string, minutes: number, lines: string[]) => [
    'jobs:',
    `  ${name}:`,
    ...(name === 'perf' ? forkWarning : []),
    `    runs-on: ${runner}`,
    `    timeout-minutes: ${minutes}`,
    '    steps:',
    ...lines,
  ];
  return {
    'perf-pr.yml': [
      '# Gate every pull request: the base revision measured beside the head on this runner.',
      'name: perf (pull request)',
      'on:',
      '  pull_request:',
      'permissions:',
      '  contents: read',
      '  pull-requests: write # the sticky comment (read-only on forks: perf-comment.yml comments)',
      ...job('perf', 60, [
        ...step('pr'),
        '      # The results, for perf-comment.yml on fork pull requests.',
        '      - uses: actions/upload-artifact@v4',
        '        if: always()',
        '        with:',
        '          name: perfgate-results',
        '          path: perfgate-out/results.json',
        '          if-no-files-found: ignore',
      ]),
      '',
    ].join('\n'),
    'perf-comment.yml': [
      '# Comments on fork pull requests, whose own run has a read-only token: default-branch code',
      "# only, the fork's results read as untrusted data.",
      'name: perf (comment)',
      'on:',
      '  workflow_run:',
      "    workflows: ['perf (pull request)']",
      '    types: [completed]',
      'permissions:',
      '  contents: read',
      '  actions: read # download the run artifact',
      '  pull-requests: write',
      'jobs:',
      '  comment:',
      "    if: github.event.workflow_run.event == 'pull_request' && github.event.workflow_run.head_repository.full_name != github.repository",
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: actions/download-artifact@v4',
      '        with:',
      '          name: perfgate-results',
      '          path: perfgate-out',
      '          run-id: ${{ github.event.workflow_run.id }}',
      '          github-token: ${{ github.token }}',
      ...uses,
      '        with:',
      '          mode: report',
      '          config: perfgate.yml',
      '          fail-on-regression: false',
      '',
    ].join('\n'),
    'perf-record.yml': [
      '# Every push to the default branch adds its results to the history (branch perfgate-data).',
      'name: perf (record)',
      'on:',
      '  push:',
      '    branches: [main]',
      'permissions:',
      '  contents: write # push to the perfgate-data branch',
      'concurrency:',
      '  group: perfgate-record',
      '  cancel-in-progress: false',
      ...job('record', 60, step('record')),
      '',
    ].join('\n'),
    'perf-nightly.yml': [
      '# Nightly: record, find change points in the history, one tracking issue per drift.',
      'name: perf (nightly)',
      'on:',
      '  schedule:',
      "    - cron: '17 3 * * *'",
      '  workflow_dispatch:',
      'permissions:',
      '  contents: write # push to the perfgate-data branch',
      '  issues: write # tracking issues',
      ...job('nightly', 90, step('nightly')),
      '',
    ].join('\n'),
    'perf-sweep.yml': [
      '# The "find better settings" button: needs a `sweep:` section in perfgate.yml (docs/sweep.md).',
      'name: perf (sweep)',
      'on:',
      '  workflow_dispatch:',
      'permissions:',
      '  contents: read',
      ...job('sweep', 120, [
        ...step('sweep', ['          results-path: perfgate-out/sweep.json']),
        '      - uses: actions/upload-artifact@v4',
        '        if: always()',
        '        with:',
        '          name: perfgate-sweep',
        '          path: perfgate-out/sweep.json',
      ]),
      '',
    ].join('\n'),
  };
}

/**
 * actionlint's config declaring the self-hosted runner's own labels (`gpu`), without which it
 * fails every workflow init wrote; undefined when every label is one it knows.
 */
export function actionlintText(runsOn: readonly string[]): string | undefined {
  const own = customLabels(runsOn);
  if (own.length === 0) return undefined;
  return [
    "# actionlint checks runs-on against GitHub's runner labels: these are your runner's own.",
    'self-hosted-runner:',
    '  labels:',
    ...own.map((label) => `    - ${yamlString(label)}`),
    '',
  ].join('\n');
}

const customLabels = (runsOn: readonly string[]) =>
  runsOn.filter((label) => !ACTIONLINT_KNOWN.test(label));

/**
 * Writes the files, after checking the config and that none exists (unless `force`). An
 * existing .github/actionlint.yaml is the user's: never replaced, its missing labels named.
 */
export async function initRepository(input: InitInput): Promise<InitOutcome> {
  const config = configText(input.workload);
  const configFile = path.join(input.dir, 'perfgate.yml');
  // What init writes must load: a bad --endpoint or --health is refused here, named.
  parseConfig(config, configFile, input.env);
  const files = new Map<string, string>([[configFile, config]]);
  for (const [name, text] of Object.entries(workflowTexts(input.runsOn, input.action))) {
    files.set(path.join(input.dir, '.github', 'workflows', name), text);
  }
  const existing = [...files.keys()].filter((file) => existsSync(file));
  if (existing.length > 0 && !input.force) {
    throw new InputError(
      `would replace ${existing.map((f) => path.relative(input.dir, f)).join(', ')}: move them, or pass --force`,
    );
  }
  const actionlint = actionlintText(input.runsOn);
  // actionlint reads either name.
  const [actionlintFile, otherName] = ['actionlint.yaml', 'actionlint.yml'].map((name) =>
    path.join(input.dir, '.github', name),
  ) as [string, string];
  const declared =
    actionlint !== undefined && !existsSync(actionlintFile) && !existsSync(otherName);
  if (declared) files.set(actionlintFile, actionlint);
  for (const [file, text] of files) await writeTextAtomic(file, text);
  return {
    written: [...files.keys()],
    labelsToDeclare: actionlint !== undefined && !declared ? customLabels(input.runsOn) : [],
  };
}
