/**
 * `perfgate check`: the PR gate on this checkout, against the base revision measured beside it or
 * the stored history; or one shard of a sharded run (docs/scaling.md).
 */
import path from 'node:path';
import type { CliIO, Command, ParsedArgs } from './types.js';
import { gateFailures } from '../compare/verdict.js';
import { BASELINE_MODES } from '../config/index.js';
import { REPORT_NAME } from '../constants.js';
import { EXIT, InputError } from '../errors.js';
import { markerFor } from '../github/marker.js';
import { HISTORY_FOLDER, HISTORY_WINDOW, RUNS_ON, SHARD_PATH } from '../pipeline/defaults.js';
import { prGate, type HistoryInput, type PrGateInput } from '../pipeline/gate.js';
import { choiceOption, labelsOption, wholeOption } from '../pipeline/options.js';
import { pullRequestLabel, pullRequestOf, pullRequestSides } from '../pipeline/pullRequest.js';
import { gateShard, shardOf, shardPlan } from '../pipeline/shards.js';
import { escapeTerminal } from '../report/escape.js';
import { renderGateJson, renderGateMarkdown, renderGateText } from '../report/gate.js';
import { assertWritable, writeJsonAtomic } from '../files.js';
import { parseShardSpec, shardName, type ShardSpec } from '../shard/plan.js';
import { currentRevision } from '../store/revision.js';
import { shortRevision } from '../text.js';
import {
  COMMENT_OPTIONS,
  commentTarget,
  configFrom,
  displayPath,
  formatOption,
  optionPolicy,
  POLICY_OPTIONS,
  postComment,
  progressOf,
  readBranch,
  renderAs,
  STORE_OPTIONS,
  storeAt,
  stringOption,
} from './args.js';

const USAGE = `usage: perfgate check --config perfgate.yml [--against REV] [--baseline auto|interleaved|history]
                      [--store DIR] [--branch NAME] [--window N] [--seed N] [--suite NAME]...
                      [--alpha A] [--threshold T] [--adjustment bh|holm|none] [--fail-on regression|regression-or-unseen]
                      [--format text|markdown|json] [--out FILE] [--comment [--repo OWNER/NAME] (--pr N | --sha SHA)]
                      [--shard K/N [--out FILE] [--runs-on LABEL,LABEL]]

interleaved: checks out REV (default: the merge base with origin's default branch, or in a pull
request's CI the base it merges into) in a temporary git worktree, runs the config's setup there,
and runs the suites against both trees with trials interleaved in seeded ABBA/BAAB blocks on this
machine: about twice the benchmark time, and immune to how fast this machine is today.
history: compares this run, run by run, with up to N (default ${HISTORY_WINDOW}) stored runs in DIR
(default ${HISTORY_FOLDER}/) of --branch (default: the branch pull requests merge into, from
GITHUB_BASE_REF, origin's HEAD, else main or master); it fails a build only with 5 stored runs or more.
auto (default, or the config's 'baseline'): interleaved when REV can be checked out, else history.
Exit 1 on a regression; with no baseline yet it prints the numbers and passes.
--format markdown prints the report the GitHub Action posts on the pull request (json: the
comparison with its verdict); --comment posts it there from any CI, as 'perfgate comment' does
(its options --repo, --pr or --sha, --name, --token-env, --author); --out FILE writes the results of both sides, { base, head }.
--shard K/N: run only shard K of the plan 'perfgate shards' prints (the same config, store and
--branch) and write a shard artifact to FILE (default ${SHARD_PATH}) for 'perfgate merge'
instead of judging; a failed run writes its error there too (docs/scaling.md). --shard may also be
the plan's matrix entry as JSON, whose suites then run as planned instead of planned again.`;

export const checkCommand: Command = {
  summary: 'run the suites against the base revision beside them (or the stored history) and gate',
  usage: USAGE,
  options: {
    ...STORE_OPTIONS,
    window: { type: 'string' },
    ...POLICY_OPTIONS,
    against: { type: 'string' },
    baseline: { type: 'string' },
    seed: { type: 'string' },
    shard: { type: 'string' },
    out: { type: 'string' },
    format: { type: 'string' },
    'runs-on': { type: 'string' },
    comment: { type: 'boolean' },
    ...COMMENT_OPTIONS,
  },
  async run({ positionals, values }, io) {
    if (positionals.length > 0) {
      throw new InputError(`takes no arguments, got ${JSON.stringify(positionals.join(' '))}`);
    }
    // Every option is checked before anything is measured.
    const window = wholeOption(values.window, '--window', { min: 1, max: 1000 }) ?? HISTORY_WINDOW;
    const seed = wholeOption(values.seed, '--seed', { min: 0, max: 2 ** 31 - 1 });
    const baseline = choiceOption(values.baseline, '--baseline', BASELINE_MODES);
    const overrides = optionPolicy(values);
    const shardText = stringOption(values, 'shard');
    const shard = shardText === undefined ? undefined : parseShardSpec(shardText, '--shard');
    refuseIgnored(values, shard !== undefined);
    const format = formatOption(values);
    const commentTo = values.comment === true ? commentTarget(values, io) : undefined;
    const out = path.resolve(io.cwd, stringOption(values, 'out') ?? SHARD_PATH);
    if (shard || values.out !== undefined) await assertWritable(out, '--out');
    const config = await configFrom(values, io);
    const branch = await readBranch(values, io, config.file);
    const against = stringOption(values, 'against');
    const store = storeAt(values, io);
    // In a pull request's CI the event names the head, the base and its branch, as the action reads them.
    const pull = pullRequestOf(io.env);
    const sides = pull
      ? pullRequestSides(pull, io.env.GITHUB_REF, { store, window })
      : {
          revision: await currentRevision(path.dirname(config.file), io.env),
          history: { store, branch, window },
        };
    const history: HistoryInput = { ...sides.history, ...(values.branch ? { branch } : {}) };
    const gate: PrGateInput = {
      config,
      env: io.env,
      progress: progressOf(io),
      overrides,
      ...(baseline ? { baseline } : {}),
      ...(against === undefined ? {} : { against }),
      fields: { against: '--against', baseline: '--baseline' },
      ...sides,
      history,
      ...(seed === undefined ? {} : { seed }),
    };
    if (shard) return checkShard(shard, { gate, history, out }, values, io);
    const outcome = await prGate(gate);
    if (values.out !== undefined) {
      // Both sides as measured (the base's trials, or the stored runs' medians): what compare reads.
      await writeJsonAtomic(out, { base: outcome.base ?? null, head: outcome.results }, '--out');
      io.stderr(`results of both sides written to ${escapeTerminal(displayPath(io.cwd, out))}\n`);
    }
    const commit = gate.revision.commit;
    const head = pull
      ? pullRequestLabel(pull)
      : commit
        ? shortRevision(commit)
        : 'the working tree';
    // Byte for byte the action's PR comment (report/gate.ts), as the action names a head.
    const markdown = () =>
      renderGateMarkdown(outcome, {
        marker: markerFor(REPORT_NAME),
        title: REPORT_NAME,
        headLabel: head,
      });
    io.stdout(
      renderAs(format, {
        text: () => renderGateText(outcome),
        markdown,
        json: () => renderGateJson(outcome),
      }),
    );
    if (commentTo) {
      for (const line of await postComment(commentTo, markdown(), io)) {
        io.stderr(`${escapeTerminal(line)}\n`);
      }
    }
    return outcome.comparison && gateFailures(outcome.comparison).length > 0
      ? EXIT.regression
      : EXIT.ok;
  },
};

/** Options that only one of the two uses of check reads: given to the other, they are refused. */
function refuseIgnored(values: ParsedArgs['values'], sharded: boolean): void {
  const commenting = Object.keys(COMMENT_OPTIONS).find((name) => values[name] !== undefined);
  if (commenting !== undefined && values.comment !== true) {
    throw new InputError('is read only with --comment', { field: `--${commenting}` });
  }
  if (sharded && values.comment === true) {
    throw new InputError('is not read with --shard: perfgate merge reports', {
      field: '--comment',
    });
  }
  const ignored = sharded ? ['format'] : ['runs-on'];
  const given = ignored.find((name) => values[name] !== undefined);
  if (given === undefined) return;
  throw new InputError(
    sharded
      ? 'is not read with --shard: a shard job writes an artifact for perfgate merge, which reports'
      : 'is read only with --shard: it labels the shards of the plan',
    { field: `--${given}` },
  );
}

/** One shard of the plan: its suites gated, the artifact written for `perfgate merge`. */
async function checkShard(
  shard: ShardSpec,
  { gate, history, out }: { gate: PrGateInput; history: HistoryInput; out: string },
  values: ParsedArgs['values'],
  io: CliIO,
): Promise<number> {
  const runsOn = labelsOption(values['runs-on'], '--runs-on') ?? RUNS_ON;
  const { config } = gate;
  const plan = async () => {
    const { store, branch } = history;
    const input = { config, store, branch, count: shard.ref.count, runsOn, field: '--shard' };
    return (await shardPlan(input)).shards;
  };
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
