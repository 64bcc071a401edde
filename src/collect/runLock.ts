/**
 * Runs that measure on this machine, for `perfgate doctor`'s `runner.perfgate` check: each run
 * leaves a file named by its pid in a folder of the temporary directory while it measures, and
 * removes it after. Two runs measuring at once on one runner are each other's noise; a file whose
 * process is gone (a run killed with SIGKILL) is stale and ignored.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** The folder the runs' files live in. */
export const RUN_LOCKS = path.join(os.tmpdir(), 'perfgate-runs');

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Mark this process as measuring until the returned function is called. Files left by runs that
 * were killed go first: their pids may be reused by processes that are not perfgate.
 */
export async function holdRunLock(folder = RUN_LOCKS): Promise<() => Promise<void>> {
  const file = path.join(folder, `${process.pid}.lock`);
  try {
    await mkdir(folder, { recursive: true });
    for (const name of await readdir(folder)) {
      const pid = Number(/^(\d+)\.lock$/.exec(name)?.[1]);
      if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) {
        await rm(path.join(folder, name), { force: true });
      }
    }
    await writeFile(file, `${new Date().toISOString()}\n`);
  } catch {
    // A read-only temporary directory: the check cannot see this run, the run goes on.
    return async () => undefined;
  }
  return () => rm(file, { force: true });
}

/** The pids of the other live processes measuring now. */
export async function otherRuns(folder = RUN_LOCKS): Promise<number[] | undefined> {
  const names = await readdir(folder).catch((error: NodeJS.ErrnoException) =>
    error.code === 'ENOENT' ? [] : undefined,
  );
  if (names === undefined) return undefined;
  return names
    .map((name) => /^(\d+)\.lock$/.exec(name)?.[1])
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid));
}
