import { describe, expect, it } from 'vitest';
import type { TrialMetric } from '../../src/collect/types.js';
import { perRequestCosts } from '../../src/run/perRequest.js';

const metric = (name: string, value: number): TrialMetric => ({
  name,
  unit: '',
  direction: 'lower',
  value,
});

const derived = (metrics: TrialMetric[]) =>
  perRequestCosts(metrics).filter((m) => m.name.endsWith('_per_request'));

describe('perRequestCosts', () => {
  it('divides the visible GPUs’ summed power by the request rate: W / (req/s) = J per request', () => {
    const metrics = [
      metric('requests_per_second', 500),
      metric('gpu0.power', 300),
      metric('gpu1.power', 100),
      // Not a GPU's power: left out.
      metric('prometheus.power', 999),
    ];
    expect(derived(metrics)).toEqual([
      { name: 'gpu.energy_per_request', unit: 'J', direction: 'lower', value: 0.8 },
    ]);
  });

  it('gives CPU ms per request: 250 % of a core is 2.5 s of CPU a second, at 500 req/s 5 ms each', () => {
    const costs = perRequestCosts([metric('requests_per_second', 500), metric('process.cpu', 250)]);
    expect(costs.find((m) => m.name === 'process.cpu_per_request')).toEqual({
      name: 'process.cpu_per_request',
      unit: 'ms',
      direction: 'lower',
      value: 5,
    });
  });

  it('makes CPU and peak memory per second context in an http trial, not in a command trial', () => {
    const load = [metric('process.cpu', 250), metric('process.rss_peak', 1e8)];
    const http = perRequestCosts([metric('requests_per_second', 500), ...load]);
    for (const name of ['process.cpu', 'process.rss_peak']) {
      expect(http.find((m) => m.name === name)?.informational).toBe(true);
    }
    // A command trial does fixed work: its CPU and memory gate as measured, nothing is derived.
    expect(perRequestCosts(load)).toEqual(load);
  });

  it('derives nothing without power (a GPU that reports [N/A]), a rate, or any answer', () => {
    expect(derived([metric('requests_per_second', 500)])).toEqual([]);
    expect(derived([metric('gpu0.power', 300)])).toEqual([]);
    expect(derived([metric('requests_per_second', 0), metric('gpu0.power', 300)])).toEqual([]);
    expect(derived([metric('requests_per_second', 0), metric('process.cpu', 300)])).toEqual([]);
  });
});
