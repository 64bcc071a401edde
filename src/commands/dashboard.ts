/**
 * `perfgate dashboard`: the stored history as a static site (pipeline/dashboard.ts), from a folder
 * store or the repository's data branch.
 */
import path from 'node:path';
import { DATA_BRANCH } from '../constants.js';
import { EXIT, InputError } from '../errors.js';
import { buildDashboard, repositoryUrl } from '../pipeline/dashboard.js';
import { escapeTerminal } from '../report/escape.js';
import { existsSync } from 'node:fs';
import { folderStore } from '../store/folderStore.js';
import { gitStore } from '../store/gitStore.js';
import { repositoryRoot } from '../store/worktree.js';
import type { HistoryStore } from '../store/history.js';
import { historyBranch } from '../pipeline/defaults.js';
import { branchSlug } from '../store/history.js';
import { plural } from '../text.js';
import { optionalConfig, stringOption as text } from './args.js';
import type { CliIO, Command, ParsedArgs } from './types.js';

const OUT_DEFAULT = 'perfgate-site';

const USAGE = `usage: perfgate dashboard (--store DIR | --data-branch ${DATA_BRANCH} [--repo-dir .] [--remote origin])
                          [--out ${OUT_DEFAULT}] [--branch NAME] [--repo-url URL] [--config perfgate.yml]

Writes a static site to --out: index.html, its assets (uPlot included, no CDN) and data.js. Open
it from disk or publish it (GitHub Pages). One trend chart per metric and environment: each run's
median with the trials' interquartile range, change points with the commits between them, and
the latest run against the runs before it. History: the folder store DIR, or the data branch of
the repository at --repo-dir. --branch: whose history (default: the branch pull requests merge
into, from GITHUB_BASE_REF, origin's HEAD, else main or master).
--repo-url: where commits link to (default: the GitHub Actions job's repository); --config: the
thresholds of its compare section. Unreadable stored files are skipped with a note.`;

async function storeFrom(values: ParsedArgs['values'], io: CliIO): Promise<HistoryStore> {
  const dir = text(values, 'store');
  const dataBranch = text(values, 'data-branch');
  if ((dir === undefined) === (dataBranch === undefined)) {
    throw new InputError('give one history: --store DIR or --data-branch NAME', {
      field: dir === undefined ? '--store' : '--data-branch',
    });
  }
  if (dir !== undefined) {
    const folder = path.resolve(io.cwd, dir);
    // A history to show must exist: a typo would otherwise publish an empty site, exit 0.
    if (!existsSync(folder)) {
      throw new InputError(
        `${folder} does not exist: give the folder perfgate record --store wrote (an empty folder for an empty site)`,
        { field: '--store' },
      );
    }
    return folderStore(folder);
  }
  const remote = text(values, 'remote');
  const repoDir = path.resolve(io.cwd, text(values, 'repo-dir') ?? '.');
  // The data branch is read through the checkout's remote: without a checkout that is bad input.
  if (!(await repositoryRoot(repoDir))) {
    throw new InputError(
      `${repoDir} is not inside a git checkout, so it has no data branch to read`,
      {
        field: '--repo-dir',
      },
    );
  }
  return gitStore({
    repoDir,
    dataBranch: dataBranch!,
    ...(remote ? { remote } : {}),
  });
}

export const dashboardCommand: Command = {
  summary: 'build a static history dashboard (charts, change points) from the stored history',
  usage: USAGE,
  options: {
    store: { type: 'string' },
    'data-branch': { type: 'string' },
    'repo-dir': { type: 'string' },
    remote: { type: 'string' },
    out: { type: 'string' },
    branch: { type: 'string' },
    'repo-url': { type: 'string' },
    config: { type: 'string' },
  },
  async run({ positionals, values }, io) {
    if (positionals.length > 0) {
      throw new InputError(`takes no arguments, got ${JSON.stringify(positionals.join(' '))}`);
    }
    const store = await storeFrom(values, io);
    const repoUrl = repositoryUrl(text(values, 'repo-url'), io.env, '--repo-url');
    const config = await optionalConfig(values, io);
    const repoDir = path.resolve(io.cwd, text(values, 'repo-dir') ?? '.');
    const branch = await historyBranch(text(values, 'branch'), repoDir, io.env);
    branchSlug(branch, '--branch');
    const out = path.resolve(io.cwd, text(values, 'out') ?? OUT_DEFAULT);
    const { data } = await buildDashboard({
      store,
      branch,
      out,
      outField: '--out',
      ...(repoUrl ? { repoUrl } : {}),
      config,
      overrides: {},
      now: new Date(),
    });
    for (const note of data.notes) io.stderr(`note: ${escapeTerminal(note)}\n`);
    const runs = plural(data.runs.time.length, 'run');
    const charts = plural(data.series.length, 'chart');
    io.stdout(
      `dashboard of ${escapeTerminal(branch)}: ${runs}, ${charts} → ${escapeTerminal(path.join(out, 'index.html'))}\n`,
    );
    return EXIT.ok;
  },
};
