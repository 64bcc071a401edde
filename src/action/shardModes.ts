/**
 * The action's sharded run (docs/scaling.md): mode `shards` plans the matrix, a `pr` or `record`
 * job with input `shard` measures its part and leaves an artifact, and mode `merge` judges all
 * shards as one family: one comment, one summary, one verdict, one history commit.
 */
import path from 'node:path';
import type { Config } from '../config/index.js';
import { InputError } from '../errors.js';
import type { PullRequest } from '../pipeline/pullRequest.js';
import { checkShardSet, findShardFiles, mergeShards, readShards } from '../pipeline/merge.js';
import { gateShard, measureShard, shardOf, shardPlan, type ShardJob } from '../pipeline/shards.js';
import { RUNS_ON } from '../pipeline/defaults.js';
import { recordedSummary, shardJobSummary, shardPlanSummary } from '../report/summary.js';
import type { Results } from '../results/schema.js';
import type { ShardArtifact } from '../results/shard.js';
import { shardName, type ShardSpec } from '../shard/plan.js';
import { INPUT } from './inputs.js';
import {
  actionProgress,
  defaultBranch,
  loadActionConfig,
  optionalActionConfig,
  pullRequestGate,
  pullRequestResult,
  recordIfTrusted,
} from './shared.js';
import { driftAfter } from './drift.js';
import type { ActionEnv, ModeResult } from './types.js';

/** Where the merge finds the artifacts by default: actions/download-artifact's folder in the examples. */
const DEFAULT_RESULTS = ['perfgate-shards'];

/** The plan, read from the default branch's history by the shards job and every shard job alike. */
async function planFor(action: ActionEnv, config: Config, count: number, field: string) {
  return shardPlan({
    config,
    store: action.store,
    branch: defaultBranch(action),
    count,
    runsOn: action.inputs.runsOn ?? RUNS_ON,
    field,
  });
}

/** Mode shards: the matrix as output `matrix`, for `strategy.matrix: ${{ fromJSON(...) }}`. */
export async function shards(action: ActionEnv): Promise<ModeResult> {
  const field = `input ${INPUT.shardCount}`;
  const count = action.inputs.shardCount;
  if (count === undefined) throw new InputError('mode shards needs it: how many shards', { field });
  const config = await loadActionConfig(action);
  const { shards: planned, warnings } = await planFor(action, config, count, field);
  return {
    verdict: 'planned',
    markdown: shardPlanSummary(action.inputs.name, planned),
    failures: [],
    notes: warnings,
    outputs: { matrix: JSON.stringify({ include: planned }) },
  };
}

async function shardJob(action: ActionEnv, config: Config, spec: ShardSpec): Promise<ShardJob> {
  const field = `input ${INPUT.shard}`;
  const plan = async () => (await planFor(action, config, spec.ref.count, field)).shards;
  return {
    ref: spec.ref,
    planned: await shardOf(spec, config, plan, field),
    file: path.resolve(action.workspace, action.inputs.resultsPath),
    env: action.env,
  };
}

/** A shard job's own report: what it measured; the verdict is the merge's. */
function shardReport(action: ActionEnv, artifact: ShardArtifact, file: string): ModeResult {
  const markdown = shardJobSummary(action.inputs.name, {
    shard: shardName(artifact.shard),
    suites: artifact.suites,
    baseline: artifact.baseline,
    head: artifact.head as Results,
  });
  return { verdict: 'sharded', markdown, resultsFile: file, failures: [], notes: artifact.context };
}

/** pr mode with input shard: the PR gate on this shard's suites, kept for the merge, no comment. */
export async function gateShardJob(
  action: ActionEnv,
  config: Config,
  pull: PullRequest,
  spec: ShardSpec,
): Promise<ModeResult> {
  const job = await shardJob(action, config, spec);
  const { artifact } = await gateShard(job, pullRequestGate(action, config, pull));
  return shardReport(action, artifact, job.file);
}

/** record mode with input shard: this shard's suites measured; the merge records them. */
export async function measureShardJob(
  action: ActionEnv,
  config: Config,
  spec: ShardSpec,
): Promise<ModeResult> {
  const job = await shardJob(action, config, spec);
  const artifact = await measureShard(job, {
    config,
    env: action.env,
    progress: actionProgress(),
    revision: { commit: action.context.sha, ref: action.context.ref },
  });
  return shardReport(action, artifact, job.file);
}

/**
 * Mode merge: every shard's artifact checked as a set, then on a pull request judged as one
 * family and commented once; on a push recorded, one result per shard, in one commit; on a
 * schedule recorded so, then searched for drift as mode nightly does.
 */
export async function merge(action: ActionEnv): Promise<ModeResult> {
  const config = await optionalActionConfig(action);
  const files = await findShardFiles(
    action.inputs.results ?? DEFAULT_RESULTS,
    action.workspace,
    `input ${INPUT.results}`,
  );
  const loaded = await readShards(files);
  checkShardSet(loaded, config);
  const pull = action.context.pullRequest;
  if (!pull)
    return recordShards(
      action,
      config,
      loaded.map((s) => s.artifact),
    );
  // Every shard's head goes into one results file: what a fork's commenter (mode report) reads.
  return pullRequestResult(action, mergeShards(loaded, config, action.inputs.policy), pull);
}

async function recordShards(
  action: ActionEnv,
  config: Config | undefined,
  artifacts: readonly ShardArtifact[],
): Promise<ModeResult> {
  const ordered = [...artifacts].sort((a, b) => a.shard.index - b.shard.index);
  const heads = ordered.map((a) => a.head as Results);
  const stored = await recordIfTrusted(action, heads);
  const drift =
    action.context.eventName === 'schedule' ? await driftAfter(action, config, heads) : undefined;
  const recorded = recordedSummary(action.inputs.name, {
    ...stored,
    results: heads,
    shards: ordered.map((a) => shardName(a.shard)),
  });
  const markdown = [...(drift ? [drift.markdown] : []), recorded].join('\n');
  return {
    verdict: drift?.drifts.length ? 'drift' : stored.stored ? 'recorded' : 'unchanged',
    markdown,
    failures: [],
    notes: [...(drift?.notes ?? []), ...(stored.note ? [stored.note] : [])],
  };
}
