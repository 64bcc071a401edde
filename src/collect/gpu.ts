/**
 * `gpu` collector: per-GPU utilization, memory, power, temperature and (as context) SM clock
 * from nvidia-smi, sampled every intervalMs while the window is open, plus each GPU's identity
 * for the environment.
 *
 * nvidia-smi runs in loop mode (`-lms`) from start() until stop() kills it. A machine without
 * nvidia-smi, or whose driver is broken, yields notes instead of metrics: GPU numbers are an
 * addition to a run, never a reason to fail it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { max, mean } from 'simple-statistics';
import type { Gpu } from '../results/schema.js';
import { visibleGpus, type CudaEnv } from './cudaVisible.js';
import type { Collector, CollectorOutput, TrialMetric } from './types.js';

export interface GpuCollectorOptions {
  /** Sampling period passed to `nvidia-smi -lms`; default 250. */
  intervalMs?: number;
  /** The nvidia-smi executable; default 'nvidia-smi' looked up on PATH. */
  binary?: string;
  /** How long stop() lets nvidia-smi exit on SIGTERM before it sends SIGKILL; default 2000. */
  killGraceMs?: number;
  /** nvidia-smi's environment (its PATH); default perfgate's own. It ignores CUDA_VISIBLE_DEVICES. */
  env?: NodeJS.ProcessEnv;
  /** Judge each GPU's utilization by its distance to this percentage, not as higher-is-better. */
  utilizationTarget?: number;
  /**
   * The environments of the processes the trial runs: only the GPUs their CUDA_VISIBLE_DEVICES
   * leave them are reported, numbered as they number them (cudaVisible.ts). Default: every GPU.
   */
  workloadEnvs?: readonly CudaEnv[];
}

/** The --query-gpu fields, in the order parseNvidiaSmiLine reads them. */
const NVIDIA_SMI_FIELDS = [
  'timestamp',
  'index',
  'name',
  'uuid',
  'driver_version',
  'utilization.gpu',
  'utilization.memory',
  'memory.used',
  'memory.total',
  'power.draw',
  'temperature.gpu',
  'clocks.sm',
] as const;

export function nvidiaSmiArgs(intervalMs: number): string[] {
  return [
    `--query-gpu=${NVIDIA_SMI_FIELDS.join(',')}`,
    '--format=csv,noheader,nounits',
    '-lms',
    String(intervalMs),
  ];
}

/** One line of nvidia-smi output: one GPU at one instant. null where nvidia-smi printed `[…]`. */
export interface NvidiaSmiSample {
  /** As printed, e.g. "2024/05/14 10:21:03.123" (local time, no zone). */
  timestamp: string;
  index: number;
  name: string;
  uuid: string | null;
  driver: string | null;
  /** % of time a kernel was running. */
  utilization: number | null;
  /** % of time device memory was being read or written. */
  memoryUtilization: number | null;
  memoryUsedMiB: number | null;
  memoryTotalMiB: number | null;
  powerW: number | null;
  temperatureC: number | null;
  smClockMHz: number | null;
}

/** `[N/A]`, `[Not Supported]`, `[Insufficient Permissions]`, …: nvidia-smi's ways of saying "no value". */
const isBracketed = (value: string): boolean => value.startsWith('[') && value.endsWith(']');

/**
 * Parses one line of `--format=csv,noheader,nounits` output for NVIDIA_SMI_FIELDS.
 * Returns undefined for anything else (an error message, a truncated line).
 */
export function parseNvidiaSmiLine(line: string): NvidiaSmiSample | undefined {
  // GPU names and driver versions hold no commas, so a plain split is exact for these fields.
  const cells = line.split(',').map((cell) => cell.trim());
  if (cells.length !== NVIDIA_SMI_FIELDS.length) return undefined;
  const [timestamp, index, name, uuid, driver, ...numeric] = cells as [
    string,
    string,
    string,
    string,
    string,
    ...string[],
  ];
  const numbers = numeric.map((cell) => (isBracketed(cell) ? null : Number(cell)));
  if (!/^\d+$/.test(index) || numbers.some((n) => n !== null && !Number.isFinite(n)))
    return undefined;
  const [
    utilization,
    memoryUtilization,
    memoryUsedMiB,
    memoryTotalMiB,
    powerW,
    temperatureC,
    smClockMHz,
  ] = numbers as (number | null)[];
  return {
    timestamp,
    index: Number(index),
    name,
    uuid: isBracketed(uuid) ? null : uuid,
    driver: isBracketed(driver) ? null : driver,
    utilization: utilization ?? null,
    memoryUtilization: memoryUtilization ?? null,
    memoryUsedMiB: memoryUsedMiB ?? null,
    memoryTotalMiB: memoryTotalMiB ?? null,
    powerW: powerW ?? null,
    temperatureC: temperatureC ?? null,
    smClockMHz: smClockMHz ?? null,
  };
}

/**
 * The per-GPU metrics: which sample field, how the window's samples reduce to one value. Only the
 * memory peak gates. The others follow the load: under a fixed request rate, less GPU time or
 * power for the same work is a gain; under maximum load, both rise with the throughput a change
 * buys, which the suite measures itself. So they are context (a difference between the sides is
 * named as a possible confounder), utilization gates by its distance to a target when one is set,
 * and an http trial gates what a request costs, gpu.energy_per_request (run/energy.ts).
 */
const GPU_METRICS = [
  {
    suffix: 'utilization',
    unit: '%',
    direction: 'higher',
    pick: (s) => s.utilization,
    reduce: mean,
    informational: true,
  },
  {
    suffix: 'memory_utilization',
    unit: '%',
    direction: 'higher',
    pick: (s) => s.memoryUtilization,
    reduce: mean,
    informational: true,
  },
  {
    suffix: 'memory_used_peak',
    unit: 'MiB',
    direction: 'lower',
    pick: (s) => s.memoryUsedMiB,
    reduce: max,
  },
  {
    suffix: 'power',
    unit: 'W',
    direction: 'lower',
    pick: (s) => s.powerW,
    reduce: mean,
    informational: true,
  },
  {
    suffix: 'temperature_max',
    unit: '°C',
    direction: 'lower',
    pick: (s) => s.temperatureC,
    reduce: max,
    informational: true,
  },
  // A GPU that throttles (heat, power cap) on one side of an A/B runs that side slower, whatever
  // the code.
  {
    suffix: 'sm_clock',
    unit: 'MHz',
    direction: 'higher',
    pick: (s) => s.smClockMHz,
    reduce: mean,
    informational: true,
  },
] as const satisfies readonly {
  suffix: string;
  unit: string;
  direction: TrialMetric['direction'];
  pick: (s: NvidiaSmiSample) => number | null;
  reduce: (values: number[]) => number;
  informational?: true;
}[];

/**
 * Reduces a window's samples to metrics per GPU, notes for metrics with no value, and GPU
 * identities. With a target, utilization is judged by its distance to it: a serving GPU held
 * near 85 % has headroom for bursts, and one pushed to 100 % queues requests.
 *
 * `visible` (cudaVisible.ts) keeps the trial's GPUs and names each as the trial's processes
 * number it: on a runner pinned to GPU 3 its metrics are `gpu0.*`, as on the runner pinned to
 * GPU 5, so the history of one config does not split by which runner took the job. The
 * environment keeps nvidia-smi's index.
 */
export function summarizeGpuSamples(
  samples: readonly NvidiaSmiSample[],
  {
    utilizationTarget,
    visible = 'all',
  }: { utilizationTarget?: number; visible?: readonly number[] | 'all' } = {},
): CollectorOutput {
  const ordinal = (index: number) => (visible === 'all' ? index : visible.indexOf(index));
  const byIndex = new Map<number, NvidiaSmiSample[]>();
  for (const s of samples) {
    if (ordinal(s.index) < 0) continue;
    const list = byIndex.get(s.index);
    if (list) list.push(s);
    else byIndex.set(s.index, [s]);
  }
  const metrics: TrialMetric[] = [];
  const notes: string[] = [];
  const gpus: Gpu[] = [];
  for (const [index, gpuSamples] of [...byIndex].sort(([a], [b]) => ordinal(a) - ordinal(b))) {
    const first = gpuSamples[0]!;
    gpus.push({
      index,
      name: first.name,
      ...(first.uuid !== null && { uuid: first.uuid }),
      ...(first.driver !== null && { driver: first.driver }),
      ...(first.memoryTotalMiB !== null && { memoryTotalMiB: first.memoryTotalMiB }),
    });
    for (const definition of GPU_METRICS) {
      const { suffix, unit, direction, pick, reduce } = definition;
      const name = `gpu${ordinal(index)}.${suffix}`;
      const values = gpuSamples.map(pick).filter((v) => v !== null);
      if (values.length === 0) {
        notes.push(
          `gpu: ${name} omitted: nvidia-smi gave no value in ${gpuSamples.length} samples`,
        );
      } else {
        const value = reduce(values);
        if (suffix === 'utilization' && utilizationTarget !== undefined) {
          metrics.push({ name, unit, direction: 'target', target: utilizationTarget, value });
        } else if ('informational' in definition) {
          metrics.push({ name, unit, direction, value, informational: true });
        } else {
          metrics.push({ name, unit, direction, value });
        }
      }
    }
  }
  return { metrics, notes, ...(gpus.length > 0 && { environment: { gpus } }) };
}

export function gpuCollector({
  intervalMs = 250,
  binary = 'nvidia-smi',
  killGraceMs = 2000,
  env,
  utilizationTarget,
  workloadEnvs = [{}],
}: GpuCollectorOptions = {}): Collector {
  let child: ChildProcess | undefined;
  let closed: Promise<number | null> | undefined;
  let spawnError: NodeJS.ErrnoException | undefined;
  let stdout = '';
  let stderr = '';

  return {
    name: 'gpu',
    async start() {
      const proc = spawn(binary, nvidiaSmiArgs(intervalMs), {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: env ?? process.env,
      });
      child = proc;
      proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      // 'close' follows 'error' too, so it always settles; it also means both pipes are drained.
      closed = new Promise((resolve) => proc.once('close', resolve));
      await new Promise<void>((resolve) => {
        proc.once('spawn', resolve);
        proc.once('error', (error) => {
          spawnError = error;
          resolve();
        });
      });
    },
    async stop(): Promise<CollectorOutput> {
      if (!child || !closed) throw new Error('gpu collector: stop() called before start()');
      const exitedEarly =
        child.exitCode !== null || child.signalCode !== null || spawnError !== undefined;
      let escalation: NodeJS.Timeout | undefined;
      if (!exitedEarly) {
        const proc = child;
        proc.kill('SIGTERM');
        // A hung or SIGTERM-ignoring nvidia-smi must not hold the run up forever.
        escalation = setTimeout(() => proc.kill('SIGKILL'), killGraceMs);
      }
      const code = await closed.finally(() => clearTimeout(escalation));
      if (spawnError) {
        const note =
          spawnError.code === 'ENOENT'
            ? 'gpu: nvidia-smi not found; GPU metrics unavailable'
            : `gpu: cannot run ${binary}: ${spawnError.message}; GPU metrics unavailable`;
        return { metrics: [], notes: [note] };
      }
      // The text after the last newline is a line cut short by the kill: not a sample.
      const lines = stdout
        .split('\n')
        .slice(0, -1)
        .filter((line) => line.trim() !== '');
      const samples: NvidiaSmiSample[] = [];
      const other: string[] = [];
      for (const line of lines) {
        const sample = parseNvidiaSmiLine(line);
        if (sample) samples.push(sample);
        else other.push(line.trim());
      }
      const { visible, notes } = visibleGpus(samples, workloadEnvs);
      const output = summarizeGpuSamples(samples, { utilizationTarget, visible });
      output.notes.push(...notes);
      if (exitedEarly && code !== 0) {
        // nvidia-smi prints some failures (e.g. "couldn't communicate with the NVIDIA driver") on
        // stdout, others on stderr: the note carries both.
        const message = [stderr.trim(), ...other].filter(Boolean).join(' ');
        output.notes.push(`gpu: nvidia-smi exited with code ${code}: ${message}`);
      } else if (other.length > 0) {
        output.notes.push(
          `gpu: ignored ${other.length} unrecognized nvidia-smi lines, e.g. "${other[0]}"`,
        );
      }
      if (samples.length === 0 && output.notes.length === 0) {
        output.notes.push('gpu: nvidia-smi printed no samples during the window');
      }
      return output;
    },
  };
}
