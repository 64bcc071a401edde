/** The I/O edge of the /proc collectors: reads files and asks getconf; parsing is in proc.ts. */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { parseProcPidStat, parseProcStatCpu, type CpuTimes, type ProcStat } from './proc.js';

/**
 * Every process's stat, keyed by PID. The whole of /proc is scanned because
 * /proc/<pid>/task/<tid>/children needs CONFIG_PROC_CHILDREN, which some kernels (this CI's
 * included) lack; ppid links from a scan work everywhere. A process that exits between readdir and
 * read is simply absent. `proc` is the procfs root (tests give fixture trees).
 */
export async function readProcesses(proc = '/proc'): Promise<Map<number, ProcStat>> {
  const pids = (await readdir(proc)).filter((name) => /^\d+$/.test(name));
  const stats = await Promise.all(
    pids.map((pid) =>
      readFile(`${proc}/${pid}/stat`, 'utf8').then(parseProcPidStat, () => undefined),
    ),
  );
  const processes = new Map<number, ProcStat>();
  for (const stat of stats) if (stat) processes.set(stat.pid, stat);
  return processes;
}

export async function readCpuTimes(): Promise<CpuTimes> {
  const text = await readFile('/proc/stat', 'utf8');
  const times = parseProcStatCpu(text);
  if (!times) throw new Error(`/proc/stat has no aggregate "cpu" line`);
  return times;
}

/** Clock ticks per second and page size, which turn /proc's ticks and pages into seconds and bytes. */
export interface Sysconf {
  clockTicks: number;
  pageSize: number;
}

const execFileAsync = promisify(execFile);

async function getconf(name: string): Promise<number> {
  const { stdout } = await execFileAsync('getconf', [name]);
  const value = Number(stdout.trim());
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`getconf ${name} printed "${stdout}"`);
  return value;
}

export async function readSysconf(): Promise<Sysconf> {
  const [clockTicks, pageSize] = await Promise.all([getconf('CLK_TCK'), getconf('PAGESIZE')]);
  return { clockTicks, pageSize };
}
