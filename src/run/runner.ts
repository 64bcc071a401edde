/**
 * `perfgate run`: a config in, results out. Starts the service per variant, warms up, runs each
 * suite's trials in the interleaved order of plan.ts with its collectors sampling only the
 * measured window, and gathers one sample per trial per metric. A service that dies or stops
 * answering fails the whole run (RunError, exit 3): no partial results leave this function.
 */
import { collectors as registry } from '../collect/index.js';
import {
  configHash,
  serviceLogFile,
  type Config,
  type HttpSuite,
  type Suite,
  type Variant,
} from '../config/index.js';
import { RESULTS_SCHEMA, type Environment, type Results } from '../results/schema.js';
import { runCommandTrial } from './command.js';
import { hostEnvironment } from './environment.js';
import { runHttpTrial, type HttpLoadOptions } from './http.js';
import { planTrials } from './plan.js';
import type { Progress } from './progress.js';
import { missingRequirements } from './requires.js';
import { startService, type RunningService } from './service.js';
import { TrialAccumulator } from './accumulate.js';
import type { Collector, CollectorOutput, TrialMetric } from './types.js';

export interface RunContext {
  config: Config;
  env: NodeJS.ProcessEnv;
  progress: Progress;
  /** Commit and ref the results describe (from git or the CI environment). */
  commit?: string;
  ref?: string;
  now?: () => Date;
}

interface TrialOutcome {
  metrics: TrialMetric[];
  notes: string[];
  environment?: Partial<Environment>;
}

export async function runBenchmarks(context: RunContext): Promise<Results> {
  const { config, progress } = context;
  const skipped = await skipNotes(config.suites, context.env);
  const runnable = config.suites.filter((suite) => !skipped.has(suite.name));
  for (const [suite, note] of skipped) progress.note(`${suite}: skipped, ${note}`);

  const accumulator = new TrialAccumulator();
  const gpus: Environment['gpus'] = [];
  let service: { variant: string; running: RunningService } | undefined;
  const warm = new Set<string>();
  try {
    for (const step of runnable.length > 0 ? planTrials(runnable, config.variants) : []) {
      progress.section(`round ${step.round}: variant ${step.variant.name}`);
      if (
        config.service &&
        (service?.variant !== step.variant.name || config.service.restartPerTrial)
      ) {
        await service?.running.stop();
        service = undefined;
        warm.clear();
        service = {
          variant: step.variant.name,
          running: await startVariantService(config, step.variant),
        };
      }
      for (const suite of step.suites) {
        const warmKey = `${step.variant.name}\u0000${suite.name}`;
        if (!warm.has(warmKey)) {
          await warmUp(suite, step.variant, service?.running);
          warm.add(warmKey);
        }
        const label = {
          suite: suite.name,
          variant: step.variant.name,
          trial: step.round,
          of: suite.trials,
        };
        progress.trialStarted(label);
        const outcome = await runTrial(context, suite, step.variant, step.round, service?.running);
        accumulator.add(suite.name, step.variant.name, outcome.metrics, outcome.notes);
        gpus.push(
          ...(outcome.environment?.gpus ?? []).filter(
            (g) => !gpus.some((k) => k.uuid === g.uuid && k.index === g.index),
          ),
        );
        progress.trialFinished(label, trialSummary(outcome.metrics));
      }
    }
  } finally {
    await service?.running.stop();
    progress.end();
  }

  const variantKnobs = new Map(config.variants.map((v) => [v.name, v.env]));
  const suites = [
    ...accumulator.suites(
      config.variants.length > 1 || config.variants[0]?.name !== 'default',
      variantKnobs,
    ),
    ...[...skipped].map(([name, note]) => ({ name, metrics: [], notes: [`skipped: ${note}`] })),
  ];
  return {
    schema: RESULTS_SCHEMA,
    createdAt: (context.now?.() ?? new Date()).toISOString(),
    ...(context.commit ? { commit: context.commit } : {}),
    ...(context.ref ? { ref: context.ref } : {}),
    configHash: configHash(config),
    environment: { ...hostEnvironment(context.env), ...(gpus.length > 0 ? { gpus } : {}) },
    suites,
  };
}

async function skipNotes(
  suites: readonly Suite[],
  env: NodeJS.ProcessEnv,
): Promise<Map<string, string>> {
  const notes = new Map<string, string>();
  for (const suite of suites) {
    if (suite.kind !== 'command') continue;
    const missing = await missingRequirements(suite.requires, env);
    if (missing.length > 0) notes.set(suite.name, missing.join(', '));
  }
  return notes;
}

function startVariantService(config: Config, variant: Variant): Promise<RunningService> {
  const service = config.service as NonNullable<Config['service']>;
  return startService({
    command: service.command,
    cwd: service.cwd,
    env: { ...service.env, ...variant.env },
    healthUrl: service.healthUrl,
    startTimeoutSeconds: service.startTimeoutSeconds,
    stopSignal: service.stopSignal,
    stopGraceSeconds: service.stopGraceSeconds,
    logFile: serviceLogFile(config, variant.name),
  });
}

function httpOptions(suite: HttpSuite): HttpLoadOptions {
  return {
    baseUrl: suite.baseUrl,
    requests: suite.requests.map(({ method, path, headers, body }) => ({
      method,
      path,
      headers,
      ...(body === undefined
        ? {}
        : { body: typeof body === 'object' && body !== null ? body : String(body) }),
    })),
    ...(suite.bodyGenerator ? { bodyGenerator: suite.bodyGenerator } : {}),
    connections: suite.connections,
    pipelining: suite.pipelining,
    ...(suite.amount === undefined
      ? { durationSeconds: suite.durationSeconds }
      : { amount: suite.amount }),
    ...(suite.rate === undefined ? {} : { rate: suite.rate }),
    timeoutSeconds: suite.timeoutSeconds,
  };
}

/** Load before measuring, so JIT, caches and pools are warm; its numbers are discarded. */
async function warmUp(
  suite: Suite,
  variant: Variant,
  service: RunningService | undefined,
): Promise<void> {
  if (suite.warmupSeconds <= 0) return;
  const work = (signal: AbortSignal): Promise<unknown> =>
    suite.kind === 'http'
      ? runHttpTrial(
          { ...httpOptions(suite), amount: undefined, durationSeconds: suite.warmupSeconds },
          { signal },
        )
      : runCommandTrial(commandOptions(suite, variant, 0), { signal });
  await raceService(work, service);
}

function commandOptions(
  suite: Extract<Suite, { kind: 'command' }>,
  variant: Variant,
  trial: number,
) {
  return {
    command: suite.command,
    cwd: suite.cwd,
    env: { ...suite.env, ...variant.env },
    timeoutSeconds: suite.timeoutSeconds,
    output: suite.output,
    trial,
  };
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

function makeCollectors(
  context: RunContext,
  suite: Suite,
  service: RunningService | undefined,
): { collectors: Collector[]; notes: string[] } {
  const configured = context.config.collectors;
  const collectors: Collector[] = [];
  const notes: string[] = [];
  for (const name of suite.collectors) {
    if (name === 'gpu' && configured.gpu)
      collectors.push(registry.gpu({ intervalMs: configured.gpu.intervalMs }));
    if (name === 'host') collectors.push(registry.host({ ours: [process.pid] }));
    if (name === 'prometheus' && configured.prometheus)
      collectors.push(registry.prometheus(configured.prometheus));
    if (name === 'process') {
      if (service)
        collectors.push(
          registry.process({ pid: service.pid, intervalMs: configured.process?.intervalMs }),
        );
      else notes.push('process: no service is configured, so there is no process tree to watch');
    }
  }
  return { collectors, notes };
}

async function runTrial(
  context: RunContext,
  suite: Suite,
  variant: Variant,
  trial: number,
  service: RunningService | undefined,
): Promise<TrialOutcome> {
  const { collectors: made, notes } = makeCollectors(context, suite, service);
  const collectors = await startAll(made);
  let measured: { metrics: TrialMetric[]; notes: string[] };
  try {
    measured =
      suite.kind === 'http'
        ? await raceService(async (signal) => {
            const http = await runHttpTrial(httpOptions(suite), {
              signal,
              onTick: (rps) => context.progress.tick(rps),
            });
            const bound = http.generatorBound
              ? [
                  'the load generator used ≥ 90 % of a core: throughput may be limited by perfgate, not the service',
                ]
              : [];
            return { metrics: http.metrics, notes: [...http.notes, ...bound] };
          }, service)
        : await raceService(
            (signal) => runCommandTrial(commandOptions(suite, variant, trial), { signal }),
            service,
          );
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
  return {
    metrics: [...measured.metrics, ...outputs.flatMap((o) => o.metrics)],
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

function trialSummary(metrics: readonly TrialMetric[]): string {
  const pick = (name: string) => metrics.find((m) => m.name === name);
  const rps = pick('requests_per_second');
  const p95 = pick('latency_p95');
  const parts = [
    ...(rps ? [`${Math.round(rps.value).toLocaleString('en-US')} req/s`] : []),
    ...(p95 ? [`p95 ${p95.value.toFixed(2)} ms`] : []),
  ];
  return parts.length > 0 ? parts.join(', ') : `${metrics.length} metrics`;
}
