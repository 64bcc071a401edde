/**
 * The other processes keeping the runner's CPUs busy: every process's CPU time from
 * /proc/<pid>/stat, read twice, over the kernel's own clock between the two readings
 * (/proc/uptime). Two readings, not one process's lifetime total: a daemon busy at boot and idle
 * since is no neighbour now. The proc root is an argument, so tests read fixture trees.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { treePids, type ProcStat } from './proc.js';
import { readProcesses } from './procfs.js';

export interface ProcessSnapshot {
  /** Seconds since boot (/proc/uptime): the clock the ticks of /proc/<pid>/stat count along. */
  uptime: number;
  processes: ReadonlyMap<number, ProcStat>;
}

export interface BusyProcess {
  pid: number;
  /** The kernel's name for it (15 bytes): any program may choose it, so it is untrusted text. */
  comm: string;
  /** CPU used between the two readings, in CPUs: 1 is one CPU busy the whole time. */
  share: number;
}

/** One reading of every process under `proc`; undefined where /proc/uptime cannot be read. */
export async function readProcessSnapshot(proc: string): Promise<ProcessSnapshot | undefined> {
  const uptime = await readFile(path.join(proc, 'uptime'), 'utf8').then(
    (text) => Number(text.split(/\s+/)[0]),
    () => NaN,
  );
  if (!Number.isFinite(uptime)) return undefined;
  const processes = await readProcesses(proc).catch(() => new Map<number, ProcStat>());
  return { uptime, processes };
}

/**
 * `self`, the processes that started it (up to init) and those it started: perfgate's own work,
 * the shell and CI agent that run it, its services and trials. None of them is a neighbour.
 */
export function ownFamily(processes: ReadonlyMap<number, ProcStat>, self: number): Set<number> {
  const family = treePids(processes, [self]);
  family.add(self);
  for (
    let pid = processes.get(self)?.ppid;
    pid !== undefined && pid > 0 && !family.has(pid);
    pid = processes.get(pid)?.ppid
  ) {
    family.add(pid);
  }
  return family;
}

/**
 * The processes outside `self`'s family by the CPU they used between two readings, busiest
 * first. One there only at the second reading started in between, so all its CPU time falls in
 * the interval; one gone by then is missed (what it used cannot be read any more). Undefined
 * where no time passed between the readings (a frozen fixture): no share can be told. Pure.
 */
export function busiestProcesses(
  before: ProcessSnapshot,
  after: ProcessSnapshot,
  clockTicks: number,
  self: number,
): BusyProcess[] | undefined {
  const seconds = after.uptime - before.uptime;
  if (!(seconds > 0)) return undefined;
  // A child started or a parent seen in either reading is family.
  const family = new Set([
    ...ownFamily(before.processes, self),
    ...ownFamily(after.processes, self),
  ]);
  const ticks = (p: ProcStat) => p.utime + p.stime;
  const busy: BusyProcess[] = [];
  for (const p of after.processes.values()) {
    if (family.has(p.pid)) continue;
    const was = before.processes.get(p.pid);
    // Fewer ticks than before: the pid was reused by a new process, all of whose time is new.
    const used = was && ticks(was) <= ticks(p) ? ticks(p) - ticks(was) : ticks(p);
    busy.push({ pid: p.pid, comm: p.comm, share: used / clockTicks / seconds });
  }
  return busy.sort((a, b) => b.share - a.share || a.pid - b.pid);
}
