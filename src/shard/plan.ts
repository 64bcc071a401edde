/**
 * Which suites each shard of a GitHub Actions matrix runs (`perfgate shards`, `--shard K/N`). Pure:
 * suites with their runner labels and recorded durations in, shards out, the same answer for the
 * same input, so the shards job and every shard job agree on the plan.
 *
 * Suites pinned to runner labels form a group per label set; each group gets at least one shard
 * and further shards go to the group whose shards carry the most time each. Within a group,
 * longest-processing-time first places each suite on the least loaded shard; a pass of swaps
 * between the heaviest and the lightest shard then evens out what greedy placement leaves (LPT
 * puts 60, 50, 40, 30, 20 s as 110 and 90; one swap makes it 100 and 100).
 */
import { z } from 'zod';
import { InputError } from '../errors.js';
import type { Results } from '../results/schema.js';
import { MAX_SHARDS } from '../results/shard.js';

/** Shard `index` of `count`, both counted from 1, as `--shard K/N` names it. */
export interface ShardRef {
  index: number;
  count: number;
}

export const shardName = (shard: ShardRef): string => `${shard.index}/${shard.count}`;

/** `K/N` with 1 ≤ K ≤ N; anything else is bad input naming `field`. */
export function parseShard(text: string, field: string): ShardRef {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const [index, count] = [Number(match?.[1]), Number(match?.[2])];
  if (!match || index < 1 || index > count || count > MAX_SHARDS) {
    throw new InputError(`expected K/N with 1 ≤ K ≤ N ≤ ${MAX_SHARDS} (e.g. 2/3), got '${text}'`, {
      field,
    });
  }
  return { index, count };
}

/**
 * A shard job's place: `K/N`, whose suites the job plans again from the history, or the matrix
 * entry `perfgate shards` printed (`${{ toJSON(matrix) }}`), whose suites it runs as planned, so
 * that a record landing between the shards job and this one cannot move a suite.
 */
export interface ShardSpec {
  ref: ShardRef;
  planned?: PlannedShard;
}

const PlannedShardSchema = z.object({
  shard: z.string(),
  'runs-on': z.array(z.string()),
  // A suite listed twice would run twice and make its merge fail: refused here, at the shard.
  suites: z
    .array(z.string())
    .min(1)
    .refine((suites) => new Set(suites).size === suites.length, {
      message: 'lists a suite more than once',
    }),
  seconds: z.number().nonnegative(),
});

/** `K/N`, or a matrix entry as JSON; anything else is bad input naming `field`. */
export function parseShardSpec(text: string, field: string): ShardSpec {
  if (!text.trim().startsWith('{')) return { ref: parseShard(text, field) };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError(
      `expected K/N or a matrix entry of perfgate shards as JSON, got '${text}'`,
      {
        field,
      },
    );
  }
  const entry = PlannedShardSchema.safeParse(value);
  if (!entry.success) {
    const issue = entry.error.issues[0];
    throw new InputError(
      `a matrix entry needs shard, runs-on, suites (at least one) and seconds, as perfgate shards prints them: ` +
        `${issue?.path.join('.') || 'the entry'}: ${issue?.message}`,
      { field },
    );
  }
  return { ref: parseShard(entry.data.shard, field), planned: entry.data };
}

export interface SuiteToPlace {
  name: string;
  /** Runner labels it is pinned to; the default labels when absent. */
  runsOn?: readonly string[];
  /** Recorded wall time; suites without one count as the mean of those with one. */
  seconds?: number;
}

export interface PlannedShard {
  /** `K/N`, the value of `--shard` and of input `shard`. */
  shard: string;
  'runs-on': string[];
  suites: string[];
  /** Expected wall time from the recorded durations (estimates count as recorded). */
  seconds: number;
}

interface Group {
  runsOn: string[];
  suites: { name: string; seconds: number }[];
  shards: number;
}

/**
 * `count` shards (fewer when there are fewer suites: a shard never runs nothing). Refuses a count
 * below the number of label groups, naming `field`, since a pinned suite cannot run elsewhere.
 */
export function planShards(
  suites: readonly SuiteToPlace[],
  count: number,
  defaultRunsOn: readonly string[],
  field: string,
): PlannedShard[] {
  const groups = labelGroups(suites, defaultRunsOn);
  if (count < groups.length) {
    const sets = groups.map((g) => `[${g.runsOn.join(', ')}]`).join(', ');
    throw new InputError(
      `${count} shard(s) cannot cover ${groups.length} runner label sets (${sets}): each needs a shard of its own`,
      { field },
    );
  }
  allocate(groups, Math.min(count, suites.length));
  const loads = groups.flatMap((group) =>
    balance(group.suites, group.shards).map((load) => ({ runsOn: group.runsOn, ...load })),
  );
  return loads.map((load, i) => ({
    shard: shardName({ index: i + 1, count: loads.length }),
    'runs-on': load.runsOn,
    suites: load.suites.map((s) => s.name),
    seconds: round(load.seconds),
  }));
}

/** Suites by label set, in the order of first appearance, durations filled in. */
function labelGroups(suites: readonly SuiteToPlace[], defaultRunsOn: readonly string[]): Group[] {
  const known = suites.flatMap((s) => (s.seconds === undefined ? [] : [s.seconds]));
  const fallback = known.length > 0 ? known.reduce((a, b) => a + b, 0) / known.length : 1;
  const groups = new Map<string, Group>();
  for (const suite of suites) {
    const runsOn = [...(suite.runsOn ?? defaultRunsOn)];
    // A label set is a set: [gpu, self-hosted] and [self-hosted, gpu] pick the same runners.
    // Unpinned suites group apart from pinned ones whatever the default labels, so a shard job
    // plans the same shards as the shards job without being told those labels.
    const key = suite.runsOn ? JSON.stringify([...runsOn].sort()) : 'unpinned';
    const group = groups.get(key) ?? { runsOn, suites: [], shards: 0 };
    groups.set(key, group);
    group.suites.push({ name: suite.name, seconds: suite.seconds ?? fallback });
  }
  return [...groups.values()];
}

const total = (suites: readonly { seconds: number }[]) => suites.reduce((a, s) => a + s.seconds, 0);

/** One shard per group, then each further shard to the group with the most time per shard. */
function allocate(groups: Group[], count: number): void {
  for (const group of groups) group.shards = 1;
  for (let left = count - groups.length; left > 0; left--) {
    const open = groups.filter((g) => g.shards < g.suites.length);
    const busiest = open.sort((a, b) => total(b.suites) / b.shards - total(a.suites) / a.shards)[0];
    if (!busiest) return;
    busiest.shards++;
  }
}

interface Load {
  suites: { name: string; seconds: number }[];
  seconds: number;
}

/** Longest first onto the least loaded shard, then swaps between the extremes while they help. */
export function balance(
  suites: readonly { name: string; seconds: number }[],
  shards: number,
): Load[] {
  const loads: Load[] = Array.from({ length: shards }, () => ({ suites: [], seconds: 0 }));
  const longestFirst = [...suites].sort(
    (a, b) => b.seconds - a.seconds || (a.name < b.name ? -1 : 1),
  );
  for (const suite of longestFirst) {
    const lightest = loads.reduce((min, load) => (load.seconds < min.seconds ? load : min));
    lightest.suites.push(suite);
    lightest.seconds += suite.seconds;
  }
  // Each swap strictly narrows the gap between the heaviest and lightest shard, so this ends.
  for (let pass = 0; pass < suites.length * suites.length && improve(loads); pass++);
  return loads;
}

/** The move or swap between the heaviest and the lightest shard that narrows their gap most. */
function improve(loads: Load[]): boolean {
  const heavy = loads.reduce((max, load) => (load.seconds > max.seconds ? load : max));
  const light = loads.reduce((min, load) => (load.seconds < min.seconds ? load : min));
  const gap = heavy.seconds - light.seconds;
  let best: { from: number; to: number; gap: number } | undefined;
  const candidates = [{ seconds: 0, name: '' }, ...light.suites];
  heavy.suites.forEach((a, from) =>
    candidates.forEach((b, at) => {
      const moved = a.seconds - b.seconds;
      const after = Math.abs(gap - 2 * moved);
      if (moved > 0 && after < gap - 1e-9 && after < (best?.gap ?? Infinity))
        best = { from, to: at - 1, gap: after };
    }),
  );
  if (!best) return false;
  const [a] = heavy.suites.splice(best.from, 1) as [Load['suites'][number]];
  const b = best.to >= 0 ? light.suites.splice(best.to, 1) : [];
  heavy.suites.push(...b);
  light.suites.push(a);
  heavy.seconds = total(heavy.suites);
  light.seconds = total(light.suites);
  return true;
}

const round = (seconds: number) => Math.round(seconds * 10) / 10;

/**
 * Each suite's wall time in the newest stored run that recorded it (all its variants together),
 * from runs given newest first: what the shards are balanced by.
 */
export function recordedDurations(runs: readonly Results[]): Map<string, number> {
  const durations = new Map<string, number>();
  for (const run of runs) {
    const inRun = new Map<string, number>();
    for (const suite of run.suites) {
      if (suite.seconds === undefined || durations.has(suite.name)) continue;
      inRun.set(suite.name, (inRun.get(suite.name) ?? 0) + suite.seconds);
    }
    for (const [name, seconds] of inRun) durations.set(name, seconds);
  }
  return durations;
}
