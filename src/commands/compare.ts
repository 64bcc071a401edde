/** `perfgate compare BASE HEAD`: statistics and a table, from files; no benchmark is run. */
import { resolve } from 'node:path';
import type { CliIO, Command, ParsedArgs } from './types.js';
import { gateFailures } from '../compare/verdict.js';
import { layerPolicies, type ComparePolicy } from '../compare/policy.js';
import { loadConfig } from '../config/index.js';
import { EXIT, InputError } from '../errors.js';
import { compareSides } from '../pipeline/compare.js';
import { choiceOption, policyOverrides } from '../pipeline/options.js';
import { renderComparisonJson } from '../report/json.js';
import { renderComparisonMarkdown } from '../report/markdown.js';
import { renderComparisonText } from '../report/text.js';
import { FORMATS } from './options.js';

const USAGE = `usage: perfgate compare BASE HEAD [--config perfgate.yml] [--format text|markdown|json] [--alpha A]
                        [--threshold T] [--adjustment bh|holm|none] [--fail-on regression|regression-or-unseen]

BASE and HEAD: a perfgate results file, a folder or list of them (separate runs: compared run by
run), or Bencher Metric Format files (one file per trial: a folder or a comma-separated list), or
github-action-benchmark custom JSON.
Exit code 1 when a metric regressed, 2 on bad input.`;

/** Policy from the config's `compare` section, overridden by command-line options. */
export async function policyFrom(
  values: ParsedArgs['values'],
  io: CliIO,
): Promise<Partial<ComparePolicy>> {
  const fromConfig =
    typeof values.config === 'string'
      ? (await loadConfig(resolve(io.cwd, values.config), io.env)).compare
      : {};
  return layerPolicies(fromConfig, optionPolicy(values));
}

/** The command-line options of the comparison policy, which optionPolicy reads. */
export const POLICY_OPTIONS = {
  alpha: { type: 'string' },
  threshold: { type: 'string' },
  adjustment: { type: 'string' },
  'fail-on': { type: 'string' },
} as const;

/** The policy the command-line options set (undefined where they are absent). */
export const optionPolicy = (values: ParsedArgs['values']): Partial<ComparePolicy> =>
  policyOverrides({ ...values, failOn: values['fail-on'] }, (name) =>
    name === 'failOn' ? '--fail-on' : `--${name}`,
  );

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
    const [baseSpec, headSpec] = positionals as [string, string];
    const format = choiceOption(values.format, '--format', FORMATS) ?? 'text';
    const policy = await policyFrom(values, io);
    const { comparison } = await compareSides(baseSpec, headSpec, policy, io.cwd);
    const render = {
      text: () => renderComparisonText(comparison),
      markdown: () =>
        renderComparisonMarkdown(comparison, { baseLabel: baseSpec, headLabel: headSpec }),
      json: () => renderComparisonJson(comparison),
    }[format];
    io.stdout(render());
    return gateFailures(comparison).length > 0 ? EXIT.regression : EXIT.ok;
  },
};
