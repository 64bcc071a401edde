/**
 * The services of a run's arms: each started when its arm first needs it. With both sides alive
 * (alive.ts) every arm's service stays up beside the others until the run ends; one at a time,
 * starting one stops the others, as a service on a fixed port needs. A second service that would
 * not fit on the GPUs turns the rest of the run into one at a time, with the reason recorded.
 */
import { gpuMemory, type GpuMemory } from '../collect/gpuMemory.js';
import { gpuShortfall, type AliveDecision } from './alive.js';
import type { Progress } from './progress.js';
import type { RunningService } from './service.js';

export interface ArmServices {
  /**
   * The arm's running service: started now (and `started` true) unless it is up and may stay up;
   * `restart` (restartPerTrial) always starts a fresh one.
   */
  serve(
    arm: string,
    start: () => Promise<RunningService>,
    restart: boolean,
  ): Promise<{ service: RunningService; started: boolean }>;
  /** How the services ran in the end (the decision, or the GPU's veto). */
  decision(): AliveDecision | undefined;
  stopAll(): Promise<void>;
}

export function armServices(
  initial: AliveDecision | undefined,
  env: NodeJS.ProcessEnv,
  progress: Progress,
): ArmServices {
  let decision = initial;
  const running = new Map<string, RunningService>();
  let gpuBefore: GpuMemory[] | undefined;
  const stopAll = async () => {
    const stopping = [...running.values()].map((service) => service.stop());
    running.clear();
    await Promise.all(stopping);
  };
  return {
    async serve(arm, start, restart) {
      const current = running.get(arm);
      if (current && !restart) return { service: current, started: false };
      if (decision?.mode !== 'both' || restart) {
        await stopAll();
      } else if (running.size === 0) {
        gpuBefore = await gpuMemory(env);
      } else {
        const shortfall = gpuShortfall(gpuBefore, await gpuMemory(env));
        if (shortfall) {
          decision = { mode: 'one-at-a-time', why: shortfall };
          // progress escapes what it prints (run/progress.ts).
          progress.note(shortfall);
          await stopAll();
        }
      }
      const service = await start();
      running.set(arm, service);
      return { service, started: true };
    },
    decision: () => decision,
    stopAll,
  };
}
