/**
 * Pooling several results into one side (several BMF trials, several nightly baselines).
 * Pure: the history store pools what it reads with the same function.
 */
import { isDeepStrictEqual } from 'node:util';
import { InputError } from '../errors.js';
import type { Environment, Metric, Results, SuiteResult } from './schema.js';
import { suiteLabel } from './variant.js';

interface PooledSuite {
  base: Omit<SuiteResult, 'metrics' | 'notes'>;
  notes: string[];
  /** Indexes of the results this suite appears in, and of those each metric appears in. */
  seenIn: Set<number>;
  metrics: Map<string, { metric: Metric; seenIn: Set<number> }>;
}

/**
 * Pool several results into one: samples are concatenated per suite + variant + metric, in the
 * order of `results`. A metric's unit, direction and target must agree across results. Suites
 * or metrics missing from some results get fewer samples (no values are invented) and a note.
 * `createdAt` is the newest; commit, ref, configHash, environment and source are kept only when
 * every result agrees. `label` names the pooled inputs in errors and notes. Pure.
 */
export function poolResults(results: readonly Results[], label: string): Results {
  const newest = results.reduce<Results | undefined>(
    (best, result) =>
      best && Date.parse(best.createdAt) >= Date.parse(result.createdAt) ? best : result,
    undefined,
  );
  if (!newest) throw new InputError('no results to pool', { file: label });

  const suites = new Map<string, PooledSuite>();
  results.forEach((result, index) => {
    for (const suite of result.suites) addSuite(suites, suite, index, label);
  });

  const pooled: Results = {
    schema: newest.schema,
    createdAt: newest.createdAt,
    suites: [...suites.values()].map((entry) => finishSuite(entry, results.length, label)),
  };
  for (const key of ['commit', 'ref', 'configHash', 'source'] as const) {
    const first = results[0]?.[key];
    if (first !== undefined && results.every((r) => isDeepStrictEqual(r[key], first))) {
      Object.assign(pooled, { [key]: first });
    }
  }
  const environment = pooledEnvironment(results);
  return environment ? { ...pooled, environment } : pooled;
}

/**
 * The machine every result ran on, when they agree on it. The runner's warnings vary from run to
 * run on one machine (a busy moment, a neighbour on the GPU): they are kept only where every
 * result has the same, and never make the machines differ.
 */
function pooledEnvironment(results: readonly Results[]): Environment | undefined {
  const machine = (r: Results): Environment | undefined => {
    if (!r.environment) return undefined;
    const copy = { ...r.environment };
    delete copy.runnerWarnings;
    return copy;
  };
  const first = results[0];
  const firstMachine = first && machine(first);
  if (!firstMachine || !results.every((r) => isDeepStrictEqual(machine(r), firstMachine))) {
    return undefined;
  }
  const warnings = first.environment?.runnerWarnings;
  const shared = results.every((r) => isDeepStrictEqual(r.environment?.runnerWarnings, warnings));
  return shared && warnings ? { ...firstMachine, runnerWarnings: warnings } : firstMachine;
}

function addSuite(
  suites: Map<string, PooledSuite>,
  suite: SuiteResult,
  index: number,
  label: string,
): void {
  const { metrics, notes = [], ...base } = suite;
  const key = JSON.stringify([suite.name, suite.variant ?? null]);
  const entry: PooledSuite = suites.get(key) ?? {
    base,
    notes: [],
    seenIn: new Set(),
    metrics: new Map(),
  };
  suites.set(key, entry);
  entry.seenIn.add(index);
  entry.notes.push(...notes.filter((note) => !entry.notes.includes(note)));
  for (const metric of metrics) {
    const pooled = entry.metrics.get(metric.name);
    if (!pooled) {
      entry.metrics.set(metric.name, {
        metric: { ...metric, samples: [...metric.samples] },
        seenIn: new Set([index]),
      });
      continue;
    }
    const clash = (['unit', 'direction', 'target'] as const).find(
      (field) => pooled.metric[field] !== metric[field],
    );
    if (clash) {
      const [was, is] = [pooled.metric[clash], metric[clash]].map((v) => JSON.stringify(v ?? null));
      throw new InputError(
        `${clash} differs between the pooled results (${was} vs ${is}); they must agree`,
        { file: label, field: `${suiteLabel(suite.name, suite.variant)}: ${metric.name}` },
      );
    }
    pooled.metric.samples.push(...metric.samples);
    pooled.seenIn.add(index);
  }
}

function finishSuite(entry: PooledSuite, total: number, label: string): SuiteResult {
  const missing = (seen: number, of: number) =>
    `missing from ${of - seen} of ${of} results in ${label}, so it has fewer samples`;
  const notes = [...entry.notes];
  if (entry.seenIn.size < total) notes.push(`suite ${missing(entry.seenIn.size, total)}`);
  for (const { metric, seenIn } of entry.metrics.values()) {
    if (seenIn.size < entry.seenIn.size) {
      notes.push(`"${metric.name}" is ${missing(seenIn.size, entry.seenIn.size)}`);
    }
  }
  return {
    ...entry.base,
    metrics: [...entry.metrics.values()].map(({ metric }) => metric),
    ...(notes.length ? { notes } : {}),
  };
}
