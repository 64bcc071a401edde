/** `perfgate shards`: a sharded run's plan, as a GitHub Actions matrix (docs/scaling.md). */
import type { Command } from './types.js';
import { MAX_SHARDS } from '../results/shard.js';
import { EXIT, InputError } from '../errors.js';
import { HISTORY_FOLDER, RUNS_ON } from '../pipeline/defaults.js';
import { labelsOption, wholeOption } from '../pipeline/options.js';
import { shardPlan } from '../pipeline/shards.js';
import { escapeLogLine } from '../report/escape.js';
import { configFrom, readBranch, STORE_OPTIONS, storeAt } from './args.js';

const SHARDS_USAGE = `usage: perfgate shards --config perfgate.yml --count N [--store DIR] [--branch NAME]
                       [--runs-on LABEL,LABEL]

Prints the plan as a GitHub Actions matrix, {"include": [{"shard": "1/N", "runs-on": [...],
"suites": [...], "seconds": S}, ...]}: suites balanced across N shards by the wall times stored in
the history in --store (default ${HISTORY_FOLDER}/) of --branch (default: the branch pull requests
merge into, as 'perfgate check' reads it; evenly without any), suites with runsOn only on shards
of their labels, the others on --runs-on (default ${RUNS_ON.join(',')}).`;

export const shardsCommand: Command = {
  summary: 'plan N shards for a GitHub Actions matrix, balanced by recorded durations',
  usage: SHARDS_USAGE,
  options: {
    ...STORE_OPTIONS,
    count: { type: 'string' },
    'runs-on': { type: 'string' },
  },
  async run({ values }, io) {
    const count = wholeOption(values.count, '--count', { min: 1, max: MAX_SHARDS });
    if (count === undefined) throw new InputError('is required', { field: '--count' });
    const config = await configFrom(values, io);
    const runsOn = labelsOption(values['runs-on'], '--runs-on') ?? RUNS_ON;
    const { shards, warnings } = await shardPlan({
      config,
      store: storeAt(values, io),
      branch: await readBranch(values, io, config.file),
      count,
      runsOn,
      field: '--count',
    });
    for (const warning of warnings) io.stderr(`perfgate shards: ${escapeLogLine(warning)}\n`);
    io.stdout(`${JSON.stringify({ include: shards })}\n`);
    return EXIT.ok;
  },
};
