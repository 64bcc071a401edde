/**
 * `host` collector: how busy the machine was with work that is not ours during the window.
 *
 * host.background_cpu = (Δ machine busy ticks − Δ ticks of our process trees) / Δ machine total
 * ticks, in % of the whole machine (all CPUs), clamped to [0, 100]. Both /proc/stat and
 * /proc/<pid>/stat count in the same clock ticks, so no conversion is needed. A noisy neighbour on
 * a shared runner shows up here, which is why each trial records it (DESIGN.md, "Measuring").
 * In a container /proc/stat is usually the host's, so the capacity is the host's CPUs, not the
 * cgroup's quota.
 */
import type { Collector, CollectorOutput } from './types.js';
import { treeCpuTicks, treePids, type CpuTimes } from './proc.js';
import { readCpuTimes, readProcesses } from './procfs.js';

export interface HostCollectorOptions {
  /**
   * Roots of the process trees whose CPU is ours, not background: typically perfgate itself
   * (process.pid, which also covers the service it spawned and the in-process load generator).
   */
  ours: number[];
}

interface Sample {
  cpu: CpuTimes;
  oursTicks: number;
}

/** Background share of the machine between two samples, in %; undefined when no tick elapsed. */
export function backgroundCpuPercent(start: Sample, end: Sample): number | undefined {
  const total = end.cpu.total - start.cpu.total;
  if (total <= 0) return undefined;
  const background = end.cpu.busy - start.cpu.busy - (end.oursTicks - start.oursTicks);
  // The two files are read a moment apart, so small negative or >100 results are read skew.
  return Math.min(100, Math.max(0, (100 * background) / total));
}

export function hostCollector({ ours }: HostCollectorOptions): Collector {
  const sample = async (): Promise<Sample> => {
    const [cpu, processes] = await Promise.all([readCpuTimes(), readProcesses()]);
    return { cpu, oursTicks: treeCpuTicks(processes, treePids(processes, ours)) };
  };
  let first: Sample | undefined;

  return {
    name: 'host',
    async start() {
      first = await sample();
    },
    async stop(): Promise<CollectorOutput> {
      if (!first) throw new Error('host collector: stop() called before start()');
      const value = backgroundCpuPercent(first, await sample());
      if (value === undefined) {
        return {
          metrics: [],
          notes: ['host: window shorter than one clock tick; host.background_cpu omitted'],
        };
      }
      return {
        metrics: [
          {
            name: 'host.background_cpu',
            unit: '%',
            direction: 'lower',
            value,
            informational: true,
          },
        ],
        notes: [],
      };
    },
  };
}
