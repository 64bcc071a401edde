/**
 * One trial of one suite: its collectors started, the load or command run while racing the
 * service (a service that dies mid-trial fails the trial with its log tail), the collectors
 * stopped, and the metrics gathered. Also the warm-up before a suite's first trial. runner.ts
 * decides the order; this file runs one slot of it.
 */
import { attachCollector } from '../collect/index.js';
import type { Collector, CollectorOutput, TrialMetric } from '../collect/types.js';
import type { Config, Suite, Variant } from '../config/index.js';
import type { Environment } from '../results/schema.js';
import { perRequestCosts } from './perRequest.js';
import type { Progress } from './progress.js';
import type { RunningService } from './service.js';
import { kindOf } from './suites/index.js';

/** What a trial needs from its run: where progress goes, and the environment of what it starts. */
export interface TrialContext {
  progress: Progress;
  env: NodeJS.ProcessEnv;
}

export interface TrialOutcome {
  metrics: TrialMetric[];
  notes: string[];
  environment?: Partial<Environment>;
}

/** Load before measuring, so JIT, caches and pools are warm; its numbers are discarded. */
export async function warmUp(
  context: TrialContext,
  suite: Suite,
  variant: Variant,
  service: RunningService | undefined,
): Promise<void> {
  if (suite.warmupSeconds <= 0) return;
  const run = { ...context, variant, trial: 0 };
  await raceService((signal) => kindOf(suite).warmUp(suite, run, signal), service);
}

/**
 * A trial races the service: if the service exits mid-trial the load is aborted and the run fails
 * with the service's log tail, instead of measuring connection errors.
 */
async function raceService<T>(
  work: (signal: AbortSignal) => Promise<T>,
  service: RunningService | undefined,
): Promise<T> {
  const controller = new AbortController();
  const running = work(controller.signal);
  if (!service) return running;
  try {
    return await Promise.race([running, service.exited]);
  } catch (error) {
    controller.abort(error);
    // Let the aborted work settle so nothing keeps loading a dead port.
    await running.catch(() => undefined);
    throw error;
  }
}

/** The suite's collectors that are configured, attached to this trial; notes for those that cannot be. */
function makeCollectors(
  context: Pick<TrialContext, 'env'>,
  config: Config,
  suite: Suite,
  variant: Variant,
  service: RunningService | undefined,
): { collectors: Collector[]; notes: string[] } {
  const command = kindOf(suite).processEnv?.(suite, { variant, env: context.env });
  const workloadEnvs = [service?.env, command].filter((env) => env !== undefined);
  const trial = {
    env: context.env,
    // With nothing started (an http suite against a running baseUrl), perfgate's own.
    workloadEnvs: workloadEnvs.length > 0 ? workloadEnvs : [context.env],
    ownPid: process.pid,
    ...(service ? { servicePid: service.pid } : {}),
  };
  const attached = suite.collectors.flatMap((name) => {
    const section = config.collectors[name];
    return section === undefined ? [] : [attachCollector(name, section, trial)];
  });
  return {
    collectors: attached.filter((c): c is Collector => !('note' in c)),
    notes: attached.flatMap((c) => ('note' in c ? [c.note] : [])),
  };
}

export async function runTrial(
  context: TrialContext,
  config: Config,
  suite: Suite,
  variant: Variant,
  trial: number,
  service: RunningService | undefined,
): Promise<TrialOutcome> {
  const { collectors: made, notes } = makeCollectors(context, config, suite, variant, service);
  const collectors = await startAll(made);
  let measured: { metrics: TrialMetric[]; notes: string[] };
  try {
    const run = { ...context, variant, trial };
    measured = await raceService((signal) => kindOf(suite).measure(suite, run, signal), service);
  } catch (error) {
    // The trial's own failure (e.g. the service died) is the news, not a collector that then
    // could not scrape the dead service: stop them all, keep the first error.
    await Promise.allSettled(collectors.map((c) => c.stop()));
    throw error;
  }
  // Stop sampling, so no nvidia-smi or timer outlives the trial.
  const outputs: CollectorOutput[] = await Promise.all(collectors.map((c) => c.stop()));
  await service?.assertAlive();
  const environment = outputs.reduce<Partial<Environment>>(
    (env, o) => ({ ...env, ...o.environment }),
    {},
  );
  const metrics = [...measured.metrics, ...outputs.flatMap((o) => o.metrics)];
  return {
    metrics: perRequestCosts(metrics),
    notes: [...notes, ...measured.notes, ...outputs.flatMap((o) => o.notes)],
    environment,
  };
}

/** Start every collector; if one fails, stop those that started before reporting it. */
async function startAll(collectors: Collector[]): Promise<Collector[]> {
  const started = await Promise.allSettled(collectors.map((c) => c.start()));
  const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) {
    await Promise.allSettled(
      collectors.filter((_, i) => started[i]?.status === 'fulfilled').map((c) => c.stop()),
    );
    throw failure.reason;
  }
  return collectors;
}

export function trialSummary(metrics: readonly TrialMetric[]): string {
  const pick = (name: string) => metrics.find((m) => m.name === name);
  const rps = pick('requests_per_second');
  const p95 = pick('latency_p95');
  const parts = [
    ...(rps ? [`${Math.round(rps.value).toLocaleString('en-US')} req/s`] : []),
    ...(p95 ? [`p95 ${p95.value.toFixed(2)} ms`] : []),
  ];
  return parts.length > 0 ? parts.join(', ') : `${metrics.length} metrics`;
}
