/**
 * A command suite's `requires`: binaries on PATH (`nvidia-smi`) or Python modules
 * (`python3:torch`). A missing one skips the suite with a note instead of failing the run, so
 * one perfgate.yml serves GPU runners and CPU-only CI alike.
 */
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

async function onPath(binary: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  if (binary.includes('/'))
    return access(binary, constants.X_OK).then(
      () => true,
      () => false,
    );
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    if (
      await access(path.join(dir, binary), constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return true;
  }
  return false;
}

async function hasModule(
  interpreter: string,
  module: string,
  env: NodeJS.ProcessEnv,
): Promise<boolean> {
  try {
    await exec(interpreter, ['-c', `import ${module}`], { env, timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

/** The requirements that are missing, each as a short phrase for the skip note. */
export async function missingRequirements(
  requires: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<string[]> {
  const missing: string[] = [];
  for (const requirement of requires) {
    const [binary = requirement, module] = requirement.split(':');
    if (!(await onPath(binary, env))) missing.push(`${binary} not found`);
    else if (module && !(await hasModule(binary, module, env)))
      missing.push(`${binary} cannot import ${module}`);
  }
  return missing;
}
