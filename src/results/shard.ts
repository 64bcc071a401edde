/**
 * The shard artifact (docs/scaling.md, "The shard artifact"): what one job of a sharded run leaves
 * for the merge. It carries both sides' raw trials, not a verdict, so that the merge judges all
 * shards as one family; and it is written even when the shard's run failed, with the error, so
 * that the merge fails with that shard's message instead of reporting a missing shard.
 */
import { z } from 'zod';
import { writeJsonAtomic } from '../files.js';
import { readJsonFile, validate } from '../json.js';
import { EnvironmentSchema, ResultsSchema } from './schema.js';

export const SHARD_SCHEMA = 'perfgate/shard@1';

/**
 * The most shards a plan may have (`--count`, input `shard-count`, `--shard K/N`, an artifact's
 * `shard.count`): far above any job matrix (GitHub runs 256 jobs per matrix), and a bound that
 * keeps a fork's artifact from asking the merge job for an array of 2^40 entries.
 */
export const MAX_SHARDS = 256;

export const ShardArtifactSchema = z
  .object({
    schema: z.literal(SHARD_SCHEMA),
    /** `index` of `count`, from 1: `--shard K/N`. */
    shard: z
      .object({
        index: z.number().int().positive(),
        count: z.number().int().positive().max(MAX_SHARDS),
      })
      .strict()
      .refine((s) => s.index <= s.count, { message: 'expected index ≤ count' }),
    /** The suites the plan gave this shard (the results may skip some, with a note). */
    suites: z.array(z.string()),
    /** The runner labels the shard job ran on, and its machine (also when it failed). */
    runsOn: z.array(z.string()).optional(),
    environment: EnvironmentSchema.optional(),
    /**
     * What `base` is: the base revision's trials measured beside the head on this runner
     * (`interleaved`), the stored runs' medians (`history`), or nothing (`none`: a record run).
     */
    baseline: z.enum(['interleaved', 'history', 'none']),
    /** How a report names the base side, and what the reader must know of this shard's run. */
    baseLabel: z.string().optional(),
    context: z.array(z.string()).default([]),
    base: ResultsSchema.optional(),
    head: ResultsSchema.optional(),
    /** Set when the shard failed: `run` for a failed run (exit 3), `input` for bad input (exit 2). */
    error: z
      .object({ kind: z.enum(['run', 'input']), message: z.string() })
      .strict()
      .optional(),
  })
  .strict()
  .refine((a) => a.error !== undefined || a.head !== undefined, {
    message: 'expected head results, or an error saying why there are none',
    path: ['head'],
  })
  .refine((a) => a.error !== undefined || (a.baseline === 'none') === (a.base === undefined), {
    message: 'expected base results exactly when baseline is interleaved or history',
    path: ['base'],
  });
export type ShardArtifact = z.infer<typeof ShardArtifactSchema>;

export async function readShardArtifact(file: string): Promise<ShardArtifact> {
  return validate(ShardArtifactSchema, await readJsonFile(file), file);
}

/** Validated, then written atomically: a merge never reads half an artifact. */
export async function writeShardArtifact(file: string, artifact: ShardArtifact): Promise<void> {
  await writeJsonAtomic(file, validate(ShardArtifactSchema, artifact, file));
}
