/** `perfgate shards` and `perfgate merge`: a sharded run's plan and its merge (docs/scaling.md). */
import path from 'node:path';
import type { Command } from './types.js';
import { layerPolicies } from '../compare/policy.js';
import { gateFailures } from '../compare/verdict.js';
import { MAX_SHARDS } from '../results/shard.js';
import { loadConfig } from '../config/index.js';
import { EXIT, InputError } from '../errors.js';
import { checkShardSet, findShardFiles, mergeShards, readShards } from '../pipeline/merge.js';
import { choiceOption, labelsOption, wholeOption } from '../pipeline/options.js';
import { shardPlan } from '../pipeline/shards.js';
import { escapeLogLine } from '../report/escape.js';
import { renderComparisonJson } from '../report/json.js';
import { renderComparisonMarkdown } from '../report/markdown.js';
import { renderComparisonText } from '../report/text.js';
import { folderStore } from '../store/folderStore.js';
import { optionPolicy, POLICY_OPTIONS } from './compare.js';
import { FORMATS } from './options.js';
import { configFrom } from './run.js';

const SHARDS_USAGE = `usage: perfgate shards --config perfgate.yml --count N [--store DIR] [--branch NAME]
                       [--runs-on LABEL,LABEL]

Prints the plan as a GitHub Actions matrix, {"include": [{"shard": "1/N", "runs-on": [...],
"suites": [...], "seconds": S}, ...]}: suites balanced across N shards by the wall times stored in
the history of --branch (default main; evenly without any), suites with runsOn only on shards of
their labels, the others on --runs-on (default ubuntu-latest).`;

export const shardsCommand: Command = {
  summary: 'plan N shards for a GitHub Actions matrix, balanced by recorded durations',
  usage: SHARDS_USAGE,
  options: {
    config: { type: 'string' },
    count: { type: 'string' },
    store: { type: 'string' },
    branch: { type: 'string' },
    'runs-on': { type: 'string' },
  },
  async run({ values }, io) {
    const count = wholeOption(values.count, '--count', { min: 1, max: MAX_SHARDS });
    if (count === undefined) throw new InputError('is required', { field: '--count' });
    const config = await configFrom(values, io);
    const runsOn = labelsOption(values['runs-on'], '--runs-on') ?? ['ubuntu-latest'];
    const store = folderStore(
      path.resolve(io.cwd, typeof values.store === 'string' ? values.store : 'perfgate-history'),
    );
    const { shards, warnings } = await shardPlan({
      config,
      store,
      branch: typeof values.branch === 'string' ? values.branch : 'main',
      count,
      runsOn,
      field: '--count',
    });
    for (const warning of warnings) io.stderr(`perfgate shards: ${escapeLogLine(warning)}\n`);
    io.stdout(`${JSON.stringify({ include: shards })}\n`);
    return EXIT.ok;
  },
};

const MERGE_USAGE = `usage: perfgate merge RESULTS... [--config perfgate.yml] [--format text|markdown|json]
                      [--alpha A] [--threshold T] [--adjustment bh|holm|none] [--fail-on regression|regression-or-unseen]

RESULTS: shard artifacts, or folders searched for *.json (as actions/download-artifact leaves
them). Every shard of the plan must be there once; all shards are judged as one family, with one
multiple-comparison adjustment. With --config, every suite must be in a shard.
Exit code 1 when a metric regressed, 2 on a missing or duplicated shard or bad input, 3 when a
shard's run failed.`;

export const mergeCommand: Command = {
  summary: 'judge the artifacts of all shards of a sharded run as one comparison',
  usage: MERGE_USAGE,
  options: {
    config: { type: 'string' },
    format: { type: 'string', default: 'text' },
    ...POLICY_OPTIONS,
  },
  async run({ positionals, values }, io) {
    const format = choiceOption(values.format, '--format', FORMATS) ?? 'text';
    const config =
      typeof values.config === 'string'
        ? await loadConfig(path.resolve(io.cwd, values.config), io.env)
        : undefined;
    const files = await findShardFiles(positionals, io.cwd, 'RESULTS');
    const shards = await readShards(files);
    checkShardSet(shards, config);
    const policy = layerPolicies(config?.compare ?? {}, optionPolicy(values));
    const outcome = mergeShards(shards, policy);
    for (const line of outcome.context) io.stderr(`${escapeLogLine(line)}\n`);
    const { comparison } = outcome;
    if (!comparison) {
      io.stderr('perfgate merge: no shard had a baseline: nothing to judge\n');
      return EXIT.ok;
    }
    const render = {
      text: () => renderComparisonText(comparison),
      markdown: () =>
        renderComparisonMarkdown(comparison, {
          baseLabel: outcome.baseLabel,
          headLabel: 'the head',
          context: outcome.context,
        }),
      json: () => renderComparisonJson(comparison),
    }[format];
    io.stdout(render());
    return gateFailures(comparison).length > 0 ? EXIT.regression : EXIT.ok;
  },
};
