/**
 * github-action-benchmark's "custom" JSON (tools `customBiggerIsBetter` and
 * `customSmallerIsBetter`): `[{ "name", "unit", "value", "range"?, "extra"? }]`.
 *
 * Each entry is one benchmark with one value, so it becomes a suite named after the entry with
 * a single metric, `value`; one file is one trial. The format has no direction field (the tool
 * name carries it), so direction is inferred from name and unit unless the caller says which.
 * `range` and `extra` are free text about the run, not samples: dropped.
 */
import { z } from 'zod';
import { InputError } from '../errors.js';
import { inferDirection } from '../results/direction.js';
import { validate } from '../json.js';
import { RESULTS_SCHEMA, SampleSchema, type Direction, type Results } from '../results/schema.js';

export const GabSchema = z.array(
  z.object({
    name: z.string().min(1),
    unit: z.string(),
    value: SampleSchema,
    range: z.string().optional(),
    extra: z.string().optional(),
  }),
);
export type Gab = z.infer<typeof GabSchema>;

export interface GabOptions {
  /** The tool used: true for `customBiggerIsBetter`, false for `customSmallerIsBetter`. */
  biggerIsBetter?: boolean;
}

/** The metric each entry becomes: the format has one value per entry and no measure name. */
export const GAB_METRIC = 'value';

export function parseGab(json: unknown, file: string): Gab {
  const entries = validate(GabSchema, json, file);
  const seen = new Set<string>();
  for (const [index, { name }] of entries.entries()) {
    // Two values for one benchmark in one trial would silently become two trials.
    if (seen.has(name))
      throw new InputError(`duplicate benchmark "${name}"`, { file, field: `[${index}].name` });
    seen.add(name);
  }
  return entries;
}

/** One file (one trial) as perfgate results; `createdAt` comes from the caller. */
export function gabToResults(entries: Gab, createdAt: string, options: GabOptions = {}): Results {
  return {
    schema: RESULTS_SCHEMA,
    createdAt,
    source: 'github-action-benchmark',
    suites: entries.map(({ name, unit, value }) => ({
      name,
      metrics: [
        { name: GAB_METRIC, unit, direction: direction(name, unit, options), samples: [value] },
      ],
    })),
  };
}

function direction(name: string, unit: string, { biggerIsBetter }: GabOptions): Direction {
  if (biggerIsBetter === undefined) return inferDirection(name, unit);
  return biggerIsBetter ? 'higher' : 'lower';
}
