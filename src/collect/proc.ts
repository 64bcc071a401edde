/**
 * Pure parsers and arithmetic for Linux /proc (proc(5)): no file access here, see procfs.ts.
 * All CPU times are in clock ticks (USER_HZ), the unit both /proc/stat and /proc/<pid>/stat use.
 */

/** The fields of /proc/<pid>/stat that the collectors use. */
export interface ProcStat {
  pid: number;
  /** The executable's name, as the kernel truncates it (15 bytes); may hold spaces and parens. */
  comm: string;
  ppid: number;
  /** CPU time of the process itself (all its threads), user and kernel. */
  utime: number;
  stime: number;
  /** CPU time of its children that have exited and been waited for. */
  cutime: number;
  cstime: number;
  /** Resident set size in pages. */
  rssPages: number;
}

/**
 * Parses one /proc/<pid>/stat line. `comm` is the only field that can contain spaces or parens
 * (a program may name itself `a) b (c`), so it spans from the first '(' to the *last* ')'.
 * Returns undefined for text that is not a stat line.
 */
export function parseProcPidStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  // After ") ": field 3 (state) is index 0, so field n is index n - 3.
  const rest = text
    .slice(close + 1)
    .trim()
    .split(' ');
  const field = (n: number): number => Number(rest[n - 3]);
  const stat: ProcStat = {
    pid,
    comm: text.slice(open + 1, close),
    ppid: field(4),
    utime: field(14),
    stime: field(15),
    cutime: field(16),
    cstime: field(17),
    rssPages: field(24),
  };
  const numbers = [pid, stat.ppid, stat.utime, stat.stime, stat.cutime, stat.cstime, stat.rssPages];
  return numbers.every(Number.isInteger) ? stat : undefined;
}

/** Machine-wide CPU time from the aggregate `cpu` line of /proc/stat. */
export interface CpuTimes {
  /** Ticks the CPUs spent running something, steal included. */
  busy: number;
  /** busy + idle + iowait: all the CPUs' capacity over the same period. */
  total: number;
}

/**
 * Parses the aggregate `cpu  user nice system idle iowait irq softirq steal guest guest_nice` line.
 * Steal counts as busy: it is time a co-tenant of the hypervisor took from us, i.e. background load.
 * guest and guest_nice are left out because the kernel already counts them in user and nice.
 */
export function parseProcStatCpu(text: string): CpuTimes | undefined {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (line === undefined) return undefined;
  const [
    user = NaN,
    nice = NaN,
    system = NaN,
    idle = NaN,
    iowait = NaN,
    irq = NaN,
    softirq = NaN,
    steal = NaN,
  ] = line.slice(4).trim().split(/\s+/).map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  const total = busy + idle + iowait;
  return Number.isInteger(total) ? { busy, total } : undefined;
}

/** The PIDs of the trees rooted at `roots` (roots included), from one snapshot's ppid links. */
export function treePids(
  processes: ReadonlyMap<number, ProcStat>,
  roots: readonly number[],
): Set<number> {
  const children = new Map<number, number[]>();
  for (const p of processes.values()) {
    const siblings = children.get(p.ppid);
    if (siblings) siblings.push(p.pid);
    else children.set(p.ppid, [p.pid]);
  }
  const tree = new Set<number>();
  const queue = roots.filter((pid) => processes.has(pid));
  for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
    if (tree.has(pid)) continue;
    tree.add(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/**
 * Cumulative CPU ticks of a process tree. Children's (cutime, cstime) are included so that a
 * process that exits mid-window is not lost: once reaped, its whole CPU time moves into its
 * parent's cutime/cstime, so the tree's total keeps growing monotonically and a difference of two
 * snapshots is the CPU the tree used in between.
 */
export function treeCpuTicks(
  processes: ReadonlyMap<number, ProcStat>,
  pids: Iterable<number>,
): number {
  let ticks = 0;
  for (const pid of pids) {
    const p = processes.get(pid);
    if (p) ticks += p.utime + p.stime + p.cutime + p.cstime;
  }
  return ticks;
}

/** Resident pages of a set of processes at one snapshot. */
export function treeRssPages(
  processes: ReadonlyMap<number, ProcStat>,
  pids: Iterable<number>,
): number {
  let pages = 0;
  for (const pid of pids) pages += processes.get(pid)?.rssPages ?? 0;
  return pages;
}
