/**
 * Like must be compared with like (DESIGN.md): the parts of an environment that change
 * performance, and the first one in which two environments differ. Pure.
 */
import type { Environment } from '../results/schema.js';
import { plural } from '../text.js';

/** The parts of an environment that change performance, each as a readable phrase. */
interface Fingerprint {
  cpuModel: string;
  cpuCount: string;
  arch: string;
  os: string;
  node: string;
  gpus: string;
}

function fingerprint(environment: Environment = {}): Fingerprint {
  const { cpuModel, cpuCount, arch, os, nodeVersion, gpus = [] } = environment;
  // The OS family only: kernel updates are routine and should not orphan the history.
  const osFamily = os?.split(/\s/)[0];
  // The Node major only: patch releases do not change the engine's performance enough to matter.
  const nodeMajor = /^v?(\d+)/.exec(nodeVersion ?? '')?.[1];
  const gpuNames = [...gpus]
    .sort((a, b) => a.index - b.index)
    .map((gpu) => (gpu.driver ? `${gpu.name} (driver ${gpu.driver})` : gpu.name));
  return {
    cpuModel: cpuModel ?? 'an unknown CPU',
    cpuCount: cpuCount ? plural(cpuCount, 'CPU') : 'an unknown number of CPUs',
    arch: arch ?? 'an unknown architecture',
    os: osFamily ?? 'an unknown OS',
    node: nodeMajor ? `Node ${nodeMajor}` : 'an unknown Node version',
    gpus: gpuNames.length ? gpuNames.join(', ') : 'no GPU',
  };
}

/**
 * An environment as one readable line, e.g. `AMD EPYC 7763 · 2 CPUs · x64 · linux · Node 20 · no
 * GPU`: two environments have the same label exactly when environmentDifference finds none.
 */
export function environmentLabel(environment: Environment | undefined): string {
  return Object.values(fingerprint(environment)).join(' · ');
}

/** The first fingerprint field two environments differ in, as readable phrases; none when alike. */
export function environmentDifference(
  was: Environment | undefined,
  is: Environment | undefined,
): { was: string; is: string } | undefined {
  const [a, b] = [fingerprint(was), fingerprint(is)];
  const field = (Object.keys(b) as (keyof Fingerprint)[]).find((key) => a[key] !== b[key]);
  return field && { was: a[field], is: b[field] };
}
