/** `perfgate bisect`: the first commit between a good and a bad one that made a metric worse. */
import { EXIT, InputError } from '../errors.js';
import { bisect } from '../pipeline/bisect.js';
import { wholeOption } from '../pipeline/options.js';
import { renderBisectJson, renderBisectMarkdown, renderBisectText } from '../report/bisect.js';
import {
  configFrom,
  formatOption,
  optionPolicy,
  POLICY_OPTIONS,
  progressOf,
  renderAs,
  stringOption,
} from './args.js';
import type { Command } from './types.js';

const USAGE = `usage: perfgate bisect --config perfgate.yml --good REV --bad REV [--metric SUITE/METRIC]...
                       [--suite NAME]... [--seed N] [--alpha A] [--threshold T]
                       [--format text|markdown|json]

Finds the first commit between GOOD and BAD (on BAD's first-parent history) that made a metric
worse. First it measures BAD against GOOD beside each other, as a pull request's check does; if
no gating metric (or none of those --metric names, globs on <suite>/<metric>) regressed, there is
no culprit and it stops. Then it searches the commits between, about log2 of their number steps:
each step measures one commit against GOOD in one interleaved run with sequential trials and
answers same, different (regressed again, beyond the threshold) or unknown (then the neighbouring
commit is tried). A commit whose setup fails or whose tree cannot run the config is skipped and
named. Both sides are checked out in temporary worktrees; this checkout's config is used for
every commit. Exit 0 with or without a culprit, 2 on bad input, 3 when GOOD against BAD cannot
be measured (docs/bisect.md).`;

export const bisectCommand: Command = {
  summary: 'find the first commit between a good and a bad one that made a metric worse',
  usage: USAGE,
  options: {
    config: { type: 'string' },
    suite: { type: 'string', multiple: true },
    good: { type: 'string' },
    bad: { type: 'string' },
    metric: { type: 'string', multiple: true },
    seed: { type: 'string' },
    format: { type: 'string' },
    ...POLICY_OPTIONS,
  },
  async run({ positionals, values }, io) {
    if (positionals.length > 0) {
      throw new InputError(`takes no arguments, got ${JSON.stringify(positionals.join(' '))}`);
    }
    const good = stringOption(values, 'good');
    const bad = stringOption(values, 'bad');
    if (good === undefined) throw new InputError('is required', { field: '--good' });
    if (bad === undefined) throw new InputError('is required', { field: '--bad' });
    const metrics = (values.metric as string[] | undefined) ?? [];
    const badGlob = metrics.find((m) => !m.includes('/'));
    if (badGlob !== undefined) {
      throw new InputError(`expected <suite>/<metric> (a glob), got '${badGlob}'`, {
        field: '--metric',
      });
    }
    const seed = wholeOption(values.seed, '--seed', { min: 0, max: 2 ** 31 - 1 });
    const format = formatOption(values);
    const overrides = optionPolicy(values);
    const config = await configFrom(values, io);
    const outcome = await bisect({
      config,
      good,
      bad,
      metrics,
      overrides,
      env: io.env,
      progress: progressOf(io),
      ...(seed === undefined ? {} : { seed }),
      fields: { good: '--good', bad: '--bad' },
    });
    io.stdout(
      renderAs(format, {
        text: () => renderBisectText(outcome),
        markdown: () => renderBisectMarkdown(outcome),
        json: () => renderBisectJson(outcome),
      }),
    );
    return EXIT.ok;
  },
};
