// `perfgate comment` and `perfgate check --comment`: the sticky report comment posted from a CI
// that is not GitHub Actions, through the CLI (@octokit/rest with the retry and throttling
// plugins), against the local GitHub REST API stand-in (test/helpers/fakeGitHub.ts; it is not
// GitHub, it answers as GitHub does, 404 and 422 included).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { markerFor } from '../../src/github/marker.js';
import { runCli } from '../helpers/cli.js';
import { startFakeGitHub, type FakeGitHub, type FakeUser } from '../helpers/fakeGitHub.js';
import { commit, newRepo } from '../helpers/gitRepo.js';

const HEAD = 'c'.repeat(40);
const MONA: FakeUser = { login: 'mona', id: 15669918, type: 'User' };
let fake: FakeGitHub;
let pr: number;
let dir: string;

beforeEach(async () => {
  fake = await startFakeGitHub();
  // A person's token, as a Buildkite or Jenkins job holds one: its comments are mona's.
  fake.setToken('ghp_mona', { user: MONA });
  pr = fake.addPull({ headSha: HEAD }).number;
  dir = await mkdtemp(join(tmpdir(), 'perfgate-comment-'));
});
afterEach(() => fake.close());

const env = () => ({ GITHUB_TOKEN: 'ghp_mona', GITHUB_API_URL: fake.url });
const comment = async (body: string, ...args: string[]) => {
  await writeFile(join(dir, 'report.md'), body);
  return runCli(['comment', 'report.md', '--repo', 'octo-org/octo-repo', ...args], dir, env());
};

describe('perfgate comment', () => {
  it('creates the comment once, then updates it in place, never a second one', async () => {
    const first = await comment('p95 +3 %\n', '--pr', String(pr));
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      /^comment created: https:\/\/github\.com\/octo-org\/octo-repo\/pull\/\d+#issuecomment-\d+$/m,
    );
    const second = await comment('p95 +1 %\n', '--pr', String(pr));
    expect(second.stdout).toMatch(/^comment updated: /m);
    const posted = fake.commentsOn(pr);
    expect(posted).toHaveLength(1);
    // The action's marker for the default name: the action and the CLI update each other's.
    expect(posted[0]?.body).toContain(markerFor('perfgate'));
    expect(posted[0]?.body).toContain('p95 +1 %');
    expect(posted[0]?.user.login).toBe('mona');
  });

  it('finds the pull request by its head commit with --sha', async () => {
    const result = await comment('by sha\n', '--sha', HEAD);
    expect(result.code, result.stderr).toBe(0);
    expect(fake.commentsOn(pr)).toHaveLength(1);
  });

  it('explains a 404 (no such pull request) and a 422 (GitHub knows no such commit), exit 3', async () => {
    const missing = await comment('x\n', '--pr', '999');
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(
      /GitHub knows no octo-org\/octo-repo#999, or the token cannot see it .*\(404: Not Found/,
    );
    const unknown = await comment('x\n', '--sha', 'd'.repeat(40));
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/no open pull request in octo-org\/octo-repo has head d{40}/);
    const repo = await runCli(
      ['comment', 'report.md', '--repo', 'octo-org/elsewhere', '--pr', '1'],
      dir,
      env(),
    );
    expect(repo.code).toBe(3);
    expect(repo.stderr).toMatch(/GitHub knows no octo-org\/elsewhere#1/);
    expect(fake.comments).toHaveLength(0);
  });

  it('refuses bad input before calling GitHub (exit 2)', async () => {
    await writeFile(join(dir, 'report.md'), 'x\n');
    const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
      [['--repo', 'octo-org', '--pr', '1'], env(), /--repo: expected OWNER\/NAME, got 'octo-org'/],
      [['--repo', 'octo-org/octo-repo'], env(), /--pr: name the pull request/],
      [
        ['--repo', 'octo-org/octo-repo', '--pr', '1', '--sha', HEAD],
        env(),
        /--sha: give --pr or --sha/,
      ],
      [
        ['--repo', 'octo-org/octo-repo', '--sha', 'abc'],
        env(),
        /--sha: expected a full 40-character/,
      ],
      [
        ['--repo', 'octo-org/octo-repo', '--pr', '1', '--token-env', 'CI_TOKEN'],
        env(),
        /--token-env: no token in \$CI_TOKEN/,
      ],
    ];
    for (const [args, vars, message] of cases) {
      const result = await runCli(['comment', 'report.md', ...args], dir, vars);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    expect(fake.requests).toHaveLength(0);
  });
});

describe('perfgate check --comment', () => {
  it('posts the report the check printed with --format markdown, byte for byte', async () => {
    const repo = await newRepo({
      'perfgate.yml':
        'version: 1\ntrials: 3\nwarmupSeconds: 0\nsuites:\n  - name: work\n    kind: command\n    command: node -e "console.log(JSON.stringify({work:{latency:{value:10}}}))"\n',
    });
    await commit(repo, 'docs', { 'README.md': 'head\n' });
    const args = ['check', '--config', join(repo, 'perfgate.yml'), '--against', 'HEAD~1'];
    const result = await runCli(
      [
        ...args,
        '--format',
        'markdown',
        '--comment',
        '--repo',
        'octo-org/octo-repo',
        '--pr',
        String(pr),
      ],
      repo,
      env(),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^comment created: /m);
    const [posted] = fake.commentsOn(pr);
    expect(posted?.body).toBe(
      result.stdout.trimEnd() === posted?.body ? posted?.body : result.stdout,
    );
    // Without --comment, the comment's options are refused rather than ignored.
    const stray = await runCli([...args, '--pr', '1'], repo, env());
    expect(stray.code).toBe(2);
    expect(stray.stderr).toMatch(/--pr: is read only with --comment/);
  }, 60_000);
});
