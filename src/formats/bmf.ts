/**
 * Bencher Metric Format (https://bencher.dev/docs/reference/bencher-metric-format):
 * `{ "<benchmark>": { "<measure slug>": { "value": n, "lower_value"?: n, "upper_value"?: n } } }`.
 *
 * One BMF file is one trial, so each measure becomes a metric with a single sample; loadSide
 * pools several files into one sample per file. Benchmark → suite, measure slug → metric.
 * `lower_value`/`upper_value` describe spread within the trial and are not samples: dropped.
 */
import { z } from 'zod';
import { inferDirection } from '../results/direction.js';
import { validate } from '../results/read.js';
import { RESULTS_SCHEMA, type Results } from '../results/schema.js';

export const BmfSchema = z.record(
  z.string().min(1),
  z.record(
    z.string().min(1),
    z.object({
      value: z.number(),
      lower_value: z.number().optional(),
      upper_value: z.number().optional(),
    }),
  ),
);
export type Bmf = z.infer<typeof BmfSchema>;

/** Bencher's built-in measures and their units; other measures are user-defined, unit unknown. */
const WELL_KNOWN_UNITS = new Map([
  ['latency', 'ns'],
  ['throughput', 'ops/s'],
]);

export function parseBmf(json: unknown, file: string): Bmf {
  return validate(BmfSchema, json, file);
}

/** One BMF trial as perfgate results; `createdAt` comes from the caller, BMF has no time. */
export function bmfToResults(bmf: Bmf, createdAt: string): Results {
  return {
    schema: RESULTS_SCHEMA,
    createdAt,
    source: 'bmf',
    suites: Object.entries(bmf).map(([benchmark, measures]) => ({
      name: benchmark,
      metrics: Object.entries(measures).map(([slug, { value }]) => {
        const unit = WELL_KNOWN_UNITS.get(slug) ?? '';
        return { name: slug, unit, direction: inferDirection(slug, unit), samples: [value] };
      }),
    })),
  };
}
