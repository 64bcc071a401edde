// Real git repositories for the store's tests: a bare repository as the remote and clones of it
// as users' checkouts, all in a temporary folder, with no network and no global config changes.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Results } from '../../src/results/schema.js';

const exec = promisify(execFile);

/** Identity for the tests' own commits, given per command so global config is not needed. */
const IDENTITY = ['-c', 'user.name=Test', '-c', 'user.email=test@example.com'];

export async function sh(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await exec('git', [...IDENTITY, ...args], { cwd });
  return stdout.trim();
}

export interface Remote {
  root: string;
  /** The bare repository standing in for GitHub. */
  bare: string;
  /** A fresh clone of it with one commit on main: a user's checkout. */
  clone(name: string): Promise<string>;
  cleanup(): Promise<void>;
}

export async function makeRemote(): Promise<Remote> {
  const root = await mkdtemp(join(tmpdir(), 'perfgate-store-test-'));
  const bare = join(root, 'remote.git');
  await sh(root, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
  // As on GitHub: partial fetches (the store fetches trees without file contents).
  await sh(bare, 'config', 'uploadpack.allowFilter', 'true');
  const seed = join(root, 'seed');
  await sh(root, 'clone', '--quiet', bare, seed);
  await sh(seed, 'commit', '--quiet', '--allow-empty', '-m', 'initial');
  await sh(seed, 'push', '--quiet', 'origin', 'HEAD:refs/heads/main');
  return {
    root,
    bare,
    async clone(name) {
      const dir = join(root, name);
      await sh(root, 'clone', '--quiet', bare, dir);
      return dir;
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** Files of a branch of the bare repository (or of any repository). */
export async function filesOn(repo: string, branch: string): Promise<string[]> {
  const listing = await sh(repo, 'ls-tree', '-r', '--name-only', branch);
  return listing ? listing.split('\n') : [];
}

export function result(createdAt: string, commit?: string, p95 = 16): Results {
  return {
    schema: 'perfgate/results@1',
    createdAt,
    ...(commit ? { commit } : {}),
    suites: [
      {
        name: 'api',
        metrics: [{ name: 'latency_p95', unit: 'ms', direction: 'lower', samples: [p95] }],
      },
    ],
  };
}
