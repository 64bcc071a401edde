/**
 * The runner tuned for a run and put back after it (collect/tune.ts), around a state file: shared
 * by `perfgate doctor --tune` / `--restore` and the action's `tune` input, which does both around
 * its measurement.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { DoctorSources } from '../collect/doctor.js';
import { restore, tune, TUNE_SCHEMA, TuneStateSchema, type TuneState } from '../collect/tune.js';
import { InputError } from '../errors.js';
import { writeJsonAtomic } from '../files.js';
import { readJsonFile, validate } from '../json.js';
import { plural } from '../text.js';

/** Writing the real /sys and locking GPU clocks needs root; a fixture root (tests) does not. */
function assertMayWrite(sources: DoctorSources, field: string): void {
  if (sources.sys === '/sys' && process.getuid?.() !== 0) {
    throw new InputError(
      'needs root: it writes /sys (the CPU governor, turbo) and runs nvidia-smi -pm and -lgc; run ' +
        'the step with sudo, or set these once at boot (docs/runners.md)',
      { field },
    );
  }
}

export async function tuneRunner(
  sources: DoctorSources,
  stateFile: string,
  field: string,
): Promise<string[]> {
  assertMayWrite(sources, field);
  // A state left by a tune never restored holds the values from before it: keep them.
  if (existsSync(stateFile)) {
    throw new InputError(
      'a tune was not restored yet (its state file holds the values from before it): run perfgate doctor --restore first',
      { file: stateFile },
    );
  }
  const state: TuneState = { schema: TUNE_SCHEMA, files: [], gpus: [] };
  try {
    const notes = await tune(sources, state);
    return [
      `tuned: ${plural(state.files.length, 'file')}, ${plural(state.gpus.length, 'GPU')}; state in ${stateFile}: run perfgate doctor --restore after the benchmarks`,
      ...notes,
    ];
  } finally {
    // Written whatever happened, so that what was changed before a failure is put back too.
    await writeJsonAtomic(stateFile, state, field);
  }
}

export async function restoreRunner(
  sources: DoctorSources,
  stateFile: string,
  field: string,
): Promise<string> {
  assertMayWrite(sources, field);
  if (!existsSync(stateFile)) {
    throw new InputError('nothing to restore: no state file (perfgate doctor --tune writes it)', {
      file: stateFile,
    });
  }
  const state = validate(TuneStateSchema, await readJsonFile(stateFile), stateFile);
  await restore(sources, state);
  await rm(stateFile);
  return `restored: ${plural(state.files.length, 'file')}, ${plural(state.gpus.length, 'GPU')}`;
}
