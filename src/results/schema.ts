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
  })
  .strict();
export type Environment = z.infer<typeof EnvironmentSchema>;

export const MetricSchema = z
  .object({
    name: z.string().min(1),
    unit: z.string(),
    direction: DirectionSchema,
    /** Required when direction is `target`: the value the metric should approach. */
    target: z.number().finite().optional(),
    /**
     * Describes the conditions of the trials (load generator CPU, host background load) rather
     * than the system under test: compared and shown, never a verdict; a significant difference
     * is reported as a warning that the comparison may be confounded.
     */
    informational: z.boolean().optional(),
    /** One finite value per trial, in trial order. */
    samples: z.array(z.number().finite()),
  })
  .strict()
  .refine((m) => m.direction !== 'target' || m.target !== undefined, {
    message: 'direction "target" needs a numeric "target"',
    path: ['target'],
  });
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
     * another run's.
     */
    interleaved: z
      .object({
        seed: z.number().int(),
        order: z.array(z.enum(['base', 'head'])),
        with: z.string().optional(),
      })
      .strict()
      .optional(),
    suites: z.array(SuiteResultSchema),
  })
  .strict();
export type Results = z.infer<typeof ResultsSchema>;
