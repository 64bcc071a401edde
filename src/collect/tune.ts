/**
 * `perfgate doctor --tune` and `--restore`: set what `perfgate doctor` warns about (the CPU
 * governor, turbo, GPU persistence mode and clocks) for a run, and put every value back after it.
 * What was changed is written to a state file, the previous contents byte for byte, so that
 * `--restore` (an `if: always()` step, or the action's `tune` input) undoes exactly that, in
 * reverse order. The sysfs root and nvidia-smi come from DoctorSources, as the checks read them.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import type { DoctorSources } from './doctor.js';

const exec = promisify(execFile);

export const TUNE_SCHEMA = 'perfgate/tune@1';

export const TuneStateSchema = z
  .object({
    schema: z.literal(TUNE_SCHEMA),
    /** Files written, each with its content before, byte for byte. */
    files: z.array(z.object({ path: z.string(), previous: z.string() }).strict()),
    /** GPUs changed: persistence mode turned on (it was off), clocks locked. */
    gpus: z.array(
      z.object({ index: z.string(), persistenceWasOff: z.boolean(), locked: z.boolean() }).strict(),
    ),
  })
  .strict();
export type TuneState = z.infer<typeof TuneStateSchema>;

const readRaw = (file: string) => readFile(file, 'utf8').catch(() => undefined);

/** The sysfs files --tune sets, with the value each gets. */
async function cpuTargets(sys: string): Promise<[file: string, value: string][]> {
  const cpuDir = path.join(sys, 'devices/system/cpu');
  const cpus = (await readdir(cpuDir).catch(() => [])).filter((c) => /^cpu\d+$/.test(c));
  const governors = cpus.map((cpu): [string, string] => [
    path.join(cpuDir, cpu, 'cpufreq/scaling_governor'),
    'performance',
  ]);
  const noTurbo = path.join(cpuDir, 'intel_pstate/no_turbo');
  const boost = path.join(cpuDir, 'cpufreq/boost');
  const turbo: [string, string][] =
    (await readRaw(noTurbo)) !== undefined
      ? [[noTurbo, '1']]
      : (await readRaw(boost)) !== undefined
        ? [[boost, '0']]
        : [];
  return [...governors, ...turbo];
}

/**
 * Set the governor and turbo, persistence mode and the GPU clocks at their base (the default
 * application clock), recording each change in `state` as it is made, so that a failure halfway
 * leaves a state that undoes what was done. Notes say what could not be set or does not hold.
 */
export async function tune(sources: DoctorSources, state: TuneState): Promise<string[]> {
  const notes: string[] = [];
  for (const [file, value] of await cpuTargets(sources.sys)) {
    const previous = await readRaw(file);
    if (previous === undefined || previous.trim() === value) continue;
    await writeFile(file, `${value}\n`);
    state.files.push({ path: file, previous });
  }
  const smi = (args: string[]) =>
    exec(sources.nvidiaSmi, args, { env: sources.env, timeout: 30_000 }).then((r) => r.stdout);
  const query = (fields: string) =>
    smi([`--query-gpu=${fields}`, '--format=csv,noheader,nounits']).then((out) =>
      out
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => l.split(',').map((f) => f.trim())),
    );
  let gpus: string[][];
  try {
    gpus = await query('index,persistence_mode,clocks.default_applications.graphics');
  } catch {
    return notes; // No NVIDIA GPU here, or no driver: nothing to set.
  }
  for (const [index = '?', persistence, base] of gpus) {
    const entry = { index, persistenceWasOff: false, locked: false };
    state.gpus.push(entry);
    if (persistence === 'Disabled') {
      await smi(['-i', index, '-pm', '1']);
      entry.persistenceWasOff = true;
    }
    const mhz = Number(base);
    if (!Number.isFinite(mhz) || mhz <= 0) {
      notes.push(
        `gpu${index}: no base clock reported (${base ?? 'nothing'}), so its clocks stay as they are`,
      );
      continue;
    }
    await smi(['-i', index, '-lgc', `${mhz},${mhz}`]);
    entry.locked = true;
    // Read it back: a power cap or heat can keep the SM clock under a lock that "succeeded".
    const [[, sm] = []] = await query('index,clocks.sm').then((rows) =>
      rows.filter((r) => r[0] === index),
    );
    if (Number(sm) < mhz * 0.9) {
      notes.push(
        `gpu${index}: the SM clock is at ${sm} MHz under a lock at ${mhz} MHz: the lock does not hold (a power cap or heat)`,
      );
    }
  }
  return notes;
}

/** Put back what `state` says was changed, GPUs first, then the files in reverse order. */
export async function restore(sources: DoctorSources, state: TuneState): Promise<void> {
  const smi = (args: string[]) =>
    exec(sources.nvidiaSmi, args, { env: sources.env, timeout: 30_000 });
  for (const gpu of [...state.gpus].reverse()) {
    if (gpu.locked) await smi(['-i', gpu.index, '-rgc']);
    if (gpu.persistenceWasOff) await smi(['-i', gpu.index, '-pm', '0']);
  }
  for (const { path: file, previous } of [...state.files].reverse()) {
    await writeFile(file, previous);
  }
}
