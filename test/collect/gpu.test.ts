import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  gpuCollector,
  nvidiaSmiArgs,
  parseNvidiaSmiLine,
  summarizeGpuSamples,
  type NvidiaSmiSample,
} from '../../src/collect/gpu.js';
import { readProcesses } from '../../src/collect/procfs.js';

const fake = (name: string) =>
  fileURLToPath(new URL(`../fixtures/nvidia-smi/${name}`, import.meta.url));

/**
 * The command lines of this process's children that contain `text`. A fake nvidia-smi is a bash
 * script, so its process name is `bash`: only its command line names the fixture. Children only,
 * so that another test run on the machine using the same fixture cannot fail this one.
 */
async function childrenRunning(text: string): Promise<string[]> {
  const children = [...(await readProcesses()).values()].filter((p) => p.ppid === process.pid);
  const lines = await Promise.all(
    children.map(({ pid }) =>
      readFile(`/proc/${pid}/cmdline`, 'utf8').then(
        (line) => line.replaceAll('\0', ' '),
        () => '', // exited meanwhile
      ),
    ),
  );
  return lines.filter((line) => line.includes(text));
}

describe('nvidiaSmiArgs', () => {
  it('asks for the documented fields in CSV without header or units, looping every interval', () => {
    expect(['nvidia-smi', ...nvidiaSmiArgs(250)].join(' ')).toBe(
      'nvidia-smi --query-gpu=timestamp,index,name,uuid,driver_version,utilization.gpu,utilization.memory,memory.used,memory.total,power.draw,temperature.gpu,clocks.sm --format=csv,noheader,nounits -lms 250',
    );
  });
});

describe('parseNvidiaSmiLine', () => {
  it('parses a real H100 line', () => {
    const line =
      '2024/05/14 10:21:03.123, 0, NVIDIA H100 80GB HBM3, GPU-5f3c9e1a-2b7d-4c8e-9f01-23456789abcd, 550.54.15, 87, 45, 61234, 81559, 412.34, 63, 1980';
    expect(parseNvidiaSmiLine(line)).toEqual({
      timestamp: '2024/05/14 10:21:03.123',
      index: 0,
      name: 'NVIDIA H100 80GB HBM3',
      uuid: 'GPU-5f3c9e1a-2b7d-4c8e-9f01-23456789abcd',
      driver: '550.54.15',
      utilization: 87,
      memoryUtilization: 45,
      memoryUsedMiB: 61234,
      memoryTotalMiB: 81559,
      powerW: 412.34,
      temperatureC: 63,
      smClockMHz: 1980,
    } satisfies NvidiaSmiSample);
  });

  it('turns every bracketed value into null', () => {
    const line =
      '2024/05/14 10:21:03.123, 1, Tesla T4, [N/A], 535.104.05, [Not Supported], [Insufficient Permissions], 0, 15360, [N/A], 35, 300';
    expect(parseNvidiaSmiLine(line)).toMatchObject({
      uuid: null,
      utilization: null,
      memoryUtilization: null,
      memoryUsedMiB: 0,
      powerW: null,
    });
  });

  it('rejects lines that are not samples', () => {
    expect(
      parseNvidiaSmiLine(
        "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.",
      ),
    ).toBeUndefined();
    expect(
      parseNvidiaSmiLine('2024/05/14 10:21:03.123, 0, NVIDIA H100 80GB HBM3, GPU-5f3c'),
    ).toBeUndefined();
    // With units ("87 %") the numbers do not parse: the collector always asks for nounits.
    expect(
      parseNvidiaSmiLine(
        '2024/05/14 10:21:03.123, 0, H100, GPU-1, 550.54.15, 87 %, 45 %, 1 MiB, 2 MiB, 4 W, 63, 1980 MHz',
      ),
    ).toBeUndefined();
  });
});

describe('summarizeGpuSamples', () => {
  const sample = (
    index: number,
    utilization: number | null,
    memoryUsedMiB: number,
    powerW: number | null,
  ): NvidiaSmiSample => ({
    timestamp: '2024/05/14 10:21:03.123',
    index,
    name: 'NVIDIA H100 80GB HBM3',
    uuid: `GPU-${index}`,
    driver: '550.54.15',
    utilization,
    memoryUtilization: 40,
    memoryUsedMiB,
    memoryTotalMiB: 81559,
    powerW,
    temperatureC: 60 + index,
    smClockMHz: 1980,
  });

  it('reduces each GPU to means and peaks, skipping nulls', () => {
    const { metrics } = summarizeGpuSamples([
      sample(0, 80, 100, 300),
      sample(0, null, 300, 400),
      sample(0, 90, 200, 500),
    ]);
    expect(metrics).toEqual([
      // The mean of 80 and 90: the null is no 0. Context, as is the memory's utilization.
      { name: 'gpu0.utilization', unit: '%', direction: 'higher', value: 85, informational: true },
      {
        name: 'gpu0.memory_utilization',
        unit: '%',
        direction: 'higher',
        value: 40,
        informational: true,
      },
      // The one that gates: the peak decides whether a bigger batch still fits.
      { name: 'gpu0.memory_used_peak', unit: 'MiB', direction: 'lower', value: 300 },
      { name: 'gpu0.power', unit: 'W', direction: 'lower', value: 400, informational: true },
      {
        name: 'gpu0.temperature_max',
        unit: '°C',
        direction: 'lower',
        value: 60,
        informational: true,
      },
      {
        name: 'gpu0.sm_clock',
        unit: 'MHz',
        direction: 'higher',
        value: 1980,
        informational: true,
      },
    ]);
  });

  it('keeps the visible GPUs only, numbered in the order the trial sees them', () => {
    const samples = [sample(0, 80, 100, 300), sample(1, 10, 700, 50), sample(2, 99, 9, 9)];
    // CUDA_VISIBLE_DEVICES=1,0: cuda:0 is GPU 1 and cuda:1 is GPU 0; GPU 2 is another job's.
    const { metrics, environment } = summarizeGpuSamples(samples, { visible: [1, 0] });
    const used = metrics.filter((m) => m.name.endsWith('.memory_used_peak'));
    expect(used.map((m) => [m.name, m.value])).toEqual([
      ['gpu0.memory_used_peak', 700],
      ['gpu1.memory_used_peak', 100],
    ]);
    expect(environment?.gpus?.map((gpu) => gpu.index)).toEqual([1, 0]);
  });

  it('omits a metric with no value at all, with a note', () => {
    const { metrics, notes } = summarizeGpuSamples([
      sample(1, 10, 1, null),
      sample(1, 20, 1, null),
    ]);
    expect(metrics.map((m) => m.name)).not.toContain('gpu1.power');
    expect(notes).toEqual(['gpu: gpu1.power omitted: nvidia-smi gave no value in 2 samples']);
  });
});

describe('gpu collector', () => {
  it('reports only the GPUs the trial can use: nvidia-smi itself ignores CUDA_VISIBLE_DEVICES', async () => {
    // The stand-in lists both H100s whatever the variable says, as the real one does; the trial's
    // processes were given GPU 1 by a UUID prefix.
    const collector = gpuCollector({
      binary: fake('nvidia-smi'),
      intervalMs: 50,
      env: { ...process.env, CUDA_VISIBLE_DEVICES: 'GPU-0a1b' },
      workloadEnvs: [{ CUDA_VISIBLE_DEVICES: 'GPU-0a1b' }],
    });
    await collector.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { metrics, environment } = await collector.stop();
    // Named as the trial numbers it (cuda:0), measured on nvidia-smi's GPU 1 (1024/2048 MiB).
    expect(new Set(metrics.map((m) => m.name.split('.')[0]))).toEqual(new Set(['gpu0']));
    expect(metrics.find((m) => m.name === 'gpu0.memory_used_peak')?.value).toBe(2048);
    expect(environment?.gpus?.map((gpu) => gpu.index)).toEqual([1]);
  });

  it('samples every GPU while the window is open (fake nvidia-smi, two H100s)', async () => {
    const collector = gpuCollector({ binary: fake('nvidia-smi'), intervalMs: 50 });
    await collector.start();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { metrics, notes, environment } = await collector.stop();
    // stop() killed it and waited for it: no fake nvidia-smi child of ours is left.
    expect(await childrenRunning('fixtures/nvidia-smi')).toEqual([]);
    const byName = Object.fromEntries(metrics.map((m) => [m.name, m.value]));
    // The fake alternates two levels per sample (see its header): means lie between them, peaks are the high one.
    expect(byName['gpu0.utilization']).toBeGreaterThanOrEqual(80);
    expect(byName['gpu0.utilization']).toBeLessThanOrEqual(90);
    expect(byName['gpu0.memory_used_peak']).toBe(61300);
    expect(byName['gpu0.power']).toBeGreaterThanOrEqual(400);
    expect(byName['gpu0.power']).toBeLessThanOrEqual(420);
    expect(byName['gpu0.temperature_max']).toBe(65);
    expect(byName['gpu1.memory_used_peak']).toBe(2048);
    expect(byName['gpu1.memory_utilization']).toBe(5);
    expect(byName).not.toHaveProperty('gpu1.power');
    expect(notes).toEqual([
      expect.stringMatching(/^gpu: gpu1\.power omitted: nvidia-smi gave no value in \d+ samples$/),
    ]);
    expect(environment?.gpus).toEqual([
      {
        index: 0,
        name: 'NVIDIA H100 80GB HBM3',
        uuid: 'GPU-5f3c9e1a-2b7d-4c8e-9f01-23456789abcd',
        driver: '550.54.15',
        memoryTotalMiB: 81559,
      },
      {
        index: 1,
        name: 'NVIDIA H100 80GB HBM3',
        uuid: 'GPU-0a1b2c3d-4e5f-6789-abcd-ef0123456789',
        driver: '550.54.15',
        memoryTotalMiB: 81559,
      },
    ]);
  });

  it('kills an nvidia-smi that ignores SIGTERM after a grace period', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'perfgate-gpu-'));
    try {
      const binary = path.join(dir, 'stubborn-nvidia-smi');
      await writeFile(
        binary,
        "#!/usr/bin/env bash\ntrap '' TERM\nwhile :; do sleep 0.05 </dev/null >/dev/null 2>&1; done\n",
      );
      await chmod(binary, 0o755);
      const collector = gpuCollector({ binary, intervalMs: 50, killGraceMs: 300 });
      await collector.start();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const begun = Date.now();
      const { metrics, notes } = await collector.stop();
      // SIGKILL follows SIGTERM after the 300 ms grace.
      expect(Date.now() - begun).toBeGreaterThanOrEqual(290);
      expect(Date.now() - begun).toBeLessThan(3000);
      expect(metrics).toEqual([]);
      expect(notes).toEqual(['gpu: nvidia-smi printed no samples during the window']);
      expect(await childrenRunning(binary)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('carries on without nvidia-smi', async () => {
    const collector = gpuCollector({ binary: '/nonexistent/nvidia-smi' });
    await collector.start();
    expect(await collector.stop()).toEqual({
      metrics: [],
      notes: ['gpu: nvidia-smi not found; GPU metrics unavailable'],
    });
  });

  it('carries on when nvidia-smi cannot reach the driver, and says why', async () => {
    const collector = gpuCollector({ binary: fake('nvidia-smi-no-driver') });
    await collector.start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { metrics, notes } = await collector.stop();
    expect(metrics).toEqual([]);
    expect(notes).toEqual([
      "gpu: nvidia-smi exited with code 9: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
    ]);
  });
});
