import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parseProcPidStat,
  parseProcStatCpu,
  treeCpuTicks,
  treePids,
  type ProcStat,
} from '../../src/collect/proc.js';

// Fields 1..24 of a real line; utime=14 stime=15 cutime=16 cstime=17 rss=24.
const statLine = (
  pid: number,
  comm: string,
  ppid: number,
  u: number,
  s: number,
  cu: number,
  cs: number,
  rss: number,
) =>
  `${pid} (${comm}) S ${ppid} 1 1 0 -1 4194560 100 0 0 0 ${u} ${s} ${cu} ${cs} 20 0 1 0 3556 1234567 ${rss} 18446744073709551615 1 1 0`;

describe('parseProcPidStat', () => {
  it('reads the fields after a comm holding spaces and parens', () => {
    // A process may name itself anything: only the last ')' ends comm.
    const stat = parseProcPidStat(statLine(42, 'a) b (c) 1 2', 7, 300, 40, 5, 6, 2560));
    expect(stat).toEqual({
      pid: 42,
      comm: 'a) b (c) 1 2',
      ppid: 7,
      utime: 300,
      stime: 40,
      cutime: 5,
      cstime: 6,
      rssPages: 2560,
    });
  });

  it('parses this very process', () => {
    const stat = parseProcPidStat(readFileSync('/proc/self/stat', 'utf8'));
    expect(stat?.pid).toBe(process.pid);
    expect(stat?.ppid).toBe(process.ppid);
    expect(stat?.rssPages).toBeGreaterThan(0);
  });

  it('rejects what is not a stat line', () => {
    expect(parseProcPidStat('')).toBeUndefined();
    expect(parseProcPidStat('12 (x) S 1 2')).toBeUndefined();
  });
});

describe('parseProcStatCpu', () => {
  it('counts steal as busy and leaves guest time out (already in user)', () => {
    // busy = user 100 + nice 2 + system 30 + irq 4 + softirq 5 + steal 6 = 147; total = 147 + idle 800 + iowait 10
    const text = 'cpu  100 2 30 800 10 4 5 6 50 1\ncpu0 50 1 15 400 5 2 2 3 25 0\nintr 1 2\n';
    expect(parseProcStatCpu(text)).toEqual({ busy: 147, total: 957 });
  });

  it('parses the real /proc/stat', () => {
    const times = parseProcStatCpu(readFileSync('/proc/stat', 'utf8'));
    expect(times!.total).toBeGreaterThan(times!.busy);
  });

  it('rejects a file without the aggregate line', () => {
    expect(parseProcStatCpu('cpu0 1 2 3 4 5 6 7 8\n')).toBeUndefined();
  });
});

describe('process trees', () => {
  const proc = (pid: number, ppid: number, ticks: number): ProcStat => ({
    pid,
    comm: `p${pid}`,
    ppid,
    utime: ticks,
    stime: 0,
    cutime: 0,
    cstime: 0,
    rssPages: 1,
  });
  // 1 ─┬─ 10 ─── 11
  //    └─ 20        and 30, outside.
  const snapshot = new Map(
    [proc(1, 0, 1), proc(10, 1, 10), proc(11, 10, 11), proc(20, 1, 20), proc(30, 2, 30)].map(
      (p) => [p.pid, p],
    ),
  );

  it('finds descendants through ppid links, at any depth', () => {
    expect([...treePids(snapshot, [10])].sort()).toEqual([10, 11]);
    expect([...treePids(snapshot, [1])].sort((a, b) => a - b)).toEqual([1, 10, 11, 20]);
  });

  it('counts overlapping roots once and ignores roots that are gone', () => {
    expect(treeCpuTicks(snapshot, treePids(snapshot, [10, 11, 999]))).toBe(21);
  });
});
