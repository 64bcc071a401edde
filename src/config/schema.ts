/**
 * The perfgate.yml schema (documented in docs/config.md). Parsing it yields the resolved config:
 * defaults filled in, per-suite settings inherited from the top level, and each http suite's
 * baseUrl known. Paths stay as written here; load.ts resolves them against the config's folder.
 */
import { z } from 'zod';
import type { Adjustment } from '../stats/multipleTesting.js';
import { checkTarget, DirectionSchema } from '../results/schema.js';
import {
  count,
  countAtMost,
  envBlock,
  flag,
  httpUrl,
  metricGlob,
  milliseconds,
  numeric,
  relativePath,
  seconds,
  secondsOrZero,
  strict,
} from './fields.js';
import { withSuggestion } from './messages.js';
import { originOf, PORT_REFERENCE, usesPort } from './port.js';
import { SweepSchema } from './sweep.js';
import { TargetSchema } from './target.js';

export { SweepObjectiveSchema, SweepSchema, type Sweep, type SweepObjective } from './sweep.js';
export { TargetSchema, type Target } from './target.js';

export const COLLECTOR_NAMES = ['gpu', 'process', 'host', 'prometheus'] as const;

/**
 * The default re-warm after a switch of side with both services alive: long enough to refill
 * connection pools and the caches an idle second cooled (benchmarks/README.md, "Both sides
 * alive"), short beside a trial.
 */
export const REWARM_SECONDS = 0.5;
export const CollectorNameSchema = z.enum(COLLECTOR_NAMES);
export type CollectorName = z.infer<typeof CollectorNameSchema>;

/** A collector section switches the collector on; YAML `host:` (null) means "on, all defaults". */
function collector<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.preprocess((v) => v ?? {}, strict(shape)).optional();
}

export const PrometheusMetricSchema = strict({
  name: z.string().min(1),
  unit: z.string().default(''),
  direction: DirectionSchema,
  /** With direction `target`: the value to approach, as a pool's utilization approaches 0.7. */
  target: numeric(z.number()).optional(),
  /** Series names whose increase over the trial is summed (all label sets). */
  numerator: z.array(z.string().min(1)).min(1),
  /** Divide by the summed increase of these series (a ratio or a mean). */
  denominator: z.array(z.string().min(1)).min(1).optional(),
  /** Divide by the trial's measured seconds instead (a rate). */
  perSecond: flag.default(false),
  scale: numeric(z.number()).default(1),
})
  .refine((m) => !(m.perSecond && m.denominator), {
    message: 'expected either denominator or perSecond: true, not both',
    path: ['perSecond'],
  })
  .superRefine(checkTarget);
export type PrometheusMetric = z.infer<typeof PrometheusMetricSchema>;

export const CollectorsSchema = strict({
  gpu: collector({
    intervalMs: milliseconds().default(250),
    /** Judge utilization by its distance to this percentage (a target) instead of higher-is-better. */
    utilizationTarget: numeric(z.number().gt(0).lte(100)).optional(),
  }),
  process: collector({ intervalMs: milliseconds().default(200) }),
  host: collector({}),
  prometheus: collector({
    url: httpUrl,
    metrics: z.array(PrometheusMetricSchema).default([]),
  }),
});
export type Collectors = z.infer<typeof CollectorsSchema>;

export const ServiceSchema = strict({
  /** Run through `/bin/sh -c`. */
  command: z.string().min(1),
  cwd: relativePath.default('.'),
  env: envBlock,
  /** Polled until it answers 2xx; its origin is the default baseUrl of http suites. */
  healthUrl: httpUrl,
  startTimeoutSeconds: seconds().default(30),
  stopSignal: z.enum(['SIGTERM', 'SIGINT', 'SIGKILL', 'SIGHUP', 'SIGQUIT']).default('SIGTERM'),
  stopGraceSeconds: secondsOrZero().default(5),
  /** Default: perfgate-out/service-<variant>.log (see serviceLogFile). */
  logFile: relativePath.optional(),
  /** Start a fresh service for every trial instead of once per variant. */
  restartPerTrial: flag.default(false),
  /**
   * In an interleaved run: keep both sides' services up for the whole run (`both`, which needs
   * ${PERFGATE_PORT}), start one side's at a time (`one-at-a-time`), or both when they can (`auto`).
   */
  alive: z.enum(['auto', 'both', 'one-at-a-time']).default('auto'),
  /** With both alive: load before each trial after a switch of side, discarded (idle caches cool). */
  rewarmSeconds: secondsOrZero().default(REWARM_SECONDS),
});
export type Service = z.infer<typeof ServiceSchema>;

export const RequestSchema = strict({
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
  path: z.string().startsWith('/', { error: "expected a path starting with '/'" }),
  headers: z.record(z.string(), z.string()).default({}),
  /** A string is sent as is; anything else as JSON. */
  body: z.json().optional(),
});
export type HttpRequest = z.infer<typeof RequestSchema>;

/** A GitHub Actions runner label: what `runs-on` accepts, without expressions or spaces. */
export const runnerLabel = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+$/, 'expected a runner label: letters, digits and _ . - only');

/** Settings every suite may override; unset ones are inherited from the top level. */
const suiteCommon = {
  name: z.string().regex(/^[A-Za-z0-9_./-]+$/, 'expected letters, digits and _ . / - only'),
  trials: count().optional(),
  warmupSeconds: secondsOrZero().optional(),
  /** Default: every collector configured in the top-level collectors section. */
  collectors: z.array(CollectorNameSchema).optional(),
  /**
   * Runner labels this suite must run on (`[self-hosted, gpu-h100]`): `perfgate shards` puts it
   * only in shards whose jobs run on exactly these labels. Unpinned suites take the default labels.
   */
  runsOn: z
    .union([runnerLabel.transform((label) => [label]), z.array(runnerLabel).min(1)])
    .optional(),
};

const HttpSuiteInput = strict({
  ...suiteCommon,
  kind: z.literal('http'),
  baseUrl: httpUrl.optional(),
  connections: countAtMost(10_000, 'each is a socket and a client in this process').default(10),
  pipelining: countAtMost(1_000, 'each connection keeps a slot per request in flight').default(1),
  durationSeconds: seconds().optional(),
  /** Number of requests per trial, instead of a duration. */
  amount: count().optional(),
  /** Open-loop arrival rate in requests per second; closed loop when absent. */
  rate: numeric(z.number().positive()).optional(),
  timeoutSeconds: seconds().default(10),
  requests: z.array(RequestSchema).default([]),
  /** A module that generates request bodies (see docs/config.md). */
  bodyGenerator: relativePath.optional(),
})
  .refine((s) => s.durationSeconds === undefined || s.amount === undefined, {
    message: 'expected durationSeconds or amount, not both',
    path: ['amount'],
  })
  .refine((s) => s.requests.length > 0 || s.bodyGenerator !== undefined, {
    message: 'expected at least one request (or a bodyGenerator)',
    path: ['requests'],
  });

const CommandSuiteInput = strict({
  ...suiteCommon,
  kind: z.literal('command'),
  command: z.string().min(1),
  cwd: relativePath.default('.'),
  env: envBlock,
  timeoutSeconds: seconds().default(300),
  /** Where the command writes its metrics: its standard output or a file. */
  output: z
    .union([z.literal('stdout'), strict({ file: relativePath })], {
      error: "expected 'stdout' or { file: <path> }",
    })
    .default('stdout'),
  /** Binaries (`nvidia-smi`) or Python modules (`python3:torch`); the suite is skipped when one is absent. */
  requires: z
    .array(
      z.string().regex(/^[^\s:]+(:[A-Za-z0-9_.]+)?$/, 'expected a binary name or python3:<module>'),
    )
    .default([]),
});

/**
 * A command that prepares a tree before it is measured (`npm ci`, a build). In a same-runner A/B
 * run it runs in both trees, so both sides are built the same way.
 */
export const SetupStepSchema = strict({
  command: z.string().min(1),
  cwd: relativePath.default('.'),
  timeoutSeconds: seconds().default(600),
  /** Paths the command makes (`node_modules`): it is skipped in a tree where all of them exist. */
  creates: z.array(relativePath).default([]),
  /**
   * Files that decide what it makes (`package-lock.json`): when they are byte-identical in both
   * trees, the base tree borrows the head's `creates` (a symbolic link) instead of running it.
   */
  inputs: z.array(relativePath).default([]),
});
export type SetupStep = z.infer<typeof SetupStepSchema>;

/** What the PR gate compares the head with (docs/config.md, "Baselines"). */
export const BASELINE_MODES = ['auto', 'interleaved', 'history'] as const;
export const BaselineModeSchema = z.enum(BASELINE_MODES);
export type BaselineMode = z.infer<typeof BaselineModeSchema>;

export const VariantSchema = strict({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected letters, digits and _ . - only'),
  /** Passed to the service and to command suites. */
  env: envBlock,
});
export type Variant = z.infer<typeof VariantSchema>;

/** Relative change, 0.05 = 5 %. */
const threshold = numeric(z.number().gt(0).max(10));

export const ThresholdRuleSchema = strict({
  /** Glob on `<suite>/<metric>`; the first matching rule wins. */
  metric: metricGlob,
  threshold,
});
export type ThresholdRule = z.infer<typeof ThresholdRuleSchema>;

/** What fails the gate: a regression only (the default), or also a metric the run could not see. */
export const FAIL_ON = ['regression', 'regression-or-unseen'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export const CompareSchema = strict({
  alpha: numeric(z.number().gt(0).max(0.5)).default(0.05),
  adjustment: z.enum(['bh', 'holm', 'none'] as const satisfies readonly Adjustment[]).default('bh'),
  threshold: threshold.default(0.05),
  thresholds: z.array(ThresholdRuleSchema).default([]),
  failOn: z.enum(FAIL_ON).default('regression'),
  /**
   * Run by run (history check, runs per side): take each suite's shared run factor out of its
   * metrics and judge it as the row `(whole run)` (`suite`), or judge each metric as measured
   * (`none`). benchmarks/run-to-run.ts chose the default (docs/statistics.md).
   */
  runFactor: z.enum(['none', 'suite']).default('suite'),
  /** Run by run: lean each metric's run-to-run spread on its suite's (`pooled`), or not (`own`). */
  runSpread: z.enum(['pooled', 'own']).default('pooled'),
});
export type CompareOptions = z.infer<typeof CompareSchema>;

/**
 * Sequential trials: the PR gate's interleaved run looks after every ABBA block (two trials per
 * side) from `min` on, and stops once every gating metric is decided or out of reach
 * (compare/sequential.ts). `{ adaptive: true }` takes every default, and a config without
 * `trials` gets it. The defaults are designs that can see (issue #21): at `min` = 6 a lone
 * regression can pass the adjustment across up to 23 gating metrics (2 / C(12, 6) = 0.0022 <
 * 0.05 / 23; an http suite has about 10), and `max` = 30 sees a 5 % change across 10 to 20
 * metrics at a trial noise up to about 4.5 % (detectable.ts trialsToSee: 13 to 15 trials at 3 %,
 * 22 to 25 at 4 %). With max 20, one A/A PR in five at a noise of 3 % ended not seen, a metric's
 * noise estimated high at the first looks; with 30, 4 % (benchmarks/README.md).
 */
export const SequentialTrialsSchema = strict({
  adaptive: z.literal(true).optional(),
  min: count().default(6),
  max: count().default(30),
  /** Conditional power below which a metric no longer keeps the run going; 0 turns it off. */
  futility: numeric(z.number().min(0).lt(1)).default(0.1),
}).refine((t) => t.min <= t.max, {
  message: 'expected min ≤ max (the defaults are min 6, max 30)',
  path: ['min'],
});
export type SequentialTrials = z.infer<typeof SequentialTrialsSchema>;

const ConfigInput = strict({
  version: z.literal(1),
  service: ServiceSchema.optional(),
  setup: z.array(SetupStepSchema).default([]),
  baseline: BaselineModeSchema.default('auto'),
  trials: z
    .union([count(), SequentialTrialsSchema], {
      error: (issue) =>
        `expected a whole number of trials, or { min, max, futility } (or { adaptive: true }) for sequential trials, got ${JSON.stringify(issue.input)}`,
    })
    .prefault({ adaptive: true }),
  warmupSeconds: secondsOrZero().default(2),
  durationSeconds: seconds().default(10),
  suites: z.array(z.discriminatedUnion('kind', [HttpSuiteInput, CommandSuiteInput])).min(1),
  variants: z
    .array(VariantSchema)
    .min(1)
    .default(() => [{ name: 'default', env: {} }]),
  collectors: CollectorsSchema.prefault({}),
  compare: CompareSchema.prefault({}),
  targets: z.array(TargetSchema).default([]),
  sweep: SweepSchema.optional(),
});
type ConfigInput = z.infer<typeof ConfigInput>;

function duplicates(names: readonly string[]): { index: number; first: number }[] {
  return names.flatMap((name, index) => {
    const first = names.indexOf(name);
    return first < index ? [{ index, first }] : [];
  });
}

/** Rules that span several fields; each issue points at the field to fix. */
function checkConsistency(config: ConfigInput, ctx: z.RefinementCtx): void {
  if (config.service?.alive === 'both' && !usesPort(config.service)) {
    ctx.addIssue({
      code: 'custom',
      path: ['service', 'alive'],
      message: `both needs a port per side: write ${PORT_REFERENCE} where the service's port goes (service.command or service.env, and service.healthUrl)`,
    });
  }
  const problem = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message });

  for (const [field, what] of [
    ['suites', 'suite'],
    ['variants', 'variant'],
  ] as const) {
    const names = config[field].map((entry) => entry.name);
    for (const { index, first } of duplicates(names)) {
      problem(
        [field, index, 'name'],
        `duplicate ${what} name '${names[index]}' (also ${field}[${first}])`,
      );
    }
  }

  const suiteNames = config.suites.map((suite) => suite.name);
  config.sweep?.suites?.forEach((name, i) => {
    if (!suiteNames.includes(name)) {
      problem(
        ['sweep', 'suites', i],
        `unknown suite ${withSuggestion(name, suiteNames)} (suites: ${suiteNames.join(', ')})`,
      );
    }
  });

  const configured = enabledCollectors(config.collectors);
  config.suites.forEach((suite, i) => {
    if (suite.kind === 'http' && suite.baseUrl === undefined && config.service === undefined) {
      problem(
        ['suites', i, 'baseUrl'],
        'required when there is no service (it defaults to the origin of service.healthUrl)',
      );
    }
    suite.collectors?.forEach((name, j) => {
      if (!configured.includes(name)) {
        problem(
          ['suites', i, 'collectors', j],
          `collector '${name}' is not configured in the top-level collectors section (configured: ${configured.join(', ') || 'none'})`,
        );
      }
    });
  });
}

function enabledCollectors(collectors: Collectors): CollectorName[] {
  return COLLECTOR_NAMES.filter((name) => collectors[name] !== undefined);
}

/** Fill what each suite leaves unset from the top level; run after checkConsistency passed. */
function inheritDefaults(config: ConfigInput) {
  const origin = config.service && originOf(config.service.healthUrl);
  // Sequential trials plan for `max`; the gate may stop earlier.
  const sequential = typeof config.trials === 'number' ? undefined : config.trials;
  const trials = sequential?.max ?? (config.trials as number);
  return {
    ...config,
    trials,
    ...(sequential ? { sequential } : {}),
    suites: config.suites.map((suite) => {
      const inherited = {
        trials: suite.trials ?? trials,
        warmupSeconds: suite.warmupSeconds ?? config.warmupSeconds,
        collectors: suite.collectors ?? enabledCollectors(config.collectors),
      };
      if (suite.kind === 'command') return { ...suite, ...inherited };
      return {
        ...suite,
        ...inherited,
        // checkConsistency rejects an http suite with neither a baseUrl nor a service.
        baseUrl: suite.baseUrl ?? origin ?? '',
        // Exactly one bounds a trial: a given amount, else a duration.
        durationSeconds:
          suite.amount === undefined
            ? (suite.durationSeconds ?? config.durationSeconds)
            : undefined,
      };
    }),
  };
}

export const ConfigSchema = ConfigInput.superRefine(checkConsistency).transform(inheritDefaults);

/** A parsed, resolved config; `file` is the absolute path it was read from. */
export type Config = z.output<typeof ConfigSchema> & { file: string };
export type Suite = Config['suites'][number];
export type HttpSuite = Extract<Suite, { kind: 'http' }>;
export type CommandSuite = Extract<Suite, { kind: 'command' }>;
