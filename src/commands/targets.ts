/** `perfgate analyze` and `perfgate validate`: results against the config's targets. */
import path from 'node:path';
import type { CliIO, Command, ParsedArgs } from './types.js';
import { gateFailures } from '../compare/verdict.js';
import { checkTargets, unmatchedTargets } from '../compare/targets.js';
import { layerPolicies } from '../compare/policy.js';
import { loadConfig, type Config, type Target } from '../config/index.js';
import { EXIT, InputError } from '../errors.js';
import { escapeMarkdown, escapeTerminal } from '../report/escape.js';
import { layoutMarkdown, layoutText, type Grid } from '../report/grid.js';
import { comparisonJson } from '../report/json.js';
import {
  achievementLine,
  analysisGrid,
  MARKDOWN_STATUS,
  TEXT_STATUS,
  validationGrid,
} from '../report/targets.js';
import { runMedians } from '../compare/runLevel.js';
import { loadRuns } from '../formats/loadSide.js';
import { choiceOption } from '../pipeline/options.js';
import { FORMATS, type Format } from './options.js';
import { compareSides } from '../pipeline/compare.js';
import { optionPolicy } from './compare.js';

/** The config, which must declare targets; loaded once, for its targets and its policy. */
async function targetConfig(values: ParsedArgs['values'], io: CliIO): Promise<Config> {
  if (typeof values.config !== 'string')
    throw new InputError('is required (it holds the targets)', { field: '--config' });
  const config = await loadConfig(path.resolve(io.cwd, values.config), io.env);
  if (config.targets.length === 0) {
    throw new InputError('declares no targets: add a `targets:` section (docs/config.md)', {
      file: config.file,
      field: 'targets',
    });
  }
  return config;
}

function positionals(args: ParsedArgs, count: number, usage: string): string[] {
  if (args.positionals.length !== count) {
    throw new InputError(`expected ${count} argument(s), got ${args.positionals.length}\n${usage}`);
  }
  return args.positionals;
}

function layout(grid: Grid, format: Format): string {
  return format === 'markdown' ? layoutMarkdown(grid) : layoutText(grid);
}

/** Text from the config or the results, escaped for where it is shown. */
function escape(text: string, format: Format): string {
  return format === 'markdown' ? escapeMarkdown(text) : escapeTerminal(text);
}

const unmatchedNote = (targets: Target[], format: Format) =>
  targets.map((t) => `note: no metric matches target '${escape(t.metric, format)}'`).join('\n');

const ANALYZE_USAGE = `usage: perfgate analyze RESULTS --config perfgate.yml [--format text|markdown|json]

Per component (api, gpu, database, cache, system): the current median, the target, the gap and
the change that would meet it. RESULTS is any input compare accepts (file, folder, file#variant);
a folder of several runs counts each run once, by its medians.`;

export const analyzeCommand: Command = {
  summary: 'check results against the targets of a config',
  usage: ANALYZE_USAGE,
  options: { config: { type: 'string' }, format: { type: 'string', default: 'text' } },
  async run(args, io) {
    const [spec] = positionals(args, 1, ANALYZE_USAGE) as [string];
    const format = choiceOption(args.values.format, '--format', FORMATS) ?? 'text';
    const { targets } = await targetConfig(args.values, io);
    const runs = await loadRuns(spec, { cwd: io.cwd });
    // Trials of different runs are not exchangeable: a run's medians are one value each.
    const results = runs.length === 1 ? (runs[0] as (typeof runs)[number]) : runMedians(runs, spec);
    const checks = checkTargets(results, targets);
    if (format === 'json') {
      io.stdout(`${JSON.stringify({ runs: runs.length, targets: checks }, null, 2)}\n`);
      return EXIT.ok;
    }
    const labels = format === 'markdown' ? MARKDOWN_STATUS : TEXT_STATUS;
    const unmatched = unmatchedTargets(results, targets);
    const pooled =
      runs.length > 1
        ? [
            `note: ${escape(spec, format)} holds ${runs.length} runs: each counts once, by its medians`,
          ]
        : [];
    io.stdout(
      [
        layout(analysisGrid(checks, labels), format),
        '',
        achievementLine(checks),
        ...(unmatched.length ? [unmatchedNote(unmatched, format)] : []),
        ...pooled,
        '',
      ].join('\n'),
    );
    return EXIT.ok;
  },
};

const VALIDATE_USAGE = `usage: perfgate validate BEFORE AFTER --config perfgate.yml [--format text|markdown|json]

Before vs after an optimization: the change of each targeted metric with its significance, and
whether each target is met, nearly met (within 5 %) or missed. Exit 1 when a metric regressed.`;

export const validateCommand: Command = {
  summary: 'compare before/after an optimization and report target achievement',
  usage: VALIDATE_USAGE,
  options: { config: { type: 'string' }, format: { type: 'string', default: 'text' } },
  async run(args, io) {
    const [beforeSpec, afterSpec] = positionals(args, 2, VALIDATE_USAGE) as [string, string];
    const format = choiceOption(args.values.format, '--format', FORMATS) ?? 'text';
    const config = await targetConfig(args.values, io);
    const { targets } = config;
    const policy = layerPolicies(config.compare, optionPolicy(args.values));
    const {
      base: before,
      head: after,
      comparison,
    } = await compareSides(beforeSpec, afterSpec, policy, io.cwd);
    const [beforeChecks, afterChecks] = [
      checkTargets(before, targets),
      checkTargets(after, targets),
    ];
    const failed = gateFailures(comparison).length > 0 ? EXIT.regression : EXIT.ok;
    if (format === 'json') {
      const targetChecks = { before: beforeChecks, after: afterChecks };
      io.stdout(
        `${JSON.stringify({ ...comparisonJson(comparison), targets: targetChecks }, null, 2)}\n`,
      );
      return failed;
    }
    const labels = format === 'markdown' ? MARKDOWN_STATUS : TEXT_STATUS;
    io.stdout(
      [
        layout(validationGrid(beforeChecks, afterChecks, comparison, labels), format),
        '',
        `before: ${achievementLine(beforeChecks)}`,
        `after:  ${achievementLine(afterChecks)}`,
        `${comparison.counts.regression} regressed, ${comparison.counts.improvement} improved across all ${comparison.metrics.length} metrics`,
        '',
      ].join('\n'),
    );
    return failed;
  },
};
