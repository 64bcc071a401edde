/**
 * The same-runner A/B: the base revision checked out beside the head (a git worktree), both set
 * up alike, and the head's suites run against both trees with trials interleaved in seeded ABBA /
 * BAAB blocks. Both sides share this runner's state, so their trials are exchangeable and the
 * trial-level Mann-Whitney comparison is valid (DESIGN.md, "A run is a unit too").
 */
import { randomInt } from 'node:crypto';
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/index.js';
import { mapPaths } from '../config/paths.js';
import { InputError } from '../errors.js';
import type { Results } from '../results/schema.js';
import type { Progress } from '../run/progress.js';
import { runInterleaved, type InterleavedContext } from '../run/runner.js';
import { runSetup } from '../run/setup.js';
import type { Revision } from '../store/revision.js';
import { withWorktree } from '../store/worktree.js';
import { plural, shortRevision } from '../text.js';
import type { LocatedBase } from './base.js';

export interface InterleavedInput {
  /** The head's config: its suites run in both trees. */
  config: Config;
  /** The base revision, found by base.ts. */
  base: LocatedBase;
  env: NodeJS.ProcessEnv;
  progress: Progress;
  revision: Revision;
  /** Seeds the block orientation; random (and recorded) when absent. */
  seed?: number;
  /** Sequential trials: asked after every block with the results so far (runner.ts). */
  stopAfterBlock?: InterleavedContext['stopAfterBlock'];
}

export interface InterleavedRun {
  base: Results;
  head: Results;
  baseCommit: string;
  /** Setup skips, a dirty head tree: what the report must say. */
  notes: string[];
}

/** A path of the head's config, moved to the same place inside the base tree. */
function inTree(headRoot: string, baseRoot: string) {
  return (p: string) => {
    const relative = path.relative(headRoot, p);
    // Paths outside the repository (a shared dataset, a tool) are the same for both sides.
    return relative.startsWith('..') || path.isAbsolute(relative)
      ? p
      : path.join(baseRoot, relative);
  };
}

/** Files and folders the head's config needs, which the base tree must have too. */
function neededPaths(config: Config): string[] {
  return [
    ...(config.service ? [config.service.cwd] : []),
    ...config.setup.map((step) => step.cwd),
    ...config.suites.flatMap((suite) =>
      suite.kind === 'http' ? (suite.bodyGenerator ? [suite.bodyGenerator] : []) : [suite.cwd],
    ),
  ];
}

/**
 * Setup paths must stay inside the repository: outside it, both trees would share them (a step
 * whose `creates` exists outside is skipped in both, so the base is measured without its own
 * setup; `cwd: ../..` runs both trees' setup in one folder). Refused before anything runs.
 */
function assertSetupInside(config: Config, repo: string): void {
  config.setup.forEach((step, i) => {
    const fields = [
      ['cwd', [step.cwd]],
      ['creates', step.creates],
      ['inputs', step.inputs],
    ] as const;
    for (const [field, paths] of fields) {
      const outside = paths.find((p) => {
        const relative = path.relative(repo, p);
        return relative.startsWith('..') || path.isAbsolute(relative);
      });
      if (outside !== undefined) {
        throw new InputError(
          `${outside} lies outside the repository ${repo}: a setup path must be inside it, so that each tree has its own`,
          { file: config.file, field: `setup[${i}].${field}` },
        );
      }
    }
  });
}

/** Refuses a tree (the base's, or a commit's to bisect) that lacks a path the config needs. */
async function assertPresent(
  baseConfig: Config,
  headRoot: string,
  baseRoot: string,
  commit: string,
  tree: 'base' | 'commit' = 'base',
): Promise<void> {
  for (const needed of neededPaths(baseConfig)) {
    if (!needed.startsWith(baseRoot)) continue;
    const present = await lstat(needed).then(
      () => true,
      () => false,
    );
    if (!present) {
      const shown = path.relative(baseRoot, needed);
      throw new InputError(
        tree === 'base'
          ? `the base revision ${shortRevision(commit)} has no ${shown}, which the head's config needs; ` +
              `measure against a revision that has it (--against), or use the stored history (--baseline history)`
          : `revision ${shortRevision(commit)} has no ${shown}, which the config needs`,
        { file: path.join(headRoot, shown) },
      );
    }
  }
}

export async function measureInterleaved(input: InterleavedInput): Promise<InterleavedRun> {
  const { repo, commit, uncommitted } = input.base;
  const notes =
    uncommitted > 0
      ? [
          `the head side is the working tree as it is, with ${plural(uncommitted, 'uncommitted change')}, not a commit`,
        ]
      : [];
  const seed = input.seed ?? randomInt(2 ** 31);
  assertSetupInside(input.config, repo);
  return withWorktree(repo, commit, async (tree) => {
    const move = inTree(repo, tree);
    const baseConfig = { ...mapPaths(input.config, move), file: move(input.config.file) };
    await assertPresent(baseConfig, repo, tree, commit);
    const headTree = { label: 'head', config: input.config };
    const baseTree = { label: `base (${shortRevision(commit)})`, config: baseConfig };
    notes.push(...(await runSetup(headTree, input)));
    notes.push(...(await runSetup(baseTree, input, headTree)));
    for (const note of notes) input.progress.note(note);
    const [base, head] = await runInterleaved({
      sides: [
        { name: 'base', config: baseConfig, commit },
        { name: 'head', config: input.config, ...input.revision },
      ],
      seed,
      env: input.env,
      progress: input.progress,
      ...(input.stopAfterBlock ? { stopAfterBlock: input.stopAfterBlock } : {}),
    });
    const alive = head.interleaved?.alive;
    if (alive?.mode === 'both') {
      notes.push("both sides' services stayed up for the whole run, each on its own port");
    } else if (alive?.why) {
      notes.push(`the services ran one at a time: ${alive.why}`);
    }
    return { base, head, baseCommit: commit, notes };
  });
}

/**
 * Two commits measured beside each other, each in its own worktree, with this checkout's config
 * mapped into both as the PR gate maps it into the base's (bisect: a commit against the good one).
 */
export async function measureCommits(
  input: Omit<InterleavedInput, 'base' | 'revision'> & { repo: string; base: string; head: string },
): Promise<InterleavedRun> {
  const { repo, head } = input;
  return withWorktree(repo, head, async (tree) => {
    const move = inTree(repo, tree);
    const config = { ...mapPaths(input.config, move), file: move(input.config.file) };
    await assertPresent(config, repo, tree, head, 'commit');
    return measureInterleaved({
      ...input,
      config,
      base: { repo: tree, commit: input.base, uncommitted: 0 },
      revision: { commit: head },
    });
  });
}
