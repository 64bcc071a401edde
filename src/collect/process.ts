/**
 * `process` collector: CPU and peak memory of the service's process tree, from /proc.
 *
 * CPU is the tree's cumulative CPU time at stop() minus at start() (see treeCpuTicks), over the
 * window's wall time: % of one core, so 250 means two and a half cores busy. Memory is the tree's
 * summed RSS, sampled every intervalMs; the peak is the largest sample, so a spike shorter than
 * the interval can be missed.
 */
import type { Collector, CollectorOutput, TrialMetric } from './types.js';
import { treeCpuTicks, treePids, treeRssPages, type ProcStat } from './proc.js';
import { readProcesses, readSysconf, type Sysconf } from './procfs.js';

export interface ProcessCollectorOptions {
  /** Root of the measured tree: the service's PID. Its descendants are found at every sample. */
  pid: number;
  /** RSS sampling period in ms; default 200. */
  intervalMs?: number;
}

interface Snapshot {
  at: number;
  processes: Map<number, ProcStat>;
}

async function snapshot(): Promise<Snapshot> {
  const processes = await readProcesses();
  return { at: performance.now(), processes };
}

export function processCollector({ pid, intervalMs = 200 }: ProcessCollectorOptions): Collector {
  let first: Snapshot | undefined;
  let sysconf: Sysconf | undefined;
  let peakPages = 0;
  let timer: NodeJS.Timeout | undefined;
  let sampling: Promise<void> = Promise.resolve();

  const recordRss = (s: Snapshot): void => {
    peakPages = Math.max(peakPages, treeRssPages(s.processes, treePids(s.processes, [pid])));
  };

  return {
    name: 'process',
    async start() {
      sysconf = await readSysconf();
      first = await snapshot();
      recordRss(first);
      // One sample at a time: a slow /proc scan delays the next tick rather than piling up.
      timer = setInterval(() => {
        sampling = sampling.then(async () => recordRss(await snapshot()));
      }, intervalMs).unref(); // sampling alone must not keep perfgate alive
    },
    async stop(): Promise<CollectorOutput> {
      clearInterval(timer);
      await sampling;
      if (!first || !sysconf) throw new Error('process collector: stop() called before start()');
      const last = await snapshot();
      recordRss(last);
      const metrics: TrialMetric[] = [];
      const notes: string[] = [];
      if (!first.processes.has(pid)) {
        notes.push(
          `process: pid ${pid} was not running at the window's start; process metrics unavailable`,
        );
        return { metrics, notes };
      }
      if (last.processes.has(pid)) {
        const ticks =
          treeCpuTicks(last.processes, treePids(last.processes, [pid])) -
          treeCpuTicks(first.processes, treePids(first.processes, [pid]));
        const seconds = (last.at - first.at) / 1000;
        const value = (100 * ticks) / sysconf.clockTicks / seconds;
        metrics.push({ name: 'process.cpu', unit: '%', direction: 'lower', value });
      } else {
        // Without the root its children's CPU can no longer be summed: report nothing, not a low value.
        notes.push(`process: pid ${pid} exited during the window; process.cpu omitted`);
      }
      metrics.push({
        name: 'process.rss_peak',
        unit: 'bytes',
        direction: 'lower',
        value: peakPages * sysconf.pageSize,
      });
      return { metrics, notes };
    },
  };
}
