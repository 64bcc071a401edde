/**
 * The sweep file: every measured point with its knob values and full results, saved after each
 * point so that `--resume` continues an interrupted sweep. Validated with zod on every read.
 */
import { z } from 'zod';
import { ResultsSchema } from '../results/schema.js';

export const SWEEP_SCHEMA = 'perfgate/sweep@1';

export const SweepFileSchema = z
  .object({
    schema: z.literal(SWEEP_SCHEMA),
    strategy: z.enum(['grid', 'coordinate']),
    /** In the order measured. */
    points: z.array(
      z
        .object({
          knobs: z.record(z.string(), z.string()),
          variant: z.string().min(1),
          results: ResultsSchema,
          /** The reference setting, measured in the same run (absent for the reference itself). */
          reference: ResultsSchema.optional(),
        })
        .strict(),
    ),
  })
  .strict();
export type SweepFile = z.infer<typeof SweepFileSchema>;
