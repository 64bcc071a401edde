/**
 * What one trial of a suite produces, before trials are gathered into results (src/results/schema.ts).
 * Runners (http, command) and collectors (gpu, process, host, prometheus) all speak this shape; it
 * lives here, below both, so a collector never imports from run/.
 */
import type { Direction, Environment } from '../results/schema.js';

/** One value of one metric in one trial. */
export interface TrialMetric {
  name: string;
  unit: string;
  direction: Direction;
  /** With direction `target`: the value to approach. */
  target?: number;
  value: number;
  /** Describes the trial's conditions, not the system under test: never gates (see Metric). */
  informational?: boolean;
}

/** A collector samples only while a trial measures: start() at the window's start, stop() at its end. */
export interface Collector {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<CollectorOutput>;
}

export interface CollectorOutput {
  metrics: TrialMetric[];
  /** Facts the reader must see, e.g. "gpu: nvidia-smi not found, GPU metrics unavailable". */
  notes: string[];
  /** Parts of the environment fingerprint this collector learned (e.g. GPU names and driver). */
  environment?: Partial<Environment>;
}
