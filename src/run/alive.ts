/**
 * Both sides alive (issue #24): in an interleaved run the base's and the head's services start
 * once each and stay up, and the load alternates between them; a model server that takes minutes
 * to load then loads twice per pull request, not at every switch of side. This file decides
 * whether they can (a port per side, room for two on the GPU) and says why not.
 */
import { createServer } from 'node:net';
import type { GpuMemory } from '../collect/gpuMemory.js';
import type { Service } from '../config/index.js';
import { PORT_REFERENCE, usesPort } from '../config/port.js';

export type AliveMode = 'both' | 'one-at-a-time';

/** How the sides' services ran, recorded in the results, and why not both when they could not. */
export interface AliveDecision {
  mode: AliveMode;
  why?: string;
}

/** What a report says, and the one-line change that fixes it, when the port is written down. */
export const FIXED_PORT =
  "the service's port is written in the config, so the two sides' services cannot run at once " +
  `and it restarts at every switch of side; write ${PORT_REFERENCE} where the port goes (in ` +
  'service.command or service.env, and service.healthUrl) and perfgate gives each side its own';

/** Whether both sides' services can stay up for the whole run, from the config alone. */
export function aliveMode(service: Service | undefined, sides: number): AliveDecision | undefined {
  if (!service || sides < 2) return undefined;
  if (service.alive === 'one-at-a-time') {
    return { mode: 'one-at-a-time', why: 'service.alive is one-at-a-time' };
  }
  if (service.restartPerTrial) {
    return {
      mode: 'one-at-a-time',
      why: 'service.restartPerTrial starts a fresh service for every trial',
    };
  }
  // service.alive: both without the port reference is refused when the config loads.
  if (!usesPort(service)) return { mode: 'one-at-a-time', why: FIXED_PORT };
  return { mode: 'both' };
}

/**
 * Does a second copy fit on the GPUs? `before` is their memory before the first side's service
 * started, `now` with it running (loaded and warmed up): the second needs what the first took, on
 * the same GPUs. undefined when it fits (or there is no GPU), else why not.
 */
export function gpuShortfall(
  before: readonly GpuMemory[] | undefined,
  now: readonly GpuMemory[] | undefined,
): string | undefined {
  if (!before || !now) return undefined;
  for (const gpu of now) {
    const was = before.find((g) => g.index === gpu.index);
    if (!was) continue;
    const took = gpu.usedMiB - was.usedMiB;
    const free = gpu.totalMiB - gpu.usedMiB;
    if (took > 0 && free < took) {
      return (
        `the first side's service took ${took} MiB of GPU ${gpu.index}'s memory and ${free} MiB ` +
        'are free, so the second cannot start beside it: the services ran one at a time'
      );
    }
  }
  return undefined;
}

/** A port no one listens on now, for one side's service (`${PERFGATE_PORT}`). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}
