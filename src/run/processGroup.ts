/**
 * Process-group primitives shared by services and command suites: every process perfgate starts
 * leads its own group, so a shell, its children and their children are signalled at once and
 * none outlives the trial or the service.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { once } from 'node:events';
import { RunError } from '../errors.js';

export interface GroupSpawnOptions {
  cwd?: string;
  /** Added to perfgate's own environment. */
  env?: Record<string, string>;
  stdio: StdioOptions;
}

/** A started process that leads its own group: its pid is the group id. */
export type GroupLeader = ChildProcess & { pid: number };

/** Starts `/bin/sh -c command` as the leader of a new process group. */
export async function spawnInGroup(
  command: string,
  options: GroupSpawnOptions,
): Promise<GroupLeader> {
  const child = spawn('/bin/sh', ['-c', command], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: options.stdio,
    detached: true,
  });
  try {
    await once(child, 'spawn');
  } catch (error) {
    const where = options.cwd === undefined ? '' : ` in ${options.cwd}`;
    throw new RunError(`could not start \`${command}\`${where}: ${(error as Error).message}`);
  }
  const leader = child as GroupLeader;
  // Once the leader is gone nobody will stop what it left behind: kill the rest of its group.
  leader.once('exit', () => signalGroup(leader.pid, 'SIGKILL'));
  return leader;
}

/** Sends `signal` to every process of the group `pgid`; a group that is already gone is fine. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
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
