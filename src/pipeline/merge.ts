/**
 * Sharded runs, the merge side (docs/scaling.md): the shards' artifacts read, checked as a set
 * (every shard once, none failed, the config's suites each in one shard), and judged as ONE
 * family: both sides' raw trials of every shard are put together and compared once, so the
 * multiple-comparison adjustment runs across all metrics of all shards. A p-value that would pass
 * in a shard of 3 metrics but not in a family of 30 is not flagged.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { compareResults } from '../compare/compare.js';
import { environmentDifference, environmentLabel } from '../compare/environment.js';
import type { ComparePolicy } from '../compare/policy.js';
import { runMedians } from '../compare/runLevel.js';
import type { Config } from '../config/index.js';
import { InputError, RunError } from '../errors.js';
import { jsonFilesIn } from '../files.js';
import { RESULTS_SCHEMA, type Environment, type Results } from '../results/schema.js';
import { readShardArtifact, type ShardArtifact } from '../results/shard.js';
import { shardName } from '../shard/plan.js';
import { plural } from '../text.js';
import type { GateOutcome } from './gate.js';
import { policyIn } from './options.js';

export interface LoadedShard {
  file: string;
  artifact: ShardArtifact;
}

/** Each spec a shard artifact or a folder of them (download-artifact's layout), `*.json` below it. */
export async function findShardFiles(
  specs: readonly string[],
  cwd: string,
  field: string,
): Promise<string[]> {
  const files: string[] = [];
  for (const spec of specs) {
    const resolved = path.resolve(cwd, spec);
    const kind = await stat(resolved).catch(() => undefined);
    if (!kind) throw new InputError(`${spec} does not exist`, { field });
    if (!kind.isDirectory()) {
      files.push(resolved);
      continue;
    }
    // Links are not followed into folders: a link to / or a loop would walk or repeat forever.
    files.push(...(await jsonFilesIn(resolved)).map((name) => path.join(resolved, name)));
  }
  if (files.length === 0) {
    throw new InputError(`no shard artifacts (*.json) in ${specs.join(', ') || 'nothing'}`, {
      field,
    });
  }
  return files;
}

/**
 * Artifacts of a fork's pull request come from the fork's code: untrusted data, bounded before
 * parsing (a shard of 300 suites of 12 metrics × 10 trials is 3.3 MB).
 */
const MAX_ARTIFACT_BYTES = 64 * 1024 * 1024;

export async function readShards(files: readonly string[]): Promise<LoadedShard[]> {
  const shards: LoadedShard[] = [];
  for (const file of files) {
    const { size } = await stat(file);
    if (size > MAX_ARTIFACT_BYTES) {
      throw new InputError(
        `is ${size} bytes; shard artifacts above ${MAX_ARTIFACT_BYTES} are refused`,
        {
          file,
        },
      );
    }
    shards.push({ file, artifact: await readShardArtifact(file) });
  }
  return shards;
}

const named = (shard: LoadedShard) => `shard ${shardName(shard.artifact.shard)}`;

/**
 * Refuse a set the merge cannot judge, naming the shard: counts that disagree, a shard twice, a
 * failed shard (with its error; a failed run fails the merge as a run failure, exit 3), a shard
 * missing, a suite in two shards or in none. Never a silent pass on part of the suites.
 */
export function checkShardSet(shards: readonly LoadedShard[], config?: Config): void {
  const counts = new Set(shards.map((s) => s.artifact.shard.count));
  if (counts.size > 1) {
    const listed = shards.map((s) => `${s.file}: ${named(s)}`).join(', ');
    throw new InputError(`the artifacts come from plans of different sizes (${listed})`);
  }
  const count = shards[0]?.artifact.shard.count ?? 0;
  const byIndex = new Map<number, LoadedShard>();
  for (const shard of shards) {
    const seen = byIndex.get(shard.artifact.shard.index);
    if (seen) {
      throw new InputError(
        `${named(shard)} reported twice (${seen.file} and ${shard.file}): download each shard's artifact once`,
      );
    }
    byIndex.set(shard.artifact.shard.index, shard);
  }
  const failed = shards.filter((s) => s.artifact.error);
  if (failed.length > 0) {
    const messages = failed.map((s) => `${named(s)} failed: ${s.artifact.error?.message}`);
    const anyRun = failed.some((s) => s.artifact.error?.kind === 'run');
    throw anyRun ? new RunError(messages.join('; ')) : new InputError(messages.join('; '));
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    const names = missing.map((index) => `shard ${shardName({ index, count })}`).join(', ');
    throw new InputError(
      `${names} did not report: no artifact among the ${plural(shards.length, 'file')} given; ` +
        'did its job fail before uploading?',
    );
  }
  checkSuites(shards, config);
}

function checkSuites(shards: readonly LoadedShard[], config: Config | undefined): void {
  const owner = new Map<string, LoadedShard>();
  for (const shard of shards) {
    for (const suite of shard.artifact.suites) {
      const first = owner.get(suite);
      if (first) {
        throw new InputError(
          `suite '${suite}' ran in ${named(first)} and ${named(shard)}: the shards planned differently ` +
            '(did the stored durations change between the jobs?); rerun the workflow',
        );
      }
      owner.set(suite, shard);
    }
  }
  // Results may hold only the shard's own suites: a copy of another shard's would be dropped
  // silently by the merge, whichever copy it kept.
  for (const shard of shards) {
    const carried = [shard.artifact.head, shard.artifact.base].flatMap((side) =>
      (side?.suites ?? []).map((s) => s.name),
    );
    const foreign = carried.find((name) => owner.get(name) !== shard);
    if (foreign !== undefined) {
      const other = owner.get(foreign);
      throw new InputError(
        `${named(shard)} (${shard.file}) carries results of suite '${foreign}', which ` +
          `${other ? `${named(other)} (${other.file}) ran` : 'no shard planned'}: an artifact holds only its own suites`,
      );
    }
  }
  const unplanned = (config?.suites ?? []).filter((s) => !owner.has(s.name)).map((s) => s.name);
  if (unplanned.length > 0) {
    throw new InputError(
      `no shard ran ${unplanned.map((n) => `'${n}'`).join(', ')}: the shards planned differently ` +
        'or with another config; rerun the workflow',
      { ...(config ? { file: config.file } : {}) },
    );
  }
  const hashes = new Set(shards.map((s) => s.artifact.head?.configHash));
  if (hashes.size > 1) {
    throw new InputError('the shards ran different configs (their config hashes differ)');
  }
}

/** One side of every shard as one results file: the suites are disjoint, so nothing is pooled. */
function mergedSide(sides: readonly Results[], environment: Environment | undefined): Results {
  const [first] = sides as [Results];
  const createdAt = sides
    .map((s) => s.createdAt)
    .sort()
    .at(-1) as string;
  return {
    schema: RESULTS_SCHEMA,
    createdAt,
    ...(first.commit ? { commit: first.commit } : {}),
    ...(first.ref ? { ref: first.ref } : {}),
    ...(first.configHash ? { configHash: first.configHash } : {}),
    ...(environment ? { environment } : {}),
    suites: sides.flatMap((s) => s.suites),
  };
}

/** Shards by kind of machine, in shard order; one entry when all ran on one kind. */
export function machineGroups(shards: readonly LoadedShard[]): LoadedShard[][] {
  const groups: LoadedShard[][] = [];
  for (const shard of shards) {
    const env = shard.artifact.environment;
    const group = groups.find((g) => !environmentDifference(g[0]?.artifact.environment, env));
    if (group) group.push(shard);
    else groups.push([shard]);
  }
  return groups;
}

/** Which metrics come from which machine, when the shards ran on more than one kind. */
function machineNote(groups: readonly LoadedShard[][]): string[] {
  if (groups.length < 2) return [];
  const parts = groups.map((group) => {
    const shards = group.map((s) => shardName(s.artifact.shard)).join(', ');
    const suites = group.flatMap((s) => s.artifact.suites).join(', ');
    return `${environmentLabel(group[0]?.artifact.environment)}: shard(s) ${shards}, suites ${suites}`;
  });
  return [
    `the shards ran on ${groups.length} kinds of machine; each suite's base and head ran on the same one, ` +
      `but compare numbers only within a machine: ${parts.join('; ')}`,
  ];
}

/**
 * The shards judged as one family: every shard's base and head trials, one comparison, one
 * adjustment. The shards must share a baseline kind: trials measured beside the head and stored
 * run medians are different units and cannot be tested as one family.
 */
export function mergeShards(
  shards: readonly LoadedShard[],
  config: Config | undefined,
  overrides: Partial<ComparePolicy>,
): GateOutcome {
  const ordered = [...shards].sort((a, b) => a.artifact.shard.index - b.artifact.shard.index);
  const groups = machineGroups(ordered);
  const environment = groups.length === 1 ? ordered[0]?.artifact.environment : undefined;
  const heads = ordered.map((s) => s.artifact.head as Results);
  const results = mergedSide(heads, environment);
  const context = [
    ...machineNote(groups),
    ...ordered.flatMap((s) => s.artifact.context.map((line) => `${named(s)}: ${line}`)),
  ];
  const compared = ordered.filter((s) => s.artifact.base);
  const kinds = new Set(compared.map((s) => s.artifact.baseline));
  if (kinds.size > 1) {
    const listed = compared.map((s) => `${named(s)}: ${s.artifact.baseline}`).join(', ');
    throw new InputError(
      `the shards compared with different baselines (${listed}); give every shard the same baseline input`,
    );
  }
  if (compared.length === 0) {
    return { results, baseLabel: 'no baseline', context, warnings: [] };
  }
  const base = mergedSide(
    compared.map((s) => s.artifact.base as Results),
    environment,
  );
  const unit = kinds.has('history') ? 'run' : 'trial';
  // Against stored runs the head is one run, its medians, as a history gate compares it (gate.ts).
  const head = unit === 'run' ? runMedians([results], 'this run') : results;
  const comparison = compareResults(base, head, policyIn(config, overrides), unit);
  const labels = new Set(compared.map((s) => s.artifact.baseLabel));
  const baseLabel =
    labels.size === 1 && compared[0]?.artifact.baseLabel
      ? compared[0].artifact.baseLabel
      : `${unit === 'trial' ? 'the base revision, measured beside the head in each shard' : 'the stored runs of each shard'}`;
  const uncompared = ordered.filter((s) => !s.artifact.base).map(named);
  const without = uncompared.length
    ? [`no baseline in ${uncompared.join(', ')}: those suites are shown, not judged`]
    : [];
  return {
    results,
    comparison,
    base,
    baseLabel: `${baseLabel} (${plural(ordered.length, 'shard')}, judged as one family)`,
    ...(environment ? { baseEnvironment: environment } : {}),
    context: [...without, ...context],
    warnings: [],
  };
}
