/**
 * Bencher Metric Format (https://bencher.dev/docs/reference/bencher-metric-format):
 * `{ "<benchmark>": { "<measure slug>": { "value": n, "lower_value"?: n, "upper_value"?: n } } }`.
 *
 * One BMF file is one trial, so each measure becomes a metric with a single sample; loadSide
 * pools several files into one sample per file. Benchmark → suite, measure slug → metric.
 * `lower_value`/`upper_value` describe spread within the trial and are not samples: dropped.
 * `unit` and `direction` beside `value` are perfgate's extensions (docs/command-protocol.md).
 */
import { z } from 'zod';
import { inferDirection } from '../results/direction.js';
import { validate } from '../results/read.js';
import { RESULTS_SCHEMA, type Direction, type Results } from '../results/schema.js';

const nonEmpty = (record: object) => Object.keys(record).length > 0;

export const BmfMeasureSchema = z.looseObject({
  value: z.number(),
  lower_value: z.number().optional(),
  upper_value: z.number().optional(),
  unit: z.string().optional(),
  direction: z.enum(['higher', 'lower']).optional(),
});
export type BmfMeasure = z.infer<typeof BmfMeasureSchema>;

export const BmfSchema = z
  .record(
    z.string().min(1),
    z
      .record(z.string().min(1), BmfMeasureSchema)
      .refine(nonEmpty, 'a benchmark needs at least one measure'),
  )
  .refine(nonEmpty, 'BMF needs at least one benchmark');
export type Bmf = z.infer<typeof BmfSchema>;

/** Bencher's built-in measures and their units; other measures are user-defined, unit unknown. */
const WELL_KNOWN_UNITS = new Map([
  ['latency', 'ns'],
  ['throughput', 'ops/s'],
]);

export function parseBmf(json: unknown, file: string): Bmf {
  return validate(BmfSchema, json, file);
}

/** Unit and direction of a measure: given ones win, else Bencher's well-known units and inference. */
export function describeMeasure(
  slug: string,
  measure: BmfMeasure,
): { unit: string; direction: Direction } {
  const unit = measure.unit ?? WELL_KNOWN_UNITS.get(slug) ?? '';
  return { unit, direction: measure.direction ?? inferDirection(slug, unit) };
}

/** One BMF trial as perfgate results; `createdAt` comes from the caller, BMF has no time. */
export function bmfToResults(bmf: Bmf, createdAt: string): Results {
  return {
    schema: RESULTS_SCHEMA,
    createdAt,
    source: 'bmf',
    suites: Object.entries(bmf).map(([benchmark, measures]) => ({
      name: benchmark,
      metrics: Object.entries(measures).map(([slug, measure]) => ({
        name: slug,
        ...describeMeasure(slug, measure),
        samples: [measure.value],
      })),
    })),
  };
}
