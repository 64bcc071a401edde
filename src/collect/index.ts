/**
 * The collectors `perfgate run` can attach to a trial, by the name a config uses.
 * Adding one is one file exporting a factory plus one line here.
 */
import type { Collector } from './types.js';
import { gpuCollector } from './gpu.js';
import { hostCollector } from './host.js';
import { processCollector } from './process.js';
import { prometheusCollector } from './prometheus.js';

/**
 * Makes a collector from its options. `never` as the parameter type admits every factory whatever
 * its options (parameters are contravariant), so `satisfies` checks only that each is a factory.
 */
type CollectorFactory = (options: never) => Collector;

export const collectors = {
  gpu: gpuCollector,
  process: processCollector,
  host: hostCollector,
  prometheus: prometheusCollector,
} satisfies Record<string, CollectorFactory>;

export type CollectorName = keyof typeof collectors;

export type { GpuCollectorOptions } from './gpu.js';
export type { HostCollectorOptions } from './host.js';
export type { ProcessCollectorOptions } from './process.js';
export type { DerivedMetric, PrometheusCollectorOptions } from './prometheus.js';
