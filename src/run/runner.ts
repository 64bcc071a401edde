/**
 * `perfgate run`, and the same-runner A/B: configs in, results out. Starts the service per arm (a
 * variant, or a variant of one side's tree), warms up, runs each suite's trials in the interleaved
 * order of plan.ts (one trial's work is trial.ts), and gathers one sample per trial per metric.
 * A service that dies or stops answering fails the whole run (RunError, exit 3): no partial
 * results leave this function.
 */
import {
  configHash,
  serviceLogFile,
  type Config,
  type Suite,
  type Variant,
} from '../config/index.js';
import {
  RESULTS_SCHEMA,
  type Environment,
  type Results,
  type RunnerConditions,
  type RunnerWarning,
} from '../results/schema.js';
import { countWarnings } from '../results/runnerWarnings.js';
import { hostEnvironment } from './environment.js';
import { hostSources, processSnapshot, runnerWarnings, watchRunner } from '../collect/doctor.js';
import { holdRunLock } from '../collect/runLock.js';
import { PORT_VARIABLE, usesPort, withPort } from '../config/port.js';
import { aliveMode, freePort, type AliveDecision } from './alive.js';
import { BLOCK_ROUNDS, planTrials } from './plan.js';
import type { Progress } from './progress.js';
import { startService, type RunningService } from './service.js';
import { armServices } from './services.js';
import { kindOf } from './suites/index.js';
import { TrialAccumulator } from './accumulate.js';
import { runTrial, trialSummary, warmUp } from './trial.js';

export interface RunContext {
  config: Config;
  env: NodeJS.ProcessEnv;
  progress: Progress;
  /** Commit and ref the results describe (from git or the CI environment). */
  commit?: string;
  ref?: string;
  now?: () => Date;
}

/** One tree measured in an interleaved A/B run: the head's config, its paths inside that tree. */
export interface Side {
  name: 'base' | 'head';
  config: Config;
  commit?: string;
  ref?: string;
}

export interface InterleavedContext extends Omit<RunContext, 'config' | 'commit' | 'ref'> {
  sides: readonly [Side, Side];
  /** Draws each block ABBA or BAAB (plan.ts); recorded in the results so the order can be replayed. */
  seed: number;
  /**
   * Sequential trials: asked after every block (two rounds: each side twice) with the results so
   * far; true stops the run there. Without it every planned round runs.
   */
  stopAfterBlock?: (trialsPerSide: number, sides: [Results, Results]) => boolean;
}

/** What runs in one slot of the plan: a variant of one side's config. */
interface Arm {
  side: number;
  config: Config;
  variant: Variant;
  /** Names the arm's service and progress lines; the variant's own name in a one-sided run. */
  label: string;
}

/** One config's suites and variants: what `perfgate run`, record and the sweep measure. */
export async function runBenchmarks(context: RunContext): Promise<Results> {
  const side: Side = {
    name: 'head',
    config: context.config,
    ...(context.commit ? { commit: context.commit } : {}),
    ...(context.ref ? { ref: context.ref } : {}),
  };
  const arms = context.config.variants.map((variant) => ({
    side: 0,
    config: context.config,
    variant,
    label: variant.name,
  }));
  const { results } = await runArms(context, [side], arms);
  return results[0] as Results;
}

/**
 * The same suites in two trees (base and head revisions), trials interleaved in seeded ABBA/BAAB
 * blocks, both sides' services up for the whole run where each has its own port, else one at a
 * time (alive.ts): the two sides share the runner's state, so their trials are exchangeable and
 * Mann-Whitney compares like with like (DESIGN.md, "A run is a unit too").
 */
export async function runInterleaved(context: InterleavedContext): Promise<[Results, Results]> {
  const [base, head] = context.sides;
  // Variants pair by position: the base tree's config is the head's (same variants), and a
  // sweep's reference and point configs have one variant each.
  const arms = head.config.variants.flatMap((variant, position) =>
    context.sides.map((side, index) => {
      const own = side.config.variants[position] ?? variant;
      // Two trees of one config: named by side. A sweep's pair: by the setting each side runs.
      const sameVariant = context.sides.every(
        (s) => s.config.variants[position]?.name === variant.name,
      );
      const label = !sameVariant
        ? own.name
        : head.config.variants.length > 1
          ? `${side.name}.${variant.name}`
          : side.name;
      return { side: index, config: side.config, variant: own, label };
    }),
  );
  const order: Side['name'][] = [];
  const { results, alive, conditions } = await runArms(context, [base, head], arms, {
    seed: context.seed,
    onStep: (arm) => order.push((context.sides[arm.side] as Side).name),
    ...(context.stopAfterBlock ? { stopAfterBlock: context.stopAfterBlock } : {}),
  });
  const [baseResults, headResults] = results;
  const interleaved = (other: Side, own: number) => ({
    seed: context.seed,
    order,
    ...(other.commit ? { with: other.commit } : {}),
    ...(alive ? { alive } : {}),
    ...(conditions?.[own] ? { conditions: conditions[own] } : {}),
  });
  return [
    { ...(baseResults as Results), interleaved: interleaved(head, 0) },
    { ...(headResults as Results), interleaved: interleaved(base, 1) },
  ];
}

interface PlanHooks {
  seed?: number;
  onStep?: (arm: Arm) => void;
  /** Asked once a block is complete, with the results so far; true ends the run there. */
  stopAfterBlock?: InterleavedContext['stopAfterBlock'];
}

async function runArms(
  context: Omit<RunContext, 'config' | 'commit' | 'ref'>,
  sides: readonly Side[],
  arms: readonly Arm[],
  plan: PlanHooks = {},
): Promise<{ results: Results[]; alive?: AliveDecision; conditions?: RunnerConditions[] }> {
  const { progress } = context;
  const config = (sides[sides.length - 1] as Side).config;
  const services = armServices(aliveMode(config.service, sides.length), context.env, progress);
  const why = services.decision()?.why;
  if (why) progress.note(`services one at a time: ${why}`);
  const prepared = new Map<Arm, { config: Config; env: NodeJS.ProcessEnv }>();
  /** The arm's config and environment, its own port filled in (`${PERFGATE_PORT}`). */
  const prepare = async (arm: Arm) => {
    const known = prepared.get(arm);
    if (known) return known;
    const port = usesPort(arm.config) ? await freePort() : undefined;
    const own =
      port === undefined
        ? { config: arm.config, env: context.env }
        : {
            config: withPort(arm.config, port),
            env: { ...context.env, [PORT_VARIABLE]: String(port) },
          };
    prepared.set(arm, own);
    return own;
  };
  const skipped = await skipNotes(config.suites, context.env);
  const runnable = config.suites.filter((suite) => !skipped.has(suite.name));
  for (const [suite, note] of skipped) progress.note(`${suite}: skipped, ${note}`);

  const accumulators = sides.map(() => new TrialAccumulator());
  const gpus: Environment['gpus'] = [];
  const variantKnobs = new Map(
    sides.flatMap((side) => side.config.variants.map((v) => [v.name, v.env])),
  );
  const withVariants = config.variants.length > 1 || config.variants[0]?.name !== 'default';
  // The runner's known causes of noise, at the start and (in collect) at the end of the run;
  // while it measures, this run is one of them for any other run here (collect/runLock.ts).
  const atStart = await runnerWarnings(context.env, process.cwd());
  const runStart = await processSnapshot();
  const releaseLock = await holdRunLock();
  let warnings = atStart;
  // Two sides: what can change mid-run (a neighbour, a GPU that does not hold its clock) is read
  // after each step (one arm's trials of a round) and counted for that step's side, so a side
  // that ran under other conditions can be told (compare/notes.ts). Per step, not per block: a
  // block holds both sides' steps. A reading costs a /proc scan, plus nvidia-smi on GPU runners.
  const watch =
    sides.length > 1 ? await watchRunner(hostSources(context.env, process.cwd())) : undefined;
  const readings: RunnerWarning[][][] = sides.map(() => []);
  const collect = (): Results[] => {
    const environment = {
      ...hostEnvironment(context.env),
      ...(gpus.length > 0 ? { gpus } : {}),
      ...(warnings.length > 0 ? { runnerWarnings: warnings } : {}),
    };
    const createdAt = (context.now?.() ?? new Date()).toISOString();
    return sides.map((side, index) => ({
      schema: RESULTS_SCHEMA,
      createdAt,
      ...(side.commit ? { commit: side.commit } : {}),
      ...(side.ref ? { ref: side.ref } : {}),
      configHash: configHash(side.config),
      environment,
      suites: [
        ...(accumulators[index] as TrialAccumulator).suites(withVariants, variantKnobs),
        ...[...skipped].map(([name, note]) => ({ name, metrics: [], notes: [`skipped: ${note}`] })),
      ],
    }));
  };
  // The suites warmed up on each service (or, with none, each arm): a fresh service is cold.
  const warmed = new Map<RunningService | Arm, Set<string>>();
  let previous: Arm | undefined;
  const began = performance.now();
  try {
    const steps = runnable.length > 0 ? planTrials(runnable, arms, plan.seed) : [];
    const rounds = steps.at(-1)?.round ?? 0;
    for (const [index, step] of steps.entries()) {
      const { arm } = step;
      plan.onStep?.(arm);
      progress.section(`round ${step.round}: ${sides.length > 1 ? '' : 'variant '}${arm.label}`);
      const { config: armConfig, env } = await prepare(arm);
      const trialContext = { ...context, env };
      const service =
        armConfig.service &&
        (
          await services.serve(
            arm.label,
            () => startVariantService(armConfig, arm, env),
            armConfig.service.restartPerTrial,
          )
        ).service;
      const warm = warmed.get(service ?? arm) ?? new Set<string>();
      warmed.set(service ?? arm, warm);
      // Both alive: the idle side's caches and pools cooled while the other was loaded.
      const rewarm = previous !== arm && services.decision()?.mode === 'both';
      previous = arm;
      for (const planned of step.suites) {
        // The arm's own suite: the same settings, its paths inside the arm's tree.
        const suite = armConfig.suites.find((s) => s.name === planned.name) ?? planned;
        const started = performance.now();
        if (!warm.has(suite.name)) {
          await warmUp(trialContext, suite, arm.variant, service);
          warm.add(suite.name);
        } else if (rewarm && suite.kind === 'http' && armConfig.service) {
          const warmupSeconds = armConfig.service.rewarmSeconds;
          await warmUp(trialContext, { ...suite, warmupSeconds }, arm.variant, service);
        }
        const label = {
          suite: suite.name,
          variant: arm.label,
          trial: step.round,
          of: suite.trials,
        };
        progress.trialStarted(label);
        const outcome = await runTrial(
          trialContext,
          armConfig,
          suite,
          arm.variant,
          step.round,
          service,
        );
        const seconds = (performance.now() - started) / 1000;
        accumulators[arm.side]?.add(
          suite.name,
          arm.variant.name,
          outcome.metrics,
          outcome.notes,
          seconds,
        );
        gpus.push(
          ...(outcome.environment?.gpus ?? []).filter(
            (g) => !gpus.some((k) => k.uuid === g.uuid && k.index === g.index),
          ),
        );
        progress.trialFinished(label, trialSummary(outcome.metrics));
      }
      if (watch) readings[arm.side]?.push(await watch.sample());
      if (steps[index + 1]?.round === step.round) continue;
      progress.roundFinished({
        round: step.round,
        of: rounds,
        atMost: plan.stopAfterBlock !== undefined,
        elapsedSeconds: (performance.now() - began) / 1000,
      });
      const blockDone = step.round % BLOCK_ROUNDS === 0;
      if (blockDone && plan.stopAfterBlock?.(step.round, collect() as [Results, Results])) break;
    }
  } finally {
    await services.stopAll();
    await releaseLock();
    progress.end();
  }
  const alive = services.decision();
  // At the end the runner's load, memory, swap and disk are the run's own doing: the rest counts,
  // the other processes by the CPU they took over the whole run.
  const ownDoing = ['runner.load', 'runner.memory', 'runner.swap', 'runner.disk'];
  const atEnd = (await runnerWarnings(context.env, process.cwd(), runStart)).filter(
    (w) => !ownDoing.includes(w.name),
  );
  // Each check once, as last seen: a foreign GPU process that appeared mid-run is named.
  warnings = countWarnings([atStart, atEnd]).map((c) => c.warning);
  return {
    results: collect(),
    ...(alive ? { alive } : {}),
    ...(watch ? { conditions: readings.map(conditionsOf) } : {}),
  };
}

/** One side's readings after each of its steps, counted: its trial rounds, per variant. */
function conditionsOf(readings: readonly RunnerWarning[][]): RunnerConditions {
  return {
    trials: readings.length,
    seen: countWarnings(readings).map(({ warning, count }) => ({ ...warning, trials: count })),
  };
}

async function skipNotes(
  suites: readonly Suite[],
  env: NodeJS.ProcessEnv,
): Promise<Map<string, string>> {
  const notes = new Map<string, string>();
  for (const suite of suites) {
    const reason = await kindOf(suite).skipReason?.(suite, env);
    if (reason !== undefined) notes.set(suite.name, reason);
  }
  return notes;
}

function startVariantService(
  config: Config,
  arm: Arm,
  env: NodeJS.ProcessEnv,
): Promise<RunningService> {
  const service = config.service as NonNullable<Config['service']>;
  const { variant } = arm;
  return startService({
    command: service.command,
    cwd: service.cwd,
    env: { ...env, ...service.env, ...variant.env },
    healthUrl: service.healthUrl,
    startTimeoutSeconds: service.startTimeoutSeconds,
    stopSignal: service.stopSignal,
    stopGraceSeconds: service.stopGraceSeconds,
    logFile: serviceLogFile(config, arm.label),
    configFile: config.file,
  });
}
