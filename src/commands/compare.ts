/** `perfgate compare BASE HEAD`: statistics and a table, from files; no benchmark is run. */
import type { Command } from './types.js';
import { gateFailures } from '../compare/verdict.js';
import { EXIT, InputError } from '../errors.js';
import { compareSides } from '../pipeline/compare.js';
import { renderComparisonJson } from '../report/json.js';
import { renderComparisonMarkdown } from '../report/markdown.js';
import { renderComparisonText } from '../report/text.js';
import { formatOption, optionalConfig, optionPolicy, POLICY_OPTIONS, renderAs } from './args.js';

const USAGE = `usage: perfgate compare BASE HEAD [--config perfgate.yml] [--format text|markdown|json] [--alpha A]
                        [--threshold T] [--adjustment bh|holm|none] [--fail-on regression|regression-or-unseen]

BASE and HEAD: a perfgate results file, a folder or list of them (separate runs: compared run by
run), or Bencher Metric Format files (one file per trial: a folder or a comma-separated list), or
github-action-benchmark custom JSON.
Exit code 1 when a metric regressed, 2 on bad input.`;

export const compareCommand: Command = {
  summary: 'compare two sets of results (files or folders) and print the verdicts',
  usage: USAGE,
  options: {
    config: { type: 'string' },
    format: { type: 'string', default: 'text' },
    ...POLICY_OPTIONS,
  },
  async run({ positionals, values }, io) {
    if (positionals.length !== 2) {
      throw new InputError(
        `expected two arguments, BASE and HEAD, got ${positionals.length}\n${USAGE}`,
      );
    }
    const [base, head] = positionals as [string, string];
    const format = formatOption(values);
    const { comparison } = await compareSides({
      base,
      head,
      cwd: io.cwd,
      config: await optionalConfig(values, io),
      overrides: optionPolicy(values),
    });
    io.stdout(
      renderAs(format, {
        text: () => renderComparisonText(comparison),
        markdown: () => renderComparisonMarkdown(comparison, { baseLabel: base, headLabel: head }),
        json: () => renderComparisonJson(comparison),
      }),
    );
    return gateFailures(comparison).length > 0 ? EXIT.regression : EXIT.ok;
  },
};
