// `perfgate bisect` end to end through the CLI (issue #27), in real git repositories of 12
// commits. The suite is a command (bench.mjs) printing three metrics, each 10 × its factor in
// speed.json × 2 % trial noise. The noise is seeded by the tree's seed.txt (every commit writes a
// new one) and the trial number, so every commit has noise of its own and the test is repeatable.
// The config's setup runs setup.mjs, which fails in a tree that has a file named `broken`.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { commit, git, newRepo, worktrees } from '../helpers/gitRepo.js';
import { join } from 'node:path';

const BENCH = `
import { readFileSync } from 'node:fs';
const factors = JSON.parse(readFileSync('speed.json', 'utf8'));
// mulberry32 seeded by this tree's seed and the trial (PERFGATE_TRIAL counts from 1 per side).
let state = (Number(readFileSync('seed.txt', 'utf8')) * 7919 + Number(process.env.PERFGATE_TRIAL ?? 1)) >>> 0;
const uniform = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
const metrics = Object.fromEntries(
  ['m0', 'm1', 'm2'].map((name) => [name, { value: 10 * (factors[name] ?? 1) * Math.exp(0.02 * normal()) }]),
);
console.log(JSON.stringify({ work: metrics }));
`;

const SETUP = `
import { existsSync } from 'node:fs';
if (existsSync('broken')) {
  console.error('setup: this tree is broken');
  process.exit(1);
}
`;

const CONFIG = `version: 1
warmupSeconds: 0
trials: { min: 6, max: 30 }
setup:
  - command: node setup.mjs
suites:
  - name: work
    kind: command
    command: node bench.mjs
`;

/**
 * Commit 1 (good) to 12 (bad). `plant` puts +10 % on m1 from commit 8 on; `broken` makes the
 * setup fail at that commit only. Returns the repository and its commits, oldest first.
 */
async function history(options: {
  plant: boolean;
  broken?: number;
}): Promise<{ repo: string; commits: string[] }> {
  const repo = await newRepo({
    'perfgate.yml': CONFIG,
    'bench.mjs': BENCH,
    'setup.mjs': SETUP,
    'speed.json': '{}',
    'seed.txt': '1',
  });
  const commits = [git(repo, 'rev-parse', 'HEAD')];
  for (let n = 2; n <= 12; n++) {
    const files: Record<string, string> = { 'seed.txt': String(n) };
    if (options.plant && n === 8) files['speed.json'] = '{"m1": 1.1}';
    if (options.broken === n) files.broken = 'yes\n';
    if (options.broken === n - 1) git(repo, 'rm', '--quiet', 'broken');
    commits.push(await commit(repo, `commit ${n}`, files));
  }
  return { repo, commits };
}

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
    const range = await history({ plant: true, broken: 6 });
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
    const range = await history({ plant: false });
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
    const range = await history({ plant: false });
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
