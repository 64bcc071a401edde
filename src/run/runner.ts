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
import { RESULTS_SCHEMA, type Environment, type Results } from '../results/schema.js';
import { hostEnvironment } from './environment.js';
import { BLOCK_ROUNDS, planTrials } from './plan.js';
import type { Progress } from './progress.js';
import { startService, type RunningService } from './service.js';
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
  const [results] = await runArms(context, [side], arms);
  return results as Results;
}

/**
 * The same suites in two trees (base and head revisions), trials interleaved in seeded ABBA/BAAB
 * blocks, one service at a time: the two sides share the runner's state, so their trials are
 * exchangeable and Mann-Whitney compares like with like (DESIGN.md, "A run is a unit too").
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
  const [baseResults, headResults] = await runArms(context, [base, head], arms, {
    seed: context.seed,
    onStep: (arm) => order.push((context.sides[arm.side] as Side).name),
    ...(context.stopAfterBlock ? { stopAfterBlock: context.stopAfterBlock } : {}),
  });
  const interleaved = (other: Side) => ({
    seed: context.seed,
    order,
    ...(other.commit ? { with: other.commit } : {}),
  });
  return [
    { ...(baseResults as Results), interleaved: interleaved(head) },
    { ...(headResults as Results), interleaved: interleaved(base) },
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
): Promise<Results[]> {
  const { progress } = context;
  const config = (sides[sides.length - 1] as Side).config;
  const skipped = await skipNotes(config.suites, context.env);
  const runnable = config.suites.filter((suite) => !skipped.has(suite.name));
  for (const [suite, note] of skipped) progress.note(`${suite}: skipped, ${note}`);

  const accumulators = sides.map(() => new TrialAccumulator());
  const gpus: Environment['gpus'] = [];
  const variantKnobs = new Map(
    sides.flatMap((side) => side.config.variants.map((v) => [v.name, v.env])),
  );
  const withVariants = config.variants.length > 1 || config.variants[0]?.name !== 'default';
  const collect = (): Results[] => {
    const environment = { ...hostEnvironment(context.env), ...(gpus.length > 0 ? { gpus } : {}) };
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
  let service: { arm: Arm; running: RunningService } | undefined;
  const warm = new Set<string>();
  const began = performance.now();
  try {
    const steps = runnable.length > 0 ? planTrials(runnable, arms, plan.seed) : [];
    const rounds = steps.at(-1)?.round ?? 0;
    for (const [index, step] of steps.entries()) {
      const { arm } = step;
      plan.onStep?.(arm);
      progress.section(`round ${step.round}: ${sides.length > 1 ? '' : 'variant '}${arm.label}`);
      const armConfig = arm.config;
      if (armConfig.service && (service?.arm !== arm || armConfig.service.restartPerTrial)) {
        await service?.running.stop();
        service = undefined;
        warm.clear();
        service = { arm, running: await startVariantService(armConfig, arm, context.env) };
      }
      for (const planned of step.suites) {
        // The arm's own suite: the same settings, its paths inside the arm's tree.
        const suite = armConfig.suites.find((s) => s.name === planned.name) ?? planned;
        const warmKey = `${arm.label}\u0000${suite.name}`;
        const started = performance.now();
        if (!warm.has(warmKey)) {
          await warmUp(context, suite, arm.variant, service?.running);
          warm.add(warmKey);
        }
        const label = {
          suite: suite.name,
          variant: arm.label,
          trial: step.round,
          of: suite.trials,
        };
        progress.trialStarted(label);
        const outcome = await runTrial(
          context,
          armConfig,
          suite,
          arm.variant,
          step.round,
          service?.running,
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
    await service?.running.stop();
    progress.end();
  }
  return collect();
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
