/**
 * Bencher Metric Format (https://bencher.dev/docs/reference/bencher-metric-format):
 * `{ "<benchmark>": { "<measure slug>": { "value": n, "lower_value"?: n, "upper_value"?: n } } }`.
 *
 * One BMF file is one trial, so each measure becomes a metric with a single sample; loadSide
 * pools several files into one sample per file. Benchmark → suite, measure slug → metric.
 * `lower_value`/`upper_value` describe spread within the trial and are not samples: dropped.
 * `unit`, `direction` and `target` beside `value` are perfgate's extensions
 * (docs/command-protocol.md).
 */
import { z } from 'zod';
import { inferDirection } from '../results/direction.js';
import { validate } from '../json.js';
import {
  checkTarget,
  DirectionSchema,
  isSampleValue,
  RESULTS_SCHEMA,
  SampleSchema,
  type Direction,
  type Results,
} from '../results/schema.js';

export const BmfMeasureSchema = z
  .looseObject({
    value: SampleSchema,
    lower_value: z.number().optional(),
    upper_value: z.number().optional(),
    unit: z.string().optional(),
    direction: DirectionSchema.optional(),
    /** With `"direction": "target"`: the value to approach, as GPU utilization approaches 85 %. */
    target: SampleSchema.optional(),
  })
  .superRefine(checkTarget);
export type BmfMeasure = z.infer<typeof BmfMeasureSchema>;

/**
 * A JSON object keyed by names from input, validated like `z.record` but keeping every name:
 * z.record skips a key named `__proto__` (to keep it from replacing the prototype of the object
 * it builds), which would silently drop a benchmark or measure so named, and its regression.
 * The names go through a Map, and come out as own properties (Object.fromEntries defines them,
 * it does not assign them), so `Object.entries` sees every one.
 */
function nameKeyed<T extends z.ZodType>(value: T, empty: string) {
  return z
    .preprocess(
      (json, ctx) => {
        if (isRecord(json)) return new Map(Object.entries(json));
        ctx.issues.push({ code: 'invalid_type', expected: 'object', input: json });
        return json;
      },
      z.map(z.string().min(1), value),
    )
    .refine((names) => names.size > 0, empty)
    .transform((names) => Object.fromEntries(names) as Record<string, z.output<T>>);
}

function isRecord(json: unknown): json is Record<string, unknown> {
  return typeof json === 'object' && json !== null && !Array.isArray(json);
}

export const BmfSchema = nameKeyed(
  nameKeyed(BmfMeasureSchema, 'a benchmark needs at least one measure'),
  'BMF needs at least one benchmark',
);
export type Bmf = z.output<typeof BmfSchema>;

/** Bencher's built-in measures and their units; other measures are user-defined, unit unknown. */
const WELL_KNOWN_UNITS = new Map([
  ['latency', 'ns'],
  ['throughput', 'ops/s'],
]);

export function parseBmf(json: unknown, file: string): Bmf {
  return isPlainBmf(json) ? json : validate(BmfSchema, json, file);
}

/**
 * The shape nearly every BMF file has, checked without zod: benchmarks of measures that hold a
 * sample `value` and at most the numeric bounds and a unit. zod's walk costs about 2 µs per
 * measure, a seventh of a whole `perfgate compare` of 60 files with 1,000 measures each
 * (benchmarks/compare-process.ts); this costs a tenth of that. It accepts only what BmfSchema
 * accepts and returns it unchanged (what the schema returns too): anything else, or anything
 * wrong, goes through the schema, which words the error. test/formats/bmf.test.ts holds the two
 * to agreeing.
 */
function isPlainBmf(json: unknown): json is Bmf {
  return isNonEmptyRecordOf(json, (measures) => isNonEmptyRecordOf(measures, isPlainMeasure));
}

function isNonEmptyRecordOf(json: unknown, valid: (value: unknown) => boolean): boolean {
  if (!isRecord(json)) return false;
  let names = 0;
  for (const name in json) {
    if (!Object.hasOwn(json, name)) return false;
    if (name === '' || !valid(json[name])) return false;
    names++;
  }
  return names > 0;
}

const PLAIN_MEASURE_FIELDS: Record<string, (value: unknown) => boolean> = {
  value: (v) => typeof v === 'number' && isSampleValue(v),
  lower_value: (v) => typeof v === 'number' && Number.isFinite(v),
  upper_value: (v) => typeof v === 'number' && Number.isFinite(v),
  unit: (v) => typeof v === 'string',
};

function isPlainMeasure(json: unknown): boolean {
  if (!isRecord(json) || !('value' in json)) return false;
  for (const field in json) {
    if (!Object.hasOwn(PLAIN_MEASURE_FIELDS, field)) return false;
    if (!PLAIN_MEASURE_FIELDS[field]!(json[field])) return false;
  }
  return true;
}

/**
 * Unit, direction and target of a measure: given ones win, else Bencher's well-known units and
 * inference (which never infers a target: only the measure can say what to approach).
 */
export function describeMeasure(
  slug: string,
  measure: BmfMeasure,
  infer: (slug: string, unit: string) => Direction = inferDirection,
): { unit: string; direction: Direction; target?: number } {
  const unit = measure.unit ?? WELL_KNOWN_UNITS.get(slug) ?? '';
  return {
    unit,
    direction: measure.direction ?? infer(slug, unit),
    ...(measure.target !== undefined ? { target: measure.target } : {}),
  };
}

/** One BMF trial as perfgate results; `createdAt` comes from the caller, BMF has no time. */
export function bmfToResults(bmf: Bmf, createdAt: string): Results {
  // A file repeats a few measure names across many benchmarks: infer each direction once.
  const inferred = new Map<string, Direction>();
  const directionOf = (slug: string, unit: string): Direction => {
    const key = `${unit}\u0000${slug}`;
    let direction = inferred.get(key);
    if (direction === undefined) inferred.set(key, (direction = inferDirection(slug, unit)));
    return direction;
  };
  return {
    schema: RESULTS_SCHEMA,
    createdAt,
    source: 'bmf',
    suites: Object.entries(bmf).map(([benchmark, measures]) => ({
      name: benchmark,
      metrics: Object.entries(measures).map(([slug, measure]) => ({
        name: slug,
        ...describeMeasure(slug, measure, directionOf),
        samples: [measure.value],
      })),
    })),
  };
}
