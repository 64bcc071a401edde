/**
 * The collectors `perfgate run` can attach to a trial, by the name a config uses. Adding one is
 * its file (a factory), its section in config/schema.ts (CollectorsSchema: config/ does not import
 * edges, so the schema lives there) and one line here; the mapped type makes this registry fail
 * to compile while a configured name has no entry.
 */
import type { CollectorName, Collectors } from '../config/schema.js';
import { gpuCollector } from './gpu.js';
import { hostCollector } from './host.js';
import { processCollector } from './process.js';
import { prometheusCollector } from './prometheus.js';
import type { Collector } from './types.js';

/** What a collector may need from the trial it samples. */
export interface TrialContext {
  /** The service's process (its group is watched); absent when the config has no service. */
  servicePid?: number;
  env: NodeJS.ProcessEnv;
  /**
   * The environments of the processes the trial runs (the service, a benchmark command): the
   * GPUs their CUDA_VISIBLE_DEVICES leave them are those the gpu collector reports.
   */
  workloadEnvs: readonly NodeJS.ProcessEnv[];
  /** perfgate's own process, which host load leaves out. */
  ownPid: number;
}

type Section<Name extends CollectorName> = NonNullable<Collectors[Name]>;

/** A collector for one trial, or the reason it cannot sample this one (a note for the report). */
type Attach<Name extends CollectorName> = (
  section: Section<Name>,
  trial: TrialContext,
) => Collector | { note: string };

const COLLECTORS: { [Name in CollectorName]: Attach<Name> } = {
  gpu: (section, trial) =>
    gpuCollector({ ...section, env: trial.env, workloadEnvs: trial.workloadEnvs }),
  process: (section, trial) =>
    trial.servicePid === undefined
      ? { note: 'process: no service is configured, so there is no process tree to watch' }
      : processCollector({ pid: trial.servicePid, intervalMs: section.intervalMs }),
  host: (_section, trial) => hostCollector({ ours: [trial.ownPid] }),
  prometheus: (section) => prometheusCollector(section),
};

/** The configured collector `name` for a trial (a generic, so name and section stay paired). */
export function attachCollector<Name extends CollectorName>(
  name: Name,
  section: Section<Name>,
  trial: TrialContext,
): Collector | { note: string } {
  return COLLECTORS[name](section, trial);
}

export type { GpuCollectorOptions } from './gpu.js';
export type { HostCollectorOptions } from './host.js';
export type { ProcessCollectorOptions } from './process.js';
export type { DerivedMetric, PrometheusCollectorOptions } from './prometheus.js';
