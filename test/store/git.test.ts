import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunError } from '../../src/errors.js';
import { authenticationFailed, git, GitError, lostRace, retry } from '../../src/store/git.js';

describe('git', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'perfgate-git-'));
    await git(['init', '--quiet'], { cwd: dir });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('gives config for one command only', async () => {
    const config = [['perfgate.answer', '42 "quoted" \\ back']] as const;
    expect(await git(['config', 'perfgate.answer'], { cwd: dir, config })).toBe(
      '42 "quoted" \\ back\n',
    );
    await expect(git(['config', 'perfgate.answer'], { cwd: dir })).rejects.toThrow(GitError);
  });

  it("numbers its config after the job's GIT_CONFIG_* entries, which keep applying", async () => {
    const env = {
      GIT_CONFIG_COUNT: '2',
      GIT_CONFIG_KEY_0: 'perfgate.multi',
      GIT_CONFIG_VALUE_0: 'job',
      GIT_CONFIG_KEY_1: 'perfgate.job',
      GIT_CONFIG_VALUE_1: 'kept',
    };
    const config = [
      ['perfgate.multi', 'ours'],
      ['perfgate.multi', 'also ours'],
    ] as const;
    const options = { cwd: dir, env, config };
    expect(await git(['config', '--get-all', 'perfgate.multi'], options)).toBe(
      'job\nours\nalso ours\n',
    );
    expect(await git(['config', 'perfgate.job'], options)).toBe('kept\n');
  });

  it("fails with a RunError carrying git's message, in English", async () => {
    const failure = git(['rev-parse', '--verify', 'no-such-ref'], {
      cwd: dir,
      env: { LANG: 'de_DE.UTF-8' },
    });
    await expect(failure).rejects.toThrow(RunError);
    await expect(failure).rejects.toThrow(
      /^git rev-parse failed: fatal: Needed a single revision$/,
    );
  });
});

describe('lostRace', () => {
  it('recognises pushes that lost a race, not other failures', () => {
    const push = (stderr: string) => new GitError('push', stderr);
    expect(lostRace(push(' ! [rejected]  abc -> perfgate-data (fetch first)'))).toBe(true);
    expect(lostRace(push(' ! [rejected]  abc -> perfgate-data (non-fast-forward)'))).toBe(true);
    expect(lostRace(push("error: cannot lock ref 'refs/heads/perfgate-data'"))).toBe(true);
    expect(lostRace(push(' ! [remote rejected] perfgate-data (pre-receive hook declined)'))).toBe(
      false,
    );
    expect(lostRace(push('fatal: Authentication failed'))).toBe(false);
    expect(lostRace(new Error('[rejected]'))).toBe(false);
  });
});

describe('authenticationFailed', () => {
  it('recognises a refused credential, not other failures', () => {
    const fetch = (stderr: string) => new GitError('fetch', stderr);
    const refused = [
      "fatal: could not read Username for 'https://github.com': terminal prompts disabled",
      "fatal: Authentication failed for 'https://github.com/owner/repo/'",
      'remote: Permission to owner/repo.git denied to github-actions[bot].',
      "fatal: unable to access 'https://github.com/owner/repo/': The requested URL returned error: 403",
      'git@github.com: Permission denied (publickey).',
    ];
    for (const stderr of refused) expect(authenticationFailed(fetch(stderr))).toBe(true);
    expect(authenticationFailed(fetch(' ! [rejected]  abc -> perfgate-data (fetch first)'))).toBe(
      false,
    );
    expect(authenticationFailed(fetch("fatal: couldn't find remote ref perfgate-data"))).toBe(
      false,
    );
    expect(authenticationFailed(new Error('Authentication failed'))).toBe(false);
  });
});

describe('retry', () => {
  const policy = { budgetMs: 10_000, baseDelayMs: 1, maxDelayMs: 2 };
  const always = () => true;

  it('returns the first success', async () => {
    const seen: number[] = [];
    const value = await retry(
      async (index) => {
        seen.push(index);
        if (index < 2) throw new Error(`lost ${index}`);
        return 'stored';
      },
      always,
      policy,
    );
    expect(value).toBe('stored');
    expect(seen).toEqual([0, 1, 2]);
  });

  it('rethrows at once an error that is not worth retrying', async () => {
    let calls = 0;
    const attempt = async () => {
      calls++;
      throw new Error('denied');
    };
    await expect(retry(attempt, () => false, policy)).rejects.toThrow('denied');
    expect(calls).toBe(1);
  });

  it('rethrows the last error once the time budget is spent', async () => {
    let calls = 0;
    const attempt = async () => {
      calls++;
      throw new Error(`lost ${calls}`);
    };
    const started = Date.now();
    const error = await retry(attempt, always, { budgetMs: 50, baseDelayMs: 5, maxDelayMs: 10 })
      .then(() => undefined)
      .catch((e: unknown) => e);
    expect(error).toEqual(new Error(`lost ${calls}`));
    expect(calls).toBeGreaterThan(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('tries once with no budget', async () => {
    let calls = 0;
    const attempt = async () => {
      calls++;
      throw new Error('lost');
    };
    await expect(retry(attempt, always, { ...policy, budgetMs: 0 })).rejects.toThrow('lost');
    expect(calls).toBe(1);
  });
});
