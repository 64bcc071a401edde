/**
 * The GPUs' memory at one moment, from one `nvidia-smi --query-gpu` call: what the runner reads to
 * decide whether a second service fits beside the first (run/alive.ts). A machine without
 * nvidia-smi, or whose driver does not answer, has no GPU memory to run out of: undefined.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface GpuMemory {
  index: number;
  usedMiB: number;
  totalMiB: number;
}

/** `0, 61234, 81559` per GPU (csv, noheader, nounits); a line that does not parse is skipped. */
export function parseGpuMemory(stdout: string): GpuMemory[] {
  return stdout.split('\n').flatMap((line) => {
    const [index, used, total] = line.split(',').map((field) => Number(field.trim()));
    const valid = [index, used, total].every((n) => n !== undefined && Number.isFinite(n));
    return valid ? [{ index: index!, usedMiB: used!, totalMiB: total! }] : [];
  });
}

export async function gpuMemory(env: NodeJS.ProcessEnv): Promise<GpuMemory[] | undefined> {
  try {
    const { stdout } = await exec(
      'nvidia-smi',
      ['--query-gpu=index,memory.used,memory.total', '--format=csv,noheader,nounits'],
      { env, timeout: 10_000 },
    );
    const gpus = parseGpuMemory(stdout);
    return gpus.length > 0 ? gpus : undefined;
  } catch {
    return undefined;
  }
}
