/** `perfgate analyze`: results against the targets of the config. */
import type { Command } from './types.js';
import { checkTargets, unmatchedTargets } from '../compare/targets.js';
import type { Target } from '../config/index.js';
import { runMedians } from '../compare/runLevel.js';
import { EXIT } from '../errors.js';
import { loadRuns } from '../formats/loadSide.js';
import { escapeMarkdown, escapeTerminal } from '../report/escape.js';
import { achievementLine, analysisGrid, MARKDOWN_STATUS, TEXT_STATUS } from '../report/targets.js';
import { expectArguments, formatOption, layoutIn, targetConfig, type Format } from './args.js';

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
    const [spec] = expectArguments(args, 1, ANALYZE_USAGE) as [string];
    const format = formatOption(args.values);
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
        layoutIn(analysisGrid(checks, labels), format),
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
