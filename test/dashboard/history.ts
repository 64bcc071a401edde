// A stored history for the dashboard's tests: two environments, a +30 % step, a hostile name, a
// context metric and a target metric.
import { writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Environment, Results } from '../../src/results/schema.js';
import { folderStore } from '../../src/store/folderStore.js';

export const HOSTILE = '<img src=x onerror=alert(1)>';

export const CPU_ONLY: Environment = {
  os: 'linux',
  arch: 'x64',
  cpuModel: 'AMD EPYC 7763',
  cpuCount: 2,
  nodeVersion: 'v20.20.2',
};
export const WITH_GPU: Environment = {
  ...CPU_ONLY,
  gpus: [{ index: 0, name: 'NVIDIA H200', driver: '570.1' }],
};

/** Five trials around `center`, deterministic: ±2 % wobble that differs from run to run. */
function trials(center: number, run: number): number[] {
  return Array.from({ length: 5 }, (_, t) =>
    Number((center * (1 + 0.02 * Math.sin(run * 7.1 + t * 1.3))).toFixed(4)),
  );
}

/**
 * Run `i` on `environment`, a day apart from the next; from run `stepAt` latency steps up 30 % and
 * the host's background load (a context metric) from 2 % to 40 %. A GPU machine also reports its
 * utilization, a metric with a target of 85 %, at `gpuUtil` % (well below it by default).
 */
export function run(
  i: number,
  environment: Environment,
  { stepAt = Infinity, hostile = false, gpuUtil = 60 } = {},
): Results {
  const stepped = i >= stepAt;
  const latency = stepped ? 13 : 10;
  return {
    schema: 'perfgate/results@1',
    createdAt: new Date(Date.UTC(2026, 9, 1, 2) + i * 86_400_000).toISOString(),
    commit: (0xabc0000 + i).toString(16).padEnd(40, '0'),
    ref: 'refs/heads/main',
    environment,
    suites: [
      {
        name: 'api',
        metrics: [
          { name: 'latency_p95', unit: 'ms', direction: 'lower', samples: trials(latency, i) },
          { name: 'throughput', unit: 'ops/s', direction: 'higher', samples: trials(15_000, i) },
          {
            name: 'host.background_cpu',
            unit: '%',
            direction: 'lower',
            informational: true,
            samples: trials(stepped ? 40 : 2, i),
          },
          ...(environment.gpus
            ? [
                {
                  name: 'gpu.util',
                  unit: '%',
                  direction: 'target' as const,
                  target: 85,
                  samples: trials(gpuUtil, i),
                },
              ]
            : []),
        ],
      },
      {
        name: 'db',
        metrics: [{ name: 'query_ms', unit: 'ms', direction: 'lower', samples: trials(3.2, i) }],
      },
      ...(hostile
        ? [
            {
              name: HOSTILE,
              metrics: [
                {
                  name: `${HOSTILE}<script>alert(2)</script>`,
                  unit: '<b>',
                  direction: 'lower' as const,
                  samples: trials(1, i),
                },
              ],
            },
          ]
        : []),
    ],
  };
}

/**
 * 30 CPU-only runs with a +30 % latency step at run 20 and a hostile suite, then 8 runs on a GPU
 * machine (no step, a config change after 2), and one corrupt file: what a real data branch may
 * hold.
 */
export async function writeHistory(dir: string): Promise<void> {
  const store = folderStore(dir);
  for (let i = 0; i < 30; i++) {
    await store.append(run(i, CPU_ONLY, { stepAt: 20, hostile: true }), { branch: 'main' });
  }
  // The GPU machine's config changes after its second run (a new hash): marked, never a step.
  for (let i = 30; i < 38; i++) {
    const configHash = (i < 32 ? 'a' : 'b').repeat(64);
    await store.append({ ...run(i, WITH_GPU), configHash }, { branch: 'main' });
  }
  const corrupt = join(dir, 'main/2026/10/05/20261005T020000Z-corrupt-000000.json');
  await mkdir(dirname(corrupt), { recursive: true });
  await writeFile(corrupt, '{"schema": "perfgate/results@1", "createdAt": ');
}
