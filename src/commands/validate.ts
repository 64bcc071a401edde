/** `perfgate validate`: before against after an optimization, and the targets each meets. */
import type { Command } from './types.js';
import { checkTargets } from '../compare/targets.js';
import { gateFailures } from '../compare/verdict.js';
import { EXIT } from '../errors.js';
import { compareSides } from '../pipeline/compare.js';
import { comparisonJson } from '../report/json.js';
import {
  achievementLine,
  MARKDOWN_STATUS,
  TEXT_STATUS,
  validationGrid,
} from '../report/targets.js';
import { expectArguments, formatOption, layoutIn, targetConfig } from './args.js';

const VALIDATE_USAGE = `usage: perfgate validate BEFORE AFTER --config perfgate.yml [--format text|markdown|json]

Before vs after an optimization: the change of each targeted metric with its significance, and
whether each target is met, nearly met (within 5 %) or missed. Exit 1 when a metric regressed.`;

export const validateCommand: Command = {
  summary: 'compare before/after an optimization and report target achievement',
  usage: VALIDATE_USAGE,
  options: { config: { type: 'string' }, format: { type: 'string', default: 'text' } },
  async run(args, io) {
    const [base, head] = expectArguments(args, 2, VALIDATE_USAGE) as [string, string];
    const format = formatOption(args.values);
    const config = await targetConfig(args.values, io);
    const { targets } = config;
    const sides = await compareSides({ base, head, cwd: io.cwd, config, overrides: {} });
    const { base: before, head: after, comparison } = sides;
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
        layoutIn(validationGrid(beforeChecks, afterChecks, comparison, labels), format),
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
