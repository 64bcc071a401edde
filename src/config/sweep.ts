/**
 * The `sweep` section of perfgate.yml (docs/sweep.md): knobs as lists or ranges, the strategy,
 * the objective and the constraints. Ranges are expanded while the config is parsed.
 */
import { z } from 'zod';
import { MAX_KNOB_VALUES, rangeValues, type KnobRange } from './range.js';
import { count, metricGlob, numeric, strict } from './fields.js';
import { TargetSchema } from './target.js';
import { describeIssue } from '../schemaIssue.js';
import { withSuggestion } from './messages.js';

/** Knob values are environment strings, as in a variant's env. */
const knobValue = z
  .union([z.string(), z.number(), z.boolean()], { error: 'expected a string or a number' })
  .transform(String);

const STEP_EXPECTED = 'expected a number to add, or x<factor> to multiply (x2 doubles)';

const KnobRangeSchema = strict({
  from: numeric(z.number()),
  to: numeric(z.number()),
  step: z
    .union([numeric(z.number().positive()), z.string().regex(/^x\d+(\.\d+)?$/, STEP_EXPECTED)], {
      error: STEP_EXPECTED,
    })
    .transform((step): KnobRange['step'] =>
      typeof step === 'number' ? { add: step } : { times: Number(step.slice(1)) },
    ),
})
  .refine((r) => r.from <= r.to, { message: 'expected from ≤ to', path: ['to'] })
  // Refinements also run when a field failed, so the step may still be the raw string here.
  .refine(
    (r) => typeof r.step !== 'object' || !('times' in r.step) || (r.step.times > 1 && r.from > 0),
    {
      message: 'x<factor> needs a factor > 1 and from > 0',
      path: ['step'],
    },
  )
  .transform((range) => rangeValues(range).map(String));

const KnobListSchema = z.array(knobValue).min(1);
const KNOB_EXPECTED = 'expected a list of values or a range { from, to, step }';

/**
 * A list of values, or a range expanded to its values. Chosen by shape rather than z.union, so
 * that a wrong range says what is wrong with it instead of "matches no option".
 */
const KnobSchema = z
  .unknown()
  .transform((value, ctx) => {
    if (typeof value !== 'object' || value === null) {
      ctx.addIssue({ code: 'custom', message: KNOB_EXPECTED, input: value });
      return z.NEVER;
    }
    const parsed = (Array.isArray(value) ? KnobListSchema : KnobRangeSchema).safeParse(value, {
      error: describeIssue,
    });
    if (parsed.success) return parsed.data;
    for (const { path, message } of parsed.error.issues) {
      ctx.addIssue({ code: 'custom', path, message, input: value });
    }
    return z.NEVER;
  })
  .refine((values) => values.length <= MAX_KNOB_VALUES, {
    message: `expected at most ${MAX_KNOB_VALUES} values`,
  })
  .refine((values) => new Set(values).size === values.length, {
    message: 'expected distinct values',
  });

export const SweepObjectiveSchema = z.union(
  [
    strict({ maximize: metricGlob }),
    strict({ minimize: metricGlob }),
    strict({
      weights: z
        .record(metricGlob, numeric(z.number().positive()))
        .refine((w) => Object.keys(w).length > 0, { message: 'expected at least one metric' }),
    }),
  ],
  {
    error:
      'expected { maximize: <metric glob> }, { minimize: <metric glob> } or { weights: { <metric glob>: <weight> } }',
  },
);
export type SweepObjective = z.infer<typeof SweepObjectiveSchema>;

export const SweepSchema = strict({
  /** Environment variables passed to the service and command suites, like a variant's env. */
  knobs: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a variable name'), KnobSchema)
    .refine((k) => Object.keys(k).length > 0, { message: 'expected at least one knob' }),
  /** The current settings, the reference of the recommendation; default: each knob's first value. */
  baseline: z.record(z.string(), knobValue).default({}),
  strategy: z.enum(['grid', 'coordinate']).default('grid'),
  objective: SweepObjectiveSchema,
  /** Bounds on a point's medians, written like targets. */
  constraints: z.array(TargetSchema).default([]),
  /** The cost axis of the Pareto front; default: the first constraint's metric. */
  paretoMetric: metricGlob.optional(),
  suites: z.array(z.string().min(1)).min(1).optional(),
  trials: count().optional(),
  /** Coordinate strategy: a knob stops once two steps in a row gain less than this. */
  minGain: numeric(z.number().min(0)).default(0.05),
})
  .superRefine((sweep, ctx) => {
    const knobs = Object.keys(sweep.knobs);
    for (const name of Object.keys(sweep.baseline)) {
      if (!knobs.includes(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['baseline', name],
          message: `not a knob: ${withSuggestion(name, knobs)} (knobs: ${knobs.join(', ')})`,
        });
      }
    }
  })
  .transform((sweep) => ({
    ...sweep,
    // A complete point: knobs the baseline leaves out start at their first value.
    baseline: Object.fromEntries(
      Object.entries(sweep.knobs).map(([name, values]) => [
        name,
        sweep.baseline[name] ?? (values[0] as string),
      ]),
    ),
  }));
export type Sweep = z.infer<typeof SweepSchema>;
