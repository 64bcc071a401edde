/** `perfgate doctor`: what on this runner makes numbers noisy, each with one line of advice. */
import path from 'node:path';
import type { Command } from './types.js';
import { doctorChecks, hostSources } from '../collect/doctor.js';
import { EXIT, InputError } from '../errors.js';
import { renderDoctorJson, renderDoctorText } from '../report/doctor.js';
import { formatOption, renderAs, stringOption } from './args.js';

const USAGE = `usage: perfgate doctor [--format text|json] [--strict] [--sys /sys] [--proc /proc]

Checks the known causes of noise on this runner: the CPU governor, turbo, SMT, isolated CPUs, the
load, memory, swap and disk; on NVIDIA GPUs (nvidia-smi) persistence mode, whether the SM clock
holds the application clock, throttle reasons and other processes computing on the GPUs. Each
check is ok, warn, fail, or unknown where it cannot be read. --sys and --proc read another root
(a container that mounts the host's). Exit 0; with --strict, 1 when a check failed.`;

export const doctorCommand: Command = {
  summary: 'check this runner for known causes of noise (CPU clocks, load, GPU clocks, neighbours)',
  usage: USAGE,
  options: {
    format: { type: 'string' },
    strict: { type: 'boolean' },
    sys: { type: 'string' },
    proc: { type: 'string' },
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
    const checks = await doctorChecks(
      hostSources(io.env, io.cwd, Object.fromEntries(Object.entries(roots).filter(([, v]) => v))),
    );
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
