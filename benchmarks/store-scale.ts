// What the git history store costs as the history grows (issue #16, items 1-3): append and list
// against a bare repository served over smart HTTP (the tests' server, which authenticates as
// GitHub does), with 100, 1,000 and 10,000 stored results written by `git fast-import`.
// Time is measured at the client; bytes and fetch sessions at the server (a session is one
// upload-pack ref advertisement: one `git fetch`, or one lazy fetch of a partial clone).
//
//   npm run bench:store-scale            # = tsx benchmarks/store-scale.ts 100,1000,10000 [appends]
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { baselineQuery } from '../src/store/baseline.js';
import { gitStore } from '../src/store/gitStore.js';
import type { HistoryStore } from '../src/store/history.js';
import {
  authorizationHeader,
  startGitHttpServer,
  type GitHttpServer,
} from '../test/helpers/gitHttpServer.js';
import { CONFIG_HASH, seedHistory, storedResult } from '../test/helpers/storedHistory.js';

const exec = promisify(execFile);
const TOKEN = 'ghs_benchmarkToken0123456789';
const sizes = (process.argv[2] ?? '100,1000,10000').split(',').map(Number);
const appends = Number(process.argv[3] ?? 5);
const WINDOW = 20;

interface Cost {
  ms: number;
  /** Bytes the server sent (packs, ref advertisements) and received (wants, pushed packs). */
  sent: number;
  received: number;
  fetches: number;
  pushes: number;
}

interface Row {
  stored: number;
  append: Cost;
  newest: Cost & { read: number };
  all: Cost & { read: number };
}

async function measure<T>(server: GitHttpServer, work: () => Promise<T>): Promise<[Cost, T]> {
  server.requests.length = 0;
  const started = process.hrtime.bigint();
  const value = await work();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const advertisements = (service: string) =>
    server.requests.filter((r) => r.method === 'GET' && r.path.includes(`service=${service}`))
      .length;
  const cost = {
    ms,
    sent: server.requests.reduce((sum, r) => sum + r.sent, 0),
    received: server.requests.reduce((sum, r) => sum + r.received, 0),
    fetches: advertisements('git-upload-pack'),
    pushes: advertisements('git-receive-pack'),
  };
  return [cost, value];
}

function median<T>(values: T[], key: (value: T) => number): T {
  return [...values].sort((a, b) => key(a) - key(b))[Math.floor(values.length / 2)]!;
}

async function scenario(stored: number): Promise<Row> {
  const root = await mkdtemp(join(tmpdir(), 'perfgate-store-scale-'));
  const git = (cwd: string, ...args: string[]) => exec('git', ['-C', cwd, ...args]);
  try {
    const bare = join(root, 'remote.git');
    await exec('git', ['init', '--quiet', '--bare', bare]);
    await git(bare, 'config', 'uploadpack.allowFilter', 'true');
    const seeding = Date.now();
    // Most results on main, some on other branches, one in ten of another setup.
    await seedHistory(bare, {
      count: stored,
      branches: ['main', 'release', 'feature/x'],
      foreignEvery: 10,
    });
    process.stderr.write(`${stored}: seeded in ${Date.now() - seeding} ms\n`);

    const server = await startGitHttpServer({ projectRoot: root, token: TOKEN });
    try {
      const workspace = join(root, 'workspace');
      await exec('git', ['init', '--quiet', workspace]);
      await git(workspace, 'remote', 'add', 'origin', `${server.url}remote.git`);
      await git(workspace, 'config', `http.${server.url}.extraheader`, authorizationHeader(TOKEN));
      const store: HistoryStore = gitStore({ repoDir: workspace });

      const appended: Cost[] = [];
      // The first append is a warm-up, not counted: it meets a cold server and page cache.
      for (let i = 0; i <= appends; i++) {
        // Newer than everything stored, as a new run is.
        const createdAt = new Date(Date.parse('2026-11-28T00:00:00Z') + i * 60_000).toISOString();
        const results = storedResult(stored + i, createdAt);
        const [cost] = await measure(server, () => store.append(results, { branch: 'main' }));
        if (i > 0) appended.push(cost);
      }

      const head = { configHash: CONFIG_HASH, environment: storedResult(0, '').environment };
      const [newest, some] = await measure(server, () =>
        store.list('main', baselineQuery(head, WINDOW)),
      );
      const matching = some.entries.filter((e) => e.results.configHash === CONFIG_HASH).length;
      if (matching < WINDOW) throw new Error(`only ${matching} matching runs read`);
      const [all, every] = await measure(server, () => store.list('main'));
      return {
        stored,
        append: median(appended, (c) => c.ms),
        newest: { ...newest, read: some.entries.length },
        all: { ...all, read: every.entries.length },
      };
    } finally {
      await server.close();
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const kib = (bytes: number) => (bytes / 1024).toFixed(1);
const count = (n: number) => n.toLocaleString('en-US');

const rows: Row[] = [];
for (const stored of sizes) {
  rows.push(await scenario(stored));
  const row = rows.at(-1)!;
  process.stderr.write(
    `${stored}: append ${row.append.ms.toFixed(0)} ms, newest ${row.newest.ms.toFixed(0)} ms, all ${row.all.ms.toFixed(0)} ms\n`,
  );
}

console.log(
  `| stored | append ms | append KiB down / up | append fetches | newest ${WINDOW} ms | newest KiB down | newest fetches | files read | all of main ms | all KiB down | all fetches | files read |`,
);
console.log(
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
);
for (const { stored, append, newest, all } of rows) {
  console.log(
    `| ${count(stored)} | ${append.ms.toFixed(0)} | ${kib(append.sent)} / ${kib(append.received)} | ${append.fetches} | ${newest.ms.toFixed(0)} | ${kib(newest.sent)} | ${newest.fetches} | ${newest.read} | ${all.ms.toFixed(0)} | ${kib(all.sent)} | ${all.fetches} | ${count(all.read)} |`,
  );
}
const first = rows[0]!;
const last = rows.at(-1)!;
const ratio = last.append.ms / first.append.ms;
const sessions = Math.max(...rows.map((row) => row.newest.fetches));
console.log(
  `\nappend time ${count(last.stored)} / ${count(first.stored)}: ×${ratio.toFixed(2)} (acceptance ≤ 2); ` +
    `newest ${WINDOW}: at most ${sessions} fetch sessions (acceptance ≤ 3); ` +
    `${appends} appends per size after a warm-up, median shown.`,
);
if (ratio > 2 || sessions > 3) process.exitCode = 1;
