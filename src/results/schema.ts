/**
 * perfgate results format v1: what `perfgate run` writes and what every command reads.
 * Documented in docs/results-format.md; validated with zod on every read.
 *
 * A sample is one trial (one independent run of a suite); a metric holds one value per trial.
 */
import { z } from 'zod';

export const RESULTS_SCHEMA = 'perfgate/results@1';

/** Which way is better: `lower` (latency, memory), `higher` (throughput), or closer to `target`. */
export const DirectionSchema = z.enum(['lower', 'higher', 'target']);
export type Direction = z.infer<typeof DirectionSchema>;

/**
 * The magnitudes a sample (or a target) may have: 0, or between 1e-100 and 1e100. Far beyond any
 * measurement in any unit, yet the statistics stay finite: sums and squares of samples, their
 * differences (Hodges-Lehmann) and relative changes (a ratio of two samples) all fit in a double
 * with room to spare. ±1.7e308 would overflow them into "Infinity s ±NaN %", so such a file is
 * refused, naming the file and the sample, rather than shown as nonsense.
 */
export const SAMPLE_MAGNITUDE = { min: 1e-100, max: 1e100 } as const;

/** Whether a number is a sample perfgate can compute with (see SAMPLE_MAGNITUDE). */
export function isSampleValue(v: number): boolean {
  return v === 0 || (Math.abs(v) >= SAMPLE_MAGNITUDE.min && Math.abs(v) <= SAMPLE_MAGNITUDE.max);
}

export const SampleSchema = z.number().refine(isSampleValue, {
  error: (issue) =>
    // Written out: String(1e100) is "1e+100".
    'expected 0 or a magnitude from 1e-100 to 1e100 ' +
    `(beyond that the statistics would overflow), got ${String(issue.input)}`,
});

export const RunnerWarningSchema = z
  .object({
    /** The doctor's check, e.g. `cpu.turbo`, `gpu.processes`. */
    name: z.string(),
    status: z.enum(['warn', 'fail']),
    value: z.string(),
  })
  .strict();
export type RunnerWarning = z.infer<typeof RunnerWarningSchema>;

/**
 * The runner conditions that can change mid-run (collect/doctor.ts watchRunner), read after each
 * of one side's trial rounds of an interleaved run: how many rounds it had, and each condition
 * not ok in how many of them (its value as last seen).
 */
export const RunnerConditionsSchema = z
  .object({
    trials: z.number().int().nonnegative(),
    seen: z.array(
      z.object({ ...RunnerWarningSchema.shape, trials: z.number().int().positive() }).strict(),
    ),
  })
  .strict();
export type RunnerConditions = z.infer<typeof RunnerConditionsSchema>;

export const GpuSchema = z
  .object({
    index: z.number().int().nonnegative(),
    name: z.string(),
    uuid: z.string().optional(),
    driver: z.string().optional(),
    memoryTotalMiB: z.number().nonnegative().optional(),
  })
  .strict();
export type Gpu = z.infer<typeof GpuSchema>;

/** What a result was measured on; gating across different environments is refused. */
export const EnvironmentSchema = z
  .object({
    os: z.string().optional(),
    arch: z.string().optional(),
    cpuModel: z.string().optional(),
    cpuCount: z.number().int().positive().optional(),
    memoryBytes: z.number().nonnegative().optional(),
    nodeVersion: z.string().optional(),
    runner: z.string().optional(),
    gpus: z.array(GpuSchema).optional(),
    /**
     * What `perfgate doctor` found not ok on the runner at the start or the end of the run
     * (collect/doctor.ts): known causes of noise, for the reader. Not part of what makes two
     * environments alike (compare/environment.ts): a busy runner is still the same machine.
     */
    runnerWarnings: z.array(RunnerWarningSchema).optional(),
  })
  .strict();
export type Environment = z.infer<typeof EnvironmentSchema>;

/**
 * A target and direction `target` come together, wherever a metric is declared (results, BMF,
 * the prometheus collector's config): one without the other is a mistake, named at its field.
 */
export function checkTarget(
  metric: { direction?: Direction | undefined; target?: number | undefined },
  ctx: z.RefinementCtx,
): void {
  if (metric.direction === 'target' && metric.target === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: 'required with direction "target": the value this metric should approach',
      path: ['target'],
    });
  }
  if (metric.direction !== 'target' && metric.target !== undefined) {
    ctx.addIssue({
      code: 'custom',
      message: 'a target needs direction "target" beside it',
      path: ['direction'],
    });
  }
}

export const MetricSchema = z
  .object({
    name: z.string().min(1),
    unit: z.string(),
    direction: DirectionSchema,
    /** Required when direction is `target`: the value the metric should approach. */
    target: SampleSchema.optional(),
    /**
     * Describes the conditions of the trials (load generator CPU, host background load) rather
     * than the system under test: compared and shown, never a verdict; a significant difference
     * is reported as a warning that the comparison may be confounded.
     */
    informational: z.boolean().optional(),
    /** One value per trial, in trial order (SampleSchema says which values). */
    samples: z.array(SampleSchema),
    /**
     * Set when `perfgate history compact` replaced the trials by their median (`samples` then
     * holds that one value): how many trials there were and their spread (quartiles as
     * stats/describe.ts). Across runs the unit is the run's median, which is what stays.
     */
    compacted: z
      .object({
        trials: z.number().int().positive(),
        min: z.number(),
        q1: z.number(),
        q3: z.number(),
        max: z.number(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine(checkTarget);
export type Metric = z.infer<typeof MetricSchema>;

export const SuiteResultSchema = z
  .object({
    name: z.string().min(1),
    /** The variant (named set of knob values) this suite ran with; absent for a single variant. */
    variant: z.string().min(1).optional(),
    /** Knob values of the variant, e.g. { OPTIMIZATION_CACHE_SIZE: "1000" }. */
    knobs: z.record(z.string(), z.string()).optional(),
    metrics: z.array(MetricSchema),
    /** Things a reader must know about this suite's numbers (e.g. "GPU metrics unavailable"). */
    notes: z.array(z.string()).optional(),
    /**
     * Wall time of this suite on this side, warm-up and every trial: what `perfgate shards`
     * balances shards by. Absent in results written before it was recorded.
     */
    seconds: z.number().nonnegative().optional(),
  })
  .strict();
export type SuiteResult = z.infer<typeof SuiteResultSchema>;

export const ResultsSchema = z
  .object({
    schema: z.literal(RESULTS_SCHEMA),
    createdAt: z.iso.datetime({ offset: true }),
    commit: z.string().optional(),
    ref: z.string().optional(),
    configHash: z.string().optional(),
    environment: EnvironmentSchema.optional(),
    /** Where the numbers came from when imported from another tool's format. */
    source: z.string().optional(),
    /**
     * Set when this side was measured beside another revision in the same run (same-runner A/B):
     * the seed of the ABBA/BAAB blocks, the sides in the order their trials ran, and the other
     * side's commit. Trials of such a run are exchangeable with the other side's, not with
     * another run's. `alive`: whether both sides' services stayed up for the whole run, or ran
     * one at a time, and why (run/alive.ts). `conditions`: what the runner was like during this
     * side's trials, to be set beside the other side's.
     */
    interleaved: z
      .object({
        seed: z.number().int(),
        order: z.array(z.enum(['base', 'head'])),
        with: z.string().optional(),
        alive: z
          .object({ mode: z.enum(['both', 'one-at-a-time']), why: z.string().optional() })
          .strict()
          .optional(),
        conditions: RunnerConditionsSchema.optional(),
      })
      .strict()
      .optional(),
    suites: z.array(SuiteResultSchema),
  })
  .strict()
  .superRefine(checkUnique);
export type Results = z.infer<typeof ResultsSchema>;

/**
 * Each suite + variant once per file, each metric once per suite: a repeat would be pooled
 * with the first (20 "trials" where 10 ran), inventing a change. Issues point at the repeat.
 * Refinements run even when a field failed, so nothing here trusts the shape.
 */
function checkUnique(results: { suites: readonly SuiteResult[] }, ctx: z.RefinementCtx): void {
  const suites = new Map<string, number>();
  const entries: unknown = results.suites;
  if (!Array.isArray(entries)) return;
  entries.forEach((suite: Partial<SuiteResult> | null, index) => {
    if (typeof suite?.name !== 'string') return;
    const { name, variant } = suite;
    const named = `suite '${name}'${typeof variant === 'string' ? ` (variant '${variant}')` : ''}`;
    const key = JSON.stringify([name, variant ?? null]);
    const first = suites.get(key);
    if (first === undefined) suites.set(key, index);
    else {
      ctx.addIssue({
        code: 'custom',
        path: ['suites', index, 'name'],
        message: `${named} appears again (first at suites[${first}]); a results file holds each suite and variant once`,
      });
    }
    if (!Array.isArray(suite.metrics)) return;
    const metrics = new Map<unknown, number>();
    suite.metrics.forEach((metric: Partial<Metric> | null, at) => {
      if (typeof metric?.name !== 'string') return;
      const seen = metrics.get(metric.name);
      if (seen === undefined) metrics.set(metric.name, at);
      else {
        ctx.addIssue({
          code: 'custom',
          path: ['suites', index, 'metrics', at, 'name'],
          message: `metric '${metric.name}' of ${named} appears again (first at metrics[${seen}]); a suite holds each metric once, with one sample per trial`,
        });
      }
    });
  });
}
