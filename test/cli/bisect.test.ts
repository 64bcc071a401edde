// `perfgate bisect` end to end through the CLI (issue #27), in real git repositories of 12
// commits (test/helpers/bisectRepo.ts: a command suite of three metrics with 2 % seeded noise).
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { bisectHistory } from '../helpers/bisectRepo.js';
import { worktrees } from '../helpers/gitRepo.js';
import { join } from 'node:path';

const bisect = ({ repo, commits }: { repo: string; commits: string[] }, ...args: string[]) =>
  runCli(
    [
      'bisect',
      '--config',
      join(repo, 'perfgate.yml'),
      '--good',
      commits[0] as string,
      '--bad',
      commits[11] as string,
      '--seed',
      '3',
      ...args,
    ],
    repo,
  );

interface Json {
  culprit: string | null;
  followed: string[];
  steps: {
    commit: { sha: string };
    kind: string;
    answer: string;
    trials: number;
    reason?: string;
  }[];
}

describe('perfgate bisect', () => {
  it('names commit 8, which planted +10 % on m1, skipping and naming commit 6 whose setup fails', async () => {
    const range = await bisectHistory({ plant: 8, broken: 6 });
    const result = await bisect(range, '--format', 'json');
    expect(result.code, result.stderr).toBe(0);
    const outcome = JSON.parse(result.stdout) as Json;
    expect(outcome.followed).toEqual(['work/m1']);
    expect(outcome.culprit).toBe(range.commits[7]);
    const skipped = outcome.steps.filter((s) => s.answer === 'skipped');
    expect(skipped.map((s) => s.commit.sha)).toEqual([range.commits[5]]);
    expect(skipped[0]?.reason).toMatch(/node setup\.mjs/);
    // One confirmation and at most ceil(log2 11) + 2 probes, the skip included.
    expect(outcome.steps.length).toBeLessThanOrEqual(1 + 4 + 2);
    expect(worktrees(range.repo)).toHaveLength(1);

    const text = await bisect(range);
    expect(text.stdout).toMatch(new RegExp(`^First bad commit: ${range.commits[7]}$`, 'm'));
    expect(text.stdout).toMatch(/^ {2}commit 8 \(\d{4}-\d\d-\d\dT/m);
    expect(text.stdout).toMatch(/step: work\/m1 \+\d+(\.\d+)? %/);
    expect(text.stdout).toMatch(/skipped: .*node setup\.mjs/);
  }, 240_000);

  it('finds no culprit where nothing regressed, after one confirming run', async () => {
    const range = await bisectHistory({});
    const result = await bisect(range, '--format', 'json');
    expect(result.code, result.stderr).toBe(0);
    const outcome = JSON.parse(result.stdout) as Json;
    expect(outcome.culprit).toBeNull();
    expect(outcome.steps).toHaveLength(1);
    expect(outcome.steps[0]?.kind).toBe('confirm');
    const text = await bisect(range);
    expect(text.stdout).toMatch(/^No culprit: measured beside each other, bad did not regress/m);
  }, 120_000);

  it('refuses a good commit that is not before the bad one, and a malformed --metric (exit 2)', async () => {
    const range = await bisectHistory({});
    const swapped = await runCli(
      [
        'bisect',
        '--config',
        join(range.repo, 'perfgate.yml'),
        '--good',
        range.commits[11] as string,
        '--bad',
        range.commits[0] as string,
      ],
      range.repo,
    );
    expect(swapped.code).toBe(2);
    expect(swapped.stderr).toMatch(/--good .* is not an ancestor of --bad/);
    const metric = await bisect(range, '--metric', 'm1');
    expect(metric.code).toBe(2);
    expect(metric.stderr).toMatch(/--metric.*expected <suite>\/<metric>/);
  }, 60_000);
});
