// The job token that actions/checkout leaves in a checkout's git config must reach the scratch
// repository that pushes the data branch. A real checkout made with `git init`, configured the
// way actions/checkout configures it (an extraheader, here behind an include file as v6 does).
import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkoutCredentials } from '../../src/store/gitStore.js';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8' });

describe('checkoutCredentials', () => {
  it('finds the extraheader, also through an include', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'perfgate-creds-'));
    git(dir, 'init', '--quiet');
    const included = join(dir, 'credentials.gitconfig');
    await writeFile(
      included,
      '[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic eC1hY2Nlc3M=\n',
    );
    git(dir, 'config', 'include.path', included);
    expect(await checkoutCredentials(dir)).toEqual([
      ['http.https://github.com/.extraheader', 'AUTHORIZATION: basic eC1hY2Nlc3M='],
    ]);
  });

  it('is empty for a checkout without one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'perfgate-creds-'));
    git(dir, 'init', '--quiet');
    expect(await checkoutCredentials(dir)).toEqual([]);
  });
});
