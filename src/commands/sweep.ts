/** `perfgate sweep`: measure knob settings, rank them, recommend one (docs/sweep.md). */
import path from 'node:path';
import type { Command } from './types.js';
import { EXIT, InputError } from '../errors.js';
import { escapeTerminal } from '../report/escape.js';
import { assertWritable } from '../files.js';
import { currentRevision } from '../store/revision.js';
import { renderSweep } from '../sweep/report.js';
import { sweepPipeline } from '../pipeline/sweep.js';
import { configFrom, displayPath, formatOption, progressOf } from './args.js';

const USAGE = `usage: perfgate sweep --config perfgate.yml [--out sweep.json] [--resume sweep.json]
                      [--format text|markdown]

Measures the knob settings of the config's sweep section (grid or coordinate search), ranks the
points that meet its constraints, and recommends one. The sweep file (default --resume's file,
else perfgate-out/sweep.json) is saved after every point; --resume skips the points it holds.`;

export const sweepCommand: Command = {
  summary: 'search knob settings for the best configuration and recommend one',
  usage: USAGE,
  options: {
    config: { type: 'string' },
    out: { type: 'string' },
    resume: { type: 'string' },
    format: { type: 'string', default: 'text' },
  },
  async run({ values }, io) {
    const format = formatOption(values, ['text', 'markdown']);
    const config = await configFrom(values, io);
    const resume =
      typeof values.resume === 'string' ? path.resolve(io.cwd, values.resume) : undefined;
    const out = path.resolve(
      io.cwd,
      typeof values.out === 'string' ? values.out : (resume ?? 'perfgate-out/sweep.json'),
    );
    // The sweep file is saved after every point and is what --resume reads: it must be a file.
    if (values.out === '-')
      throw new InputError('must name a file: the sweep saves it after every point', {
        field: '--out',
      });
    // A path that cannot be written is bad input, found before the first point is measured.
    await assertWritable(out, typeof values.out !== 'string' && resume ? '--resume' : '--out');
    const { analysis, run } = await sweepPipeline({
      config,
      env: io.env,
      progress: progressOf(io),
      revision: await currentRevision(path.dirname(config.file), io.env),
      out,
      ...(resume ? { resume } : {}),
    });
    const shown = escapeTerminal(displayPath(io.cwd, out));
    io.stdout(
      `${renderSweep(analysis, format)}\n${run.measured} point(s) measured, ${run.reused} reused; sweep written to ${shown}\n`,
    );
    return EXIT.ok;
  },
};
