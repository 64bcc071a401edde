/**
 * `perfgate bisect` (issue #27): confirm a regression between a good and a bad commit in one
 * same-run A/B, then search the first-parent commits between them (compare/bisect.ts), each step
 * one commit measured against the good one in its own interleaved run with sequential trials,
 * both in worktrees, this checkout's config mapped into each.
 */
import { performance } from 'node:perf_hooks';
import {
  bisectResult,
  confirmedRegressions,
  onlyMetrics,
  search,
  stepAnswer,
  type BisectOutcome,
  type BisectStep,
  type CommitInfo,
  type StepChange,
} from '../compare/bisect.js';
import { compareResults, trialsPerSide } from '../compare/compare.js';
import type { Comparison } from '../compare/comparison.js';
import type { ComparePolicy } from '../compare/policy.js';
import { matchesGlob } from '../config/glob.js';
import type { Config } from '../config/index.js';
import { InputError, RunError } from '../errors.js';
import type { Results } from '../results/schema.js';
import type { Progress } from '../run/progress.js';
import { git } from '../store/git.js';
import { repositoryRoot, resolveRevision } from '../store/worktree.js';
import { plural, shortRevision } from '../text.js';
import path from 'node:path';
import { sequentialGate } from './gate.js';
import { measureCommits } from './interleaved.js';
import { policyIn } from './options.js';

export interface BisectInput {
  config: Config;
  /** As the user named them (`--good`, `--bad`). */
  good: string;
  bad: string;
  /** Globs on `<suite>/<metric>` the bisection follows; empty: every regressed gating metric. */
  metrics: readonly string[];
  overrides: Partial<ComparePolicy>;
  env: NodeJS.ProcessEnv;
  progress: Progress;
  seed?: number;
  /** How the face names good and bad, for errors: `--good`, `input good`. */
  fields: { good: string; bad: string };
}

async function commitInfo(repo: string, sha: string): Promise<CommitInfo> {
  const [full, subject, date] = (
    await git(['show', '-s', '--format=%H%x00%s%x00%aI', sha], { cwd: repo })
  )
    .trim()
    .split('\0');
  return { sha: full ?? sha, subject: subject ?? '', date: date ?? '' };
}

/** Good's first-parent descendants up to bad, oldest first, bad last; refuses a bad range. */
async function firstParentRange(
  repo: string,
  [good, bad]: [string, string],
  fields: BisectInput['fields'],
): Promise<string[]> {
  const ancestor = await git(['merge-base', '--is-ancestor', good, bad], { cwd: repo }).then(
    () => true,
    () => false,
  );
  if (!ancestor || good === bad) {
    throw new InputError(
      `${fields.good} ${shortRevision(good)} is not an ancestor of ${fields.bad} ${shortRevision(bad)}: a bisection needs good before bad on one history`,
      { field: fields.good },
    );
  }
  const listed = await git(['rev-list', '--first-parent', '--reverse', `${good}..${bad}`], {
    cwd: repo,
  });
  const commits = listed.split('\n').filter(Boolean);
  if (commits.at(-1) !== bad) {
    throw new InputError(
      `${fields.bad} ${shortRevision(bad)} is not on the first-parent history after ${fields.good} ${shortRevision(good)}`,
      { field: fields.bad },
    );
  }
  return commits;
}

/** One same-run A/B of `head` against `base`, judged on the metrics `keep` accepts. */
async function measureStep(
  input: BisectInput,
  repo: string,
  [base, head]: [string, string],
  keep: (key: string) => boolean,
): Promise<Comparison> {
  const policy = policyIn(input.config, input.overrides);
  const sequential = input.config.sequential && sequentialGate(input.config.sequential, policy);
  const run = await measureCommits({
    config: input.config,
    repo,
    base,
    head,
    env: input.env,
    progress: input.progress,
    ...(input.seed === undefined ? {} : { seed: input.seed }),
    ...(sequential
      ? {
          stopAfterBlock: (count: number, [b, h]: [Results, Results]) =>
            sequential.stopAfterBlock(count, [onlyMetrics(b, keep), onlyMetrics(h, keep)]),
        }
      : {}),
  });
  const [b, h] = [onlyMetrics(run.base, keep), onlyMetrics(run.head, keep)];
  return sequential ? sequential.finish(b, h) : compareResults(b, h, policy);
}

const changesOf = (comparison: Comparison, followed: readonly string[]): StepChange[] =>
  comparison.metrics
    .filter((m) => followed.includes(m.key))
    .map((m) => ({ metric: m.key, change: m.change, lower: m.changeLower, upper: m.changeUpper }));

const gatingKeys = (comparison: Comparison): string[] =>
  comparison.metrics.filter((m) => !m.informational).map((m) => m.key);

export async function bisect(input: BisectInput): Promise<BisectOutcome> {
  const started = performance.now();
  const repo = await repositoryRoot(path.dirname(input.config.file));
  if (!repo) throw new InputError(`${input.config.file} is not inside a git checkout`);
  const [good, bad] = [
    await resolveRevision(repo, input.good, input.fields.good),
    await resolveRevision(repo, input.bad, input.fields.bad),
  ];
  const range = await firstParentRange(repo, [good, bad], input.fields);
  const commits = [good, ...range];
  const infos = new Map<string, CommitInfo>();
  const info = async (sha: string) => {
    const known = infos.get(sha) ?? (await commitInfo(repo, sha));
    infos.set(sha, known);
    return known;
  };

  const named = (key: string) =>
    input.metrics.length === 0 || input.metrics.some((glob) => matchesGlob(key, glob));
  input.progress.note(`bisect: confirming ${shortRevision(bad)} against ${shortRevision(good)}`);
  let confirmation: Comparison;
  try {
    confirmation = await measureStep(input, repo, [good, bad], named);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new RunError(
      `measuring --bad against --good failed, so nothing can be bisected: ${(error as Error).message}`,
    );
  }
  const followed = confirmedRegressions(confirmation, input.metrics).map((m) => m.key);
  const steps: BisectStep[] = [
    {
      commit: await info(bad),
      kind: 'confirm',
      answer: stepAnswer(confirmation, followed.length > 0 ? followed : gatingKeys(confirmation)),
      trials: trialsPerSide(confirmation),
      changes: changesOf(confirmation, followed),
    },
  ];
  const outcome = async (
    culprit: string | null,
    among: readonly string[],
  ): Promise<BisectOutcome> => {
    const culpritStep = steps.findLast((s) => s.commit.sha === culprit && s.answer === 'different');
    return {
      good: await info(good),
      bad: await info(bad),
      commits: range.length,
      named: [...input.metrics],
      followed,
      culprit: culprit === null ? null : await info(culprit),
      step: culpritStep?.changes ?? [],
      among: await Promise.all(among.map(info)),
      steps,
      seconds: (performance.now() - started) / 1000,
    };
  };
  if (followed.length === 0) return outcome(null, []);

  const state = await search(commits.length, async (index, { good: from, bad: to }) => {
    const sha = commits[index] as string;
    input.progress.note(
      `bisect: ${shortRevision(sha)} against ${shortRevision(good)} ` +
        `(${plural(to - from - 1, 'commit')} left between)`,
    );
    const step = await probe(input, repo, [good, sha], followed);
    steps.push({ commit: await info(sha), kind: 'probe', ...step });
    return step.answer;
  });
  const result = bisectResult(state);
  return outcome(
    result.culprit === null ? null : (commits[result.culprit] as string),
    result.among.map((i) => commits[i] as string),
  );
}

/** One probe; a commit that cannot be measured is skipped, with the reason. */
async function probe(
  input: BisectInput,
  repo: string,
  pair: [string, string],
  followed: readonly string[],
): Promise<Omit<BisectStep, 'commit' | 'kind'>> {
  try {
    const comparison = await measureStep(input, repo, pair, (key) => followed.includes(key));
    return {
      answer: stepAnswer(comparison, followed),
      trials: trialsPerSide(comparison),
      changes: changesOf(comparison, followed),
    };
  } catch (error) {
    // The first line names what failed; the rest (a command's output) is for the log.
    const reason = (error as Error).message.split('\n')[0] ?? '';
    return { answer: 'skipped', trials: 0, changes: [], reason };
  }
}
