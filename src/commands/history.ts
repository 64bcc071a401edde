/** `perfgate check` and `perfgate record`: the gate and the history, with a folder as the store. */
import path from 'node:path';
import type { CliIO, Command, ParsedArgs } from './types.js';
import { gateFailures } from '../compare/verdict.js';
import { layerPolicies } from '../compare/policy.js';
import { BASELINE_MODES } from '../config/index.js';
import { EXIT } from '../errors.js';
import { prGate, type GateOutcome, type PrGateInput } from '../pipeline/gate.js';
import { REPORT_NAME } from '../constants.js';
import { markerFor } from '../github/marker.js';
import { renderGateJson, renderGateMarkdown, renderGateText } from '../report/gate.js';
import { assertWritable, writeJsonAtomic } from '../results/read.js';
import { shortRevision } from '../text.js';
import { gateShard, shardOf, shardPlan } from '../pipeline/shards.js';
import { parseShardSpec, shardName } from '../shard/plan.js';
import { displayPath } from './options.js';
import { escapeTerminal } from '../report/escape.js';
import { layoutText } from '../report/grid.js';
import { resultsTable } from '../report/table.js';
import { folderStore } from '../store/folderStore.js';
import { branchSlug } from '../store/history.js';
import { branchName, currentRevision } from '../store/revision.js';
import { optionPolicy, POLICY_OPTIONS } from './compare.js';
import { choiceOption, labelsOption, wholeOption } from '../pipeline/options.js';
import { configFrom, measure, progressOf } from './run.js';

const STORE_DEFAULT = 'perfgate-history';
const SHARD_OUT_DEFAULT = 'perfgate-out/shard.json';
/** Stored runs a history check uses at most; each is one sample of the run-to-run spread. */
export const WINDOW_DEFAULT = 20;

export const storeOptions = {
  config: { type: 'string' },
  suite: { type: 'string', multiple: true },
  store: { type: 'string' },
  branch: { type: 'string' },
} as const;

/** The branch results belong to: --branch, else the checkout's branch, else main. */
export async function branchFrom(
  values: ParsedArgs['values'],
  io: CliIO,
  configFile: string,
): Promise<string> {
  if (typeof values.branch === 'string') return values.branch;
  const { ref } = await currentRevision(path.dirname(configFile), io.env);
  return ref ? branchName(ref) : 'main';
}

export const storeAt = (values: ParsedArgs['values'], io: CliIO) =>
  folderStore(
    path.resolve(io.cwd, typeof values.store === 'string' ? values.store : STORE_DEFAULT),
  );

export const recordCommand: Command = {
  summary: 'run the suites and append the results to the history (--store DIR)',
  usage: `usage: perfgate record --config perfgate.yml [--store DIR] [--branch NAME] [--suite NAME]...

Appends one results file under DIR (default ${STORE_DEFAULT}/), never overwriting; later
'perfgate check' runs compare with it.`,
  options: storeOptions,
  async run({ values }, io) {
    const config = await configFrom(values, io);
    const branch = await branchFrom(values, io, config.file);
    // A bad branch name or store is found before the benchmarks run, not after.
    branchSlug(branch, '--branch');
    const store = storeAt(values, io);
    await store.assertUsable();
    const results = await measure(config, io);
    const where = await store.append(results, { branch });
    io.stdout(
      `${layoutText(resultsTable(results))}\n\nrecorded for ${escapeTerminal(branch)}: ${where}\n`,
    );
    return EXIT.ok;
  },
};

export const checkCommand: Command = {
  summary: 'run the suites against the base revision beside them (or the stored history) and gate',
  usage: `usage: perfgate check --config perfgate.yml [--against REV] [--baseline auto|interleaved|history]
                      [--store DIR] [--branch NAME] [--window N] [--seed N] [--suite NAME]...
                      [--alpha A] [--threshold T] [--adjustment bh|holm|none] [--fail-on regression|regression-or-unseen]
                      [--format text|markdown|json] [--out FILE] [--shard K/N [--out FILE] [--runs-on LABEL,LABEL]]

interleaved: checks out REV (default: the merge base with origin's default branch, or in a pull
request's CI the base it merges into) in a temporary git worktree, runs the config's setup there,
and runs the suites against both trees with trials interleaved in seeded ABBA/BAAB blocks on this
machine: about twice the benchmark time, and immune to how fast this machine is today.
history: compares this run, run by run, with up to N (default ${WINDOW_DEFAULT}) stored runs of the
branch in DIR (default ${STORE_DEFAULT}/); it fails a build only with 5 stored runs or more.
auto (default, or the config's 'baseline'): interleaved when REV can be checked out, else history.
Exit 1 on a regression; with no baseline yet it prints the numbers and passes.
--format markdown prints the report the GitHub Action posts on the pull request (json: the
comparison with its verdict); --out FILE writes the results of both sides, { base, head }.
--shard K/N: run only shard K of the plan 'perfgate shards' prints (the same config, store and
--branch) and write a shard artifact to FILE (default ${SHARD_OUT_DEFAULT}) for 'perfgate merge'
instead of judging; a failed run writes its error there too (docs/scaling.md). --shard may also be
the plan's matrix entry as JSON, whose suites then run as planned instead of planned again.`,
  options: {
    ...storeOptions,
    window: { type: 'string' },
    ...POLICY_OPTIONS,
    against: { type: 'string' },
    baseline: { type: 'string' },
    seed: { type: 'string' },
    shard: { type: 'string' },
    out: { type: 'string' },
    format: { type: 'string' },
    'runs-on': { type: 'string' },
  },
  async run({ values }, io) {
    // Every option is checked before anything is measured.
    const window = wholeOption(values.window, '--window', { min: 1, max: 1000 }) ?? WINDOW_DEFAULT;
    const seed = wholeOption(values.seed, '--seed', { min: 0, max: 2 ** 31 - 1 });
    const baselineOption = choiceOption(values.baseline, '--baseline', BASELINE_MODES);
    const cliPolicy = optionPolicy(values);
    const shard =
      typeof values.shard === 'string' ? parseShardSpec(values.shard, '--shard') : undefined;
    const runsOn = labelsOption(values['runs-on'], '--runs-on') ?? ['ubuntu-latest'];
    const format = choiceOption(values.format, '--format', REPORT_FORMATS) ?? 'text';
    const resultsOut =
      !shard && typeof values.out === 'string' ? path.resolve(io.cwd, values.out) : undefined;
    if (resultsOut) await assertWritable(resultsOut, '--out');
    const config = await configFrom(values, io);
    // In a pull request's CI the baseline lives under the base branch, not refs/pull/N/merge.
    const branch =
      typeof values.branch !== 'string' && io.env.GITHUB_BASE_REF
        ? io.env.GITHUB_BASE_REF
        : await branchFrom(values, io, config.file);
    branchSlug(branch, '--branch');
    const gate: PrGateInput = {
      config,
      env: io.env,
      progress: progressOf(io),
      revision: await currentRevision(path.dirname(config.file), io.env),
      policy: layerPolicies(config.compare, cliPolicy),
      baseline: baselineOption ?? config.baseline,
      ...(typeof values.against === 'string' ? { against: values.against } : {}),
      fields: { against: '--against', baseline: '--baseline' },
      history: { store: storeAt(values, io), branch, window },
      ...(seed === undefined ? {} : { seed }),
    };
    if (shard) {
      const plan = async () => {
        const store = storeAt(values, io);
        const field = '--shard';
        const count = shard.ref.count;
        return (await shardPlan({ config, store, branch, count, runsOn, field })).shards;
      };
      const out = path.resolve(
        io.cwd,
        typeof values.out === 'string' ? values.out : SHARD_OUT_DEFAULT,
      );
      const job = {
        ref: shard.ref,
        planned: await shardOf(shard, config, plan, '--shard'),
        file: out,
        env: io.env,
      };
      const { artifact } = await gateShard(job, gate);
      io.stdout(
        `shard ${shardName(shard.ref)}: ${artifact.suites.map(escapeTerminal).join(', ')} ` +
          `(baseline: ${artifact.baseline}), written to ${displayPath(io.cwd, out)} for perfgate merge\n`,
      );
      return EXIT.ok;
    }
    const outcome = await prGate(gate);
    if (resultsOut) {
      // Both sides as measured (the base's trials, or the stored runs' medians): what compare reads.
      const sides = { base: outcome.base ?? null, head: outcome.results };
      await writeJsonAtomic(resultsOut, sides, '--out');
      io.stderr(
        `results of both sides written to ${escapeTerminal(displayPath(io.cwd, resultsOut))}\n`,
      );
    }
    io.stdout(renderCheck(outcome, format, headLabel(gate.revision.commit)));
    return outcome.comparison && gateFailures(outcome.comparison).length > 0
      ? EXIT.regression
      : EXIT.ok;
  },
};

const REPORT_FORMATS = ['text', 'markdown', 'json'] as const;

/** How the report names the head: its commit, as the action names a pull request's. */
const headLabel = (commit: string | undefined): string =>
  commit ? shortRevision(commit) : 'the working tree';

/** The gate's report in a format: markdown is the action's PR comment (report/gate.ts). */
function renderCheck(
  outcome: GateOutcome,
  format: (typeof REPORT_FORMATS)[number],
  head: string,
): string {
  if (format === 'json') return renderGateJson(outcome);
  if (format === 'text') return renderGateText(outcome);
  return renderGateMarkdown(outcome, {
    marker: markerFor(REPORT_NAME),
    title: REPORT_NAME,
    headLabel: head,
  });
}
