/** `perfgate doctor`: what on this runner makes numbers noisy, each with one line of advice. */
import path from 'node:path';
import type { CliIO, Command, ParsedArgs } from './types.js';
import { doctorChecks, hostSources, type DoctorSources } from '../collect/doctor.js';
import { EXIT, InputError } from '../errors.js';
import { TUNE_STATE_PATH } from '../pipeline/defaults.js';
import { restoreRunner, tuneRunner } from '../pipeline/tune.js';
import { renderDoctorJson, renderDoctorText } from '../report/doctor.js';
import { escapeTerminal } from '../report/escape.js';
import { formatOption, renderAs, stringOption } from './args.js';

const USAGE = `usage: perfgate doctor [--format text|json] [--strict] [--sys /sys] [--proc /proc]
       perfgate doctor --tune | --restore [--state FILE]

Checks the known causes of noise on this runner: the CPU governor, turbo, frequency limits, SMT,
isolated CPUs, the load, memory, swap and disk, the busiest other processes; on NVIDIA GPUs
(nvidia-smi) persistence mode, whether the SM clock holds the application clock, throttle reasons
and other processes computing on the GPUs. Each check is ok, warn, fail, or unknown where it
cannot be read. --sys and --proc read another root (a container that mounts the host's). Exit 0;
with --strict, 1 when a check failed.
--tune (root only) sets the performance governor, turns turbo off, sets GPU persistence mode and
locks the GPU clocks at their base clock (read back: it says when they do not hold), and writes
what it changed to FILE (default ${TUNE_STATE_PATH}); --restore puts every value back, byte for
byte, and removes FILE. A lock left on a bare-metal runner outlives the job: restore in an
\`if: always()\` step (docs/runners.md).`;

export const doctorCommand: Command = {
  summary: 'check this runner for known causes of noise (CPU clocks, load, GPU clocks, neighbours)',
  usage: USAGE,
  options: {
    format: { type: 'string' },
    strict: { type: 'boolean' },
    sys: { type: 'string' },
    proc: { type: 'string' },
    tune: { type: 'boolean' },
    restore: { type: 'boolean' },
    state: { type: 'string' },
  },
  async run({ positionals, values }, io) {
    if (positionals.length > 0) {
      throw new InputError(`takes no arguments, got ${JSON.stringify(positionals.join(' '))}`);
    }
    const format = formatOption(values, ['text', 'json']);
    const root = (name: string) => {
      const given = stringOption(values, name);
      return given === undefined ? undefined : path.resolve(io.cwd, given);
    };
    const roots = { sys: root('sys'), proc: root('proc') };
    const sources = hostSources(
      io.env,
      io.cwd,
      Object.fromEntries(Object.entries(roots).filter(([, v]) => v)),
    );
    if (values.tune === true || values.restore === true) return tuneOrRestore(sources, values, io);
    if (values.state !== undefined) {
      throw new InputError('is read only with --tune or --restore', { field: '--state' });
    }
    const checks = await doctorChecks(sources);
    io.stdout(
      renderAs(format, {
        text: () => renderDoctorText(checks),
        json: () => renderDoctorJson(checks),
      }),
    );
    const failed = checks.some((c) => c.status === 'fail');
    return values.strict === true && failed ? EXIT.regression : EXIT.ok;
  },
};

async function tuneOrRestore(
  sources: DoctorSources,
  values: ParsedArgs['values'],
  io: CliIO,
): Promise<number> {
  if (values.tune === true && values.restore === true) {
    throw new InputError('give --tune or --restore, not both', { field: '--restore' });
  }
  const state = path.resolve(io.cwd, stringOption(values, 'state') ?? TUNE_STATE_PATH);
  const lines =
    values.tune === true
      ? await tuneRunner(sources, state, '--tune')
      : [await restoreRunner(sources, state, '--restore')];
  for (const line of lines) io.stdout(`${escapeTerminal(line)}\n`);
  return EXIT.ok;
}
