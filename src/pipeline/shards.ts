/**
 * Sharded runs, the shard side (docs/scaling.md): the plan that `perfgate shards` prints as a
 * GitHub Actions matrix, and one shard job's run, which leaves an artifact for the merge
 * (merge.ts) rather than a verdict. Every shard job recomputes the plan from the same config and
 * stored durations; the merge checks that the shards' suites add up to the config's.
 */
import { configHash, selectSuites, type Config } from '../config/index.js';
import { InputError, RunError } from '../errors.js';
import type { ShardArtifact } from '../results/shard.js';
import { writeShardArtifact } from '../results/shard.js';
import { hostEnvironment } from '../run/environment.js';
import type { HistoryStore } from '../store/history.js';
import {
  planShards,
  recordedDurations,
  shardName,
  type PlannedShard,
  type ShardRef,
  type ShardSpec,
} from '../shard/plan.js';
import { prGate, type GateOutcome, type PrGateInput } from './gate.js';
import { measure, type MeasureInput } from './measure.js';

/** Stored runs read for durations: the newest that recorded each suite is enough. */
const DURATION_RUNS = 10;

export interface ShardPlanInput {
  config: Config;
  /** The history whose recorded durations balance the shards: the default branch's. */
  store: HistoryStore;
  branch: string;
  count: number;
  /** Labels of the shards of unpinned suites. */
  runsOn: readonly string[];
  /** How the user names the shard count, for errors: `--count`, `input shard-count`. */
  field: string;
}

/** The shards, balanced by the durations of the newest stored runs (evenly without any). */
export async function shardPlan(
  input: ShardPlanInput,
): Promise<{ shards: PlannedShard[]; warnings: string[] }> {
  const { entries, warnings } = await input.store.list(input.branch, { newest: DURATION_RUNS });
  const durations = recordedDurations(entries.map((e) => e.results));
  const suites = input.config.suites.map((suite) => ({
    name: suite.name,
    ...(suite.runsOn ? { runsOn: suite.runsOn } : {}),
    ...(durations.has(suite.name) ? { seconds: durations.get(suite.name) } : {}),
  }));
  const shards = planShards(suites, input.count, input.runsOn, input.field);
  return { shards, warnings };
}

/** The plan's entry for `ref`, or bad input when the plan has another number of shards. */
function plannedShard(shards: readonly PlannedShard[], ref: ShardRef, field: string): PlannedShard {
  const entry = shards.find((s) => s.shard === shardName(ref));
  if (shards.length !== ref.count || !entry) {
    throw new InputError(
      `shard ${shardName(ref)} is not in the plan, which has ${shards.length} shard(s) ` +
        '(there are fewer suites than shards): use the shard values perfgate shards printed',
      { field },
    );
  }
  return entry;
}

/**
 * The shard a job runs: the matrix entry it was given, once its suites are found in the config,
 * or else its entry in the plan computed again (`plan`).
 */
export async function shardOf(
  spec: ShardSpec,
  config: Config,
  plan: () => Promise<readonly PlannedShard[]>,
  field: string,
): Promise<PlannedShard> {
  if (!spec.planned) return plannedShard(await plan(), spec.ref, field);
  const known = new Set(config.suites.map((s) => s.name));
  const unknown = spec.planned.suites.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new InputError(
      `the matrix entry names suites the config lacks: ${unknown.join(', ')}; were the shards planned with another config?`,
      { field, file: config.file },
    );
  }
  return spec.planned;
}

/** What a shard job is and does: its place in the plan and what it measures. */
export interface ShardJob {
  ref: ShardRef;
  planned: PlannedShard;
  /** Where the artifact goes (the action's results-path, the CLI's --out). */
  file: string;
  env: NodeJS.ProcessEnv;
}

/**
 * The config a shard runs: its suites only, and fixed trials. Sequential trials stop on one
 * shard's family; the merge tests the whole family once, which stopping early would bias.
 */
export function shardConfig(config: Config, planned: PlannedShard): Config {
  const fixed = { ...selectSuites(config, planned.suites) };
  delete fixed.sequential;
  return fixed;
}

/**
 * Run `work` for a shard and write its artifact; on failure write the error instead, so the merge
 * names this shard's error, and rethrow so the job fails too.
 */
async function withArtifact(
  job: ShardJob,
  config: Config,
  work: () => Promise<Omit<ShardArtifact, 'schema' | 'shard' | 'suites' | 'runsOn'>>,
): Promise<ShardArtifact> {
  const frame = {
    schema: 'perfgate/shard@1' as const,
    shard: job.ref,
    suites: job.planned.suites,
    runsOn: job.planned['runs-on'],
  };
  let artifact: ShardArtifact;
  try {
    const done = await work();
    // One fingerprint for every shard: the whole config's, so the merge can tell they belong together.
    const hash = configHash(config);
    artifact = {
      ...frame,
      ...done,
      ...(done.head ? { head: { ...done.head, configHash: hash } } : {}),
      ...(done.base ? { base: { ...done.base, configHash: hash } } : {}),
    };
  } catch (error) {
    await writeShardArtifact(job.file, {
      ...frame,
      environment: hostEnvironment(job.env),
      baseline: 'none',
      context: [],
      error: {
        kind: error instanceof InputError ? 'input' : 'run',
        message: error instanceof Error ? error.message : String(error),
      },
    });
    throw error instanceof InputError || error instanceof RunError
      ? error
      : new RunError(`shard ${shardName(job.ref)}: ${String(error)}`);
  }
  await writeShardArtifact(job.file, artifact);
  return artifact;
}

/** A pull request's shard: the PR gate on this shard's suites, its sides kept for the merge. */
export async function gateShard(
  job: ShardJob,
  input: PrGateInput,
): Promise<{ artifact: ShardArtifact; outcome?: GateOutcome }> {
  let outcome: GateOutcome | undefined;
  const artifact = await withArtifact(job, input.config, async () => {
    outcome = await prGate({ ...input, config: shardConfig(input.config, job.planned) });
    const { comparison, base, results } = outcome;
    const baseline =
      !comparison || !base ? 'none' : comparison.unit === 'trial' ? 'interleaved' : 'history';
    return {
      environment: results.environment ?? hostEnvironment(job.env),
      baseline,
      baseLabel: outcome.baseLabel,
      context: [...outcome.warnings, ...outcome.context],
      head: results,
      ...(baseline === 'none' ? {} : { base }),
    };
  });
  return { artifact, ...(outcome ? { outcome } : {}) };
}

/** A push's shard: this shard's suites measured; the merge records them. */
export async function measureShard(job: ShardJob, input: MeasureInput): Promise<ShardArtifact> {
  return withArtifact(job, input.config, async () => {
    const { results, notes } = await measure({
      ...input,
      config: shardConfig(input.config, job.planned),
    });
    return {
      environment: results.environment ?? hostEnvironment(job.env),
      baseline: 'none',
      context: notes,
      head: results,
    };
  });
}
