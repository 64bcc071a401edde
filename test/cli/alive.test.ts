// Both sides alive (issue #24), end to end with real processes: `perfgate check --against` in a
// real git repository whose service is a small Node server. Each server writes its pid into a
// census folder when it starts; the command suite counts the census entries whose process is
// alive, as a metric of each trial, so the results say how many services were up while each
// trial ran. The base tree and the head tree differ only where a test needs them to.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/actionRunner.js';
import { runCli, type CliRun } from '../helpers/cli.js';
import { commit, git, newRepo, worktrees } from '../helpers/gitRepo.js';
import { eventually, isRunning } from '../fixtures/services/processes.js';

/** Listens on PORT after START_MS, and registers its pid (and port) in CENSUS. */
const SERVER = `import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
const { PORT, CENSUS, START_MS = '0' } = process.env;
writeFileSync(join(CENSUS, String(process.pid)), PORT);
setTimeout(() => createServer((req, res) => res.end('ok')).listen(Number(PORT), '127.0.0.1'), Number(START_MS));
`;

/** The services up now, from the census: what the trial saw. */
const CENSUS = `import { readdirSync, readFileSync } from 'node:fs';
// Up: its /proc entry exists and is not a zombie (an exited child nobody has reaped yet).
const up = readdirSync(process.env.CENSUS).filter((pid) => {
  try { return !/^\\d+ \\(.*\\) Z/.test(readFileSync('/proc/' + pid + '/stat', 'utf8')); } catch { return false; }
});
console.log(JSON.stringify({ census: { services_up: { value: up.length, unit: 'count' } } }));
`;

const config = (port: string) => `version: 1
service:
  command: node server.mjs
  env: { PORT: '${port}' }
  healthUrl: http://127.0.0.1:${port}/health
trials: 4
warmupSeconds: 0
compare: { threshold: 0.5 }
suites:
  - { name: census, kind: command, command: node census.mjs }
`;

async function setup(files: Record<string, string> = {}) {
  const census = await mkdtemp(join(tmpdir(), 'perfgate-census-'));
  const repo = await newRepo({
    'server.mjs': SERVER,
    'census.mjs': CENSUS,
    'perfgate.yml': config('${PERFGATE_PORT}'),
    ...files,
  });
  const base = git(repo, 'rev-parse', 'HEAD');
  return { census, repo, base };
}

/** The pids of every service perfgate started, and whether any is still running. */
async function started(census: string): Promise<{ pids: number[]; ports: string[] }> {
  const pids = (await readdir(census)).map(Number);
  const ports = await Promise.all(pids.map((pid) => readFile(join(census, String(pid)), 'utf8')));
  return { pids, ports };
}

interface Sides {
  base: SideResults;
  head: SideResults;
}
interface SideResults {
  interleaved: { alive: { mode: string; why?: string } };
  suites: { metrics: { samples: number[] }[] }[];
}

/** Each trial's count of services up, both sides together. */
const servicesUp = (sides: Sides) =>
  [sides.base, sides.head].flatMap((side) => side.suites[0]!.metrics[0]!.samples);

/**
 * A stand-in for nvidia-smi (not NVIDIA code) that answers the one query the runner makes, in the
 * format the real one prints for it (\`0, 61234, 81559\` per GPU): one 80 GB GPU on which every
 * service up (by the census) holds 50,000 MiB, as a loaded model server would.
 */
const NVIDIA_SMI = `#!/usr/bin/env bash
[[ "$*" == "--query-gpu=index,memory.used,memory.total --format=csv,noheader,nounits" ]] || exit 2
up=0
for pid in $(ls "$CENSUS"); do
  [[ -r /proc/$pid/stat && "$(cut -d' ' -f3 /proc/$pid/stat)" != Z ]] && up=$((up + 1))
done
echo "0, $((1000 + 50000 * up)), 81559"
`;

/** `check --against BASE` of an A/A head (seed 1: the base runs first), both sides kept in `sides`. */
async function checkAa(
  files: Record<string, string> = {},
  path = process.env.PATH,
): Promise<{ run: CliRun; census: string; repo: string; sides: Sides }> {
  const { census, repo, base } = await setup(files);
  await commit(repo, 'docs', { 'README.md': 'head\n' });
  const out = join(census, '..', `${census.split('/').at(-1)}-sides.json`);
  const run = await runCli(
    ['check', '--config', 'perfgate.yml', '--against', base, '--seed', '1', '--out', out],
    repo,
    { PATH: path, CENSUS: census },
  );
  expect(run.code, run.stderr).toBe(0);
  return { run, census, repo, sides: JSON.parse(await readFile(out, 'utf8')) as Sides };
}

describe('both sides alive', () => {
  it('starts each side once, on its own port, keeps both up, and stops both at the end', async () => {
    const { run, census, repo, sides } = await checkAa();
    const { pids, ports } = await started(census);
    expect(pids).toHaveLength(2);
    expect(new Set(ports).size).toBe(2);
    // Every trial after the first side's first saw both services up.
    expect(servicesUp(sides).filter((n) => n === 2).length).toBeGreaterThanOrEqual(7);
    expect(sides.head.interleaved.alive).toEqual({ mode: 'both' });
    expect(run.stdout).toMatch(/both sides' services stayed up for the whole run/);
    for (const pid of pids) expect(isRunning(pid)).toBe(false);
    expect(worktrees(repo)).toHaveLength(1);
  }, 60_000);

  it('falls back to one at a time for a fixed port, and says how to fix it', async () => {
    const port = String(20000 + Math.floor(Math.random() * 20000));
    const { run, census, sides } = await checkAa({ 'perfgate.yml': config(port) });
    expect(new Set(servicesUp(sides))).toEqual(new Set([1]));
    // A restart at every switch of side: ABBA blocks switch at 3 of every 4 steps.
    expect((await started(census)).pids.length).toBeGreaterThan(4);
    expect(run.stdout).toMatch(/the services ran one at a time: the service's port is written/);
    expect(run.stdout).toContain('${PERFGATE_PORT}');
    expect(sides.head.interleaved.alive.mode).toBe('one-at-a-time');
  }, 60_000);

  it('refuses service.alive: both without a port of its own, before measuring', async () => {
    const { census, repo } = await setup({
      'perfgate.yml': config('8080').replace('healthUrl:', 'alive: both\n  healthUrl:'),
    });
    const run = await runCli(['check', '--config', 'perfgate.yml'], repo, {
      PATH: process.env.PATH,
      CENSUS: census,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /service\.alive: both needs a port per side: write \$\{PERFGATE_PORT\}/,
    );
    expect((await started(census)).pids).toEqual([]);
  });

  it('stops the base side too when the head side dies mid-run (exit 3)', async () => {
    const { census, repo, base } = await setup();
    // The head tree's own files (the config is the head's for both trees): its server exits
    // 200 ms after it starts, during its first trial, which takes 400 ms.
    await commit(repo, 'a head service that dies during its first trial', {
      'server.mjs': `${SERVER}setTimeout(() => process.exit(7), 200);\n`,
      'census.mjs': `await new Promise((r) => setTimeout(r, 400));\n${CENSUS}`,
    });
    const run = await runCli(
      ['check', '--config', 'perfgate.yml', '--against', base, '--seed', '1'],
      repo,
      { PATH: process.env.PATH, CENSUS: census },
    );
    expect(run.code, run.stdout).toBe(3);
    expect(run.stderr).toMatch(/service exited/);
    const { pids } = await started(census);
    expect(pids.length).toBeGreaterThanOrEqual(2);
    await eventually(() => pids.every((pid) => !isRunning(pid)), 5000);
    expect(worktrees(repo)).toHaveLength(1);
  }, 60_000);

  it('stops both services when perfgate is interrupted (SIGINT)', async () => {
    const { census, repo, base } = await setup();
    await commit(repo, 'slow trials', {
      'census.mjs': `${CENSUS}await new Promise((r) => setTimeout(r, 600_000));\n`,
    });
    // A real process: a signal reaches a whole perfgate, not a function in this test's process.
    const perfgate = spawn(
      process.execPath,
      [
        ...['--import', 'tsx', 'src/cli-entry.ts', 'check'],
        ...['--config', join(repo, 'perfgate.yml'), '--against', base, '--seed', '1'],
      ],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CENSUS: census } },
    );
    let stderr = '';
    perfgate.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => perfgate.on('exit', resolve));
    // Seed 1 runs the base first; the head tree's trial hangs with both services up.
    await eventually(async () => (await started(census)).pids.length >= 2, 20_000);
    await sleep(500);
    process.kill(perfgate.pid as number, 'SIGINT');
    const code = await Promise.race([exited, sleep(20_000).then(() => 'hung' as const)]);
    if (code === 'hung') perfgate.kill('SIGKILL');
    expect(code).not.toBe('hung');
    const { pids } = await started(census);
    await eventually(() => pids.every((pid) => !isRunning(pid)), 5000);
    expect(worktrees(repo)).toHaveLength(1);
    // One line says what was interrupted and what was undone.
    expect(stderr).toMatch(
      /^perfgate: interrupted \(SIGINT\); stopped and removed: 1 worktree, 2 services$/m,
    );
  }, 60_000);

  it('runs the services one at a time when the second would not fit in GPU memory, and says why', async () => {
    const bin = await mkdtemp(join(tmpdir(), 'perfgate-smi-'));
    await writeFile(join(bin, 'nvidia-smi'), NVIDIA_SMI, { mode: 0o755 });
    const { run, sides } = await checkAa({}, `${bin}:${process.env.PATH}`);
    expect(sides.head.interleaved.alive).toEqual({
      mode: 'one-at-a-time',
      why:
        "the first side's service took 50000 MiB of GPU 0's memory and 30559 MiB are free, so the " +
        'second cannot start beside it: the services ran one at a time',
    });
    expect(new Set(servicesUp(sides))).toEqual(new Set([1]));
    expect(run.stdout).toMatch(/the services ran one at a time: the first side's service took/);
  }, 60_000);
});
