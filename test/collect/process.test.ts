import { afterEach, describe, expect, it } from 'vitest';
import { processCollector } from '../../src/collect/process.js';
import type { CollectorOutput } from '../../src/collect/types.js';
import { startWorker, type Worker } from './worker.js';

const MiB = 2 ** 20;
const workers: Worker[] = [];
afterEach(() => workers.splice(0).forEach((w) => w.stop()));

async function worker(tree = false): Promise<Worker> {
  const w = await startWorker({ tree });
  workers.push(w);
  return w;
}

const value = (output: CollectorOutput, name: string): number | undefined =>
  output.metrics.find((m) => m.name === name)?.value;

/** Runs `during` inside a window and returns the output and the window's length in seconds. */
async function measure(pid: number, during: () => Promise<void>) {
  const collector = processCollector({ pid, intervalMs: 50 });
  const t0 = performance.now();
  await collector.start();
  await during();
  const output = await collector.stop();
  return { output, seconds: (performance.now() - t0) / 1000 };
}

describe('process collector', () => {
  // The worker burns an exact amount of CPU time, so the expectation holds however busy the
  // machine is: cpu% × window / 100 = CPU seconds used ≈ 0.8 (±0.1 for 10 ms ticks and readline).
  it('measures the CPU a process uses in the window', async () => {
    const w = await worker();
    const { output, seconds } = await measure(w.pid, () => w.send('burn 800'));
    const cpuSeconds = (value(output, 'process.cpu')! * seconds) / 100;
    expect(cpuSeconds).toBeGreaterThan(0.7);
    expect(cpuSeconds).toBeLessThan(1.0);
    expect(output.metrics.find((m) => m.name === 'process.cpu')).toMatchObject({
      unit: '%',
      direction: 'lower',
    });
  });

  it('counts a grandchild, and keeps its CPU once it has exited', async () => {
    const w = await worker(true);
    const { output, seconds } = await measure(w.pid, async () => {
      await w.send('burn 500');
      await w.send('exit');
      await new Promise((resolve) => setTimeout(resolve, 100)); // let the parent reap it
    });
    // The exited worker's CPU is now in its parent's cutime: still ≈ 0.5 s.
    const cpuSeconds = (value(output, 'process.cpu')! * seconds) / 100;
    expect(cpuSeconds).toBeGreaterThan(0.4);
    expect(cpuSeconds).toBeLessThan(0.7);
  });

  it('reports the peak RSS of the whole tree', async () => {
    const w = await worker(true);
    const idle = await measure(w.pid, () => new Promise((resolve) => setTimeout(resolve, 150)));
    // Two idle Node processes: some tens of MiB.
    expect(value(idle.output, 'process.rss_peak')).toBeLessThan(200 * MiB);
    const busy = await measure(w.pid, () => w.send('alloc 256'));
    expect(value(busy.output, 'process.rss_peak')).toBeGreaterThan(256 * MiB);
    expect(value(busy.output, 'process.rss_peak')).toBeLessThan(256 * MiB + 200 * MiB);
  });

  it('says so, rather than reporting 0, when the process is gone', async () => {
    const w = await worker();
    const collector = processCollector({ pid: w.pid });
    await collector.start();
    w.stop();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const output = await collector.stop();
    expect(value(output, 'process.cpu')).toBeUndefined();
    expect(output.notes).toEqual([
      `process: pid ${w.pid} exited during the window; process.cpu omitted`,
    ]);
  });
});
