/**
 * Process-group primitives shared by services and command suites: every process perfgate starts
 * leads its own group (and session), so a shell, its children and their children are signalled
 * at once and none outlives the trial or the service.
 *
 * A process that daemonizes (setsid, a double fork) leaves that group and session, so each start
 * also carries a random mark in its environment, which descendants inherit; on Linux the
 * processes with that mark are found in /proc and signalled too (Jenkins' ProcessTreeKiller finds
 * a build's daemons the same way). Only processes carrying the mark of a start of ours are
 * signalled: never a process perfgate did not start.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { RunError } from '../errors.js';
import { onShutdown } from '../shutdown.js';
import { setTimeout as sleep } from 'node:timers/promises';

export interface GroupSpawnOptions {
  cwd?: string;
  /**
   * The whole environment of the process (the caller's, injected: never perfgate's own
   * process.env), plus SPAWN_MARK, and FALLBACK_PATH when it has no PATH.
   */
  env: NodeJS.ProcessEnv;
  stdio: StdioOptions;
}

/** A started process that leads its own group: its pid is the group id. */
export type GroupLeader = ChildProcess & {
  pid: number;
  /** The mark in the environment of it and everything it starts (SPAWN_MARK). */
  spawnId: string;
  /** Processes that still ran when the leader exited (then killed): a daemon, a `cmd &`. */
  leftBehind: readonly number[];
};

/** The environment variable that marks a start's processes. */
export const SPAWN_MARK = 'PERFGATE_SPAWN_ID';

/**
 * The PATH of a process whose environment has none: the in-process CLI is often given an
 * environment without one (its tests pass `{}`), and a /bin/sh without PATH searches only its
 * compiled-in default, which lacks /usr/local/bin, so `node server.mjs` would not start. The
 * folder of the Node running perfgate comes first, so `node` is the same Node.
 */
export const FALLBACK_PATH = [
  path.dirname(process.execPath),
  '/usr/local/bin',
  '/usr/bin',
  '/bin',
  '/usr/local/sbin',
  '/usr/sbin',
  '/sbin',
].join(':');

/** Starts `/bin/sh -c command` as the leader of a new process group. */
export async function spawnInGroup(
  command: string,
  options: GroupSpawnOptions,
): Promise<GroupLeader> {
  const spawnId = randomUUID();
  const child = spawn('/bin/sh', ['-c', command], {
    cwd: options.cwd,
    env: { PATH: FALLBACK_PATH, ...options.env, [SPAWN_MARK]: spawnId },
    stdio: options.stdio,
    detached: true,
  });
  try {
    await once(child, 'spawn');
  } catch (error) {
    const where = options.cwd === undefined ? '' : ` in ${options.cwd}`;
    throw new RunError(`could not start \`${command}\`${where}: ${(error as Error).message}`);
  }
  const leader = Object.assign(child, { spawnId, leftBehind: [] }) as GroupLeader;
  // Once the leader is gone nobody will stop what it left behind: kill the rest of its group, and
  // whatever escaped it. Registered first, so later 'exit' listeners see leftBehind.
  leader.once('exit', () => {
    leader.leftBehind = killTree(leader, 'SIGKILL');
  });
  return leader;
}

/**
 * Sends `signal` to the leader's group and to every process carrying its mark, including those
 * that left the group and session. Returns the marked pids it found. With SIGKILL it looks again
 * until none is left, as a process may fork between a look and the kill (bounded: 10 looks).
 */
export function killTree(
  leader: { pid: number; spawnId: string },
  signal: NodeJS.Signals,
): number[] {
  signalGroup(leader.pid, signal);
  const found = new Set<number>();
  for (let look = 0; look < 10; look++) {
    const fresh = markedProcesses(leader.spawnId).filter((pid) => !found.has(pid));
    for (const pid of fresh) {
      found.add(pid);
      signalProcess(pid, signal);
    }
    if (signal !== 'SIGKILL' || fresh.length === 0) break;
  }
  return [...found];
}

/**
 * Resolves once no process carrying the leader's mark is left (after its leader exited, the rest
 * of a killed group may take a moment to die): a service restarted on the same port must not find
 * the old one still listening. Past `timeoutMs` what is left gets SIGKILL, once more.
 */
export async function treeGone(
  leader: { pid: number; spawnId: string },
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (markedProcesses(leader.spawnId).length > 0) {
    if (Date.now() > deadline) {
      killTree(leader, 'SIGKILL');
      return;
    }
    // A referenced timer: nothing else may keep perfgate's event loop alive while it waits.
    await sleep(10);
  }
}

/** Live processes whose environment carries `SPAWN_MARK=spawnId`; none where /proc is absent. */
function markedProcesses(spawnId: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const needle = `\0${SPAWN_MARK}=${spawnId}\0`;
  const pids: number[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      // Another user's process cannot be read (EACCES), and a zombie's environment is empty.
      if (`\0${readFileSync(`/proc/${pid}/environ`, 'latin1')}`.includes(needle)) pids.push(pid);
    } catch {
      // Gone since the listing, or not ours to read.
    }
  }
  return pids;
}

function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Sends `signal` to every process of the group `pgid`; a group that is already gone is fine. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * Kill group `pgid` should perfgate be interrupted or exit first (shutdown.ts): a setup step's
 * group is detached, so it would outlive a killed perfgate (`sleep 600` left behind). Returns the
 * release.
 */
export function killWithPerfgate(pgid: number): () => void {
  const kill = () => signalGroup(pgid, 'SIGKILL');
  return onShutdown({ what: 'setup step', interrupted: kill, exiting: kill });
}

/** How a process ended, as Node's 'exit' and 'close' events report it. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** "with code 1" or "on signal SIGKILL", to follow "exited". */
export function describeExit({ code, signal }: ProcessExit): string {
  return signal === null ? `with code ${code}` : `on signal ${signal}`;
}

/** How a group that ran to its end ended, and what stopped it early, if anything did. */
export interface GroupEnd extends ProcessExit {
  stopped?: 'timeout' | 'abort';
}

/**
 * Waits for a started group's leader to close (all its output has arrived: the group is dead, so
 * the pipes close), killing the whole group with SIGKILL when `timeoutSeconds` pass or `signal`
 * aborts. Shared by command suites and setup steps.
 */
export async function awaitGroup(
  child: GroupLeader,
  limits: { timeoutSeconds: number; signal?: AbortSignal | undefined },
): Promise<GroupEnd> {
  const { signal } = limits;
  let stopped: GroupEnd['stopped'];
  const stop = (why: NonNullable<GroupEnd['stopped']>) => {
    stopped ??= why;
    signalGroup(child.pid, 'SIGKILL');
  };
  const timer = setTimeout(() => stop('timeout'), limits.timeoutSeconds * 1000);
  const onAbort = () => stop('abort');
  // An abort while the spawn was awaited fired no listener: act on it now.
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const [code, exitSignal] = (await once(child, 'close')) as [
      number | null,
      NodeJS.Signals | null,
    ];
    return { code, signal: exitSignal, ...(stopped ? { stopped } : {}) };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
