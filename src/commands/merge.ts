/** `perfgate merge`: the artifacts of all shards of a sharded run judged as one comparison. */
import type { Command } from './types.js';
import { gateFailures } from '../compare/verdict.js';
import { EXIT } from '../errors.js';
import { checkShardSet, findShardFiles, mergeShards, readShards } from '../pipeline/merge.js';
import { escapeLogLine } from '../report/escape.js';
import { renderComparisonJson } from '../report/json.js';
import { renderComparisonMarkdown } from '../report/markdown.js';
import { renderComparisonText } from '../report/text.js';
import { formatOption, optionalConfig, optionPolicy, POLICY_OPTIONS, renderAs } from './args.js';

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
    const format = formatOption(values);
    const config = await optionalConfig(values, io);
    const files = await findShardFiles(positionals, io.cwd, 'RESULTS');
    const shards = await readShards(files);
    checkShardSet(shards, config);
    const outcome = mergeShards(shards, config, optionPolicy(values));
    for (const line of outcome.context) io.stderr(`${escapeLogLine(line)}\n`);
    const { comparison } = outcome;
    if (!comparison) {
      io.stderr('perfgate merge: no shard had a baseline: nothing to judge\n');
      return EXIT.ok;
    }
    io.stdout(
      renderAs(format, {
        text: () => renderComparisonText(comparison),
        markdown: () =>
          renderComparisonMarkdown(comparison, {
            baseLabel: outcome.baseLabel,
            headLabel: 'the head',
            context: outcome.context,
          }),
        json: () => renderComparisonJson(comparison),
      }),
    );
    return gateFailures(comparison).length > 0 ? EXIT.regression : EXIT.ok;
  },
};
