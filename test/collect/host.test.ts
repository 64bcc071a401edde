import { cpus } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { backgroundCpuPercent, hostCollector } from '../../src/collect/host.js';
import { processCollector } from '../../src/collect/process.js';
import type { Collector, CollectorOutput } from '../../src/collect/types.js';
import { startWorker, type Worker } from './worker.js';

const workers: Worker[] = [];
afterEach(() => workers.splice(0).forEach((w) => w.stop()));

const value = (output: CollectorOutput, name: string): number => {
  const metric = output.metrics.find((m) => m.name === name);
  if (!metric) throw new Error(`no ${name} in ${JSON.stringify(output)}`);
  return metric.value;
};

describe('backgroundCpuPercent', () => {
  const sample = (busy: number, total: number, oursTicks: number) => ({
    cpu: { busy, total },
    oursTicks,
  });

  it('is the busy share of the machine that is not ours', () => {
    // Δtotal 400 ticks (2 CPUs × 2 s), Δbusy 150, of which 50 ours: (150 − 50) / 400 = 25 %.
    expect(backgroundCpuPercent(sample(1000, 10_000, 300), sample(1150, 10_400, 350))).toBe(25);
  });

  it('clamps the skew of reading two files a moment apart', () => {
    expect(backgroundCpuPercent(sample(0, 0, 0), sample(10, 400, 12))).toBe(0);
  });

  it('has no value when no tick elapsed', () => {
    expect(backgroundCpuPercent(sample(5, 100, 0), sample(5, 100, 0))).toBeUndefined();
  });
});

describe('host collector', () => {
  it("counts a burner that isn't ours as background, and not when it is ours", async () => {
    const burner = await startWorker();
    workers.push(burner);
    // Three collectors over the same window, so co-tenant noise is the same for all of them.
    const notOurs = hostCollector({ ours: [] });
    const ours = hostCollector({ ours: [burner.pid] });
    const burnerCpu = processCollector({ pid: burner.pid });
    const all: Collector[] = [notOurs, ours, burnerCpu];
    await Promise.all(all.map((c) => c.start()));
    await burner.send('burn 1000');
    const [a, b, p] = await Promise.all(all.map((c) => c.stop()));

    const withBurner = value(a!, 'host.background_cpu');
    const withoutBurner = value(b!, 'host.background_cpu');
    // The burner's share of the machine: its % of one core over the number of cores.
    const burnerShare = value(p!, 'process.cpu') / cpus().length;
    // It burns ~1 CPU-second in a window of 1 s (idle machine) to ~3 s (busy one): ≥ ~15 % of 2 cores.
    expect(burnerShare).toBeGreaterThan(10);
    // Listing it as ours removes exactly its share; 5 points allow for the files being read ms apart.
    expect(withBurner - withoutBurner).toBeGreaterThan(burnerShare - 5);
    expect(withBurner - withoutBurner).toBeLessThan(burnerShare + 5);
    expect(a!.metrics[0]).toMatchObject({ unit: '%', direction: 'lower' });
  });
});
