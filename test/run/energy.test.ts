import { describe, expect, it } from 'vitest';
import type { TrialMetric } from '../../src/collect/types.js';
import { energyPerRequest } from '../../src/run/energy.js';

const metric = (name: string, value: number): TrialMetric => ({
  name,
  unit: '',
  direction: 'lower',
  value,
});

describe('energyPerRequest', () => {
  it('divides the visible GPUs’ summed power by the request rate: W / (req/s) = J per request', () => {
    const metrics = [
      metric('requests_per_second', 500),
      metric('gpu0.power', 300),
      metric('gpu1.power', 100),
      // Not a GPU's power: left out.
      metric('prometheus.power', 999),
    ];
    expect(energyPerRequest(metrics)).toEqual([
      { name: 'gpu.energy_per_request', unit: 'J', direction: 'lower', value: 0.8 },
    ]);
  });

  it('derives nothing without power (a GPU that reports [N/A]), a rate, or any answer', () => {
    expect(energyPerRequest([metric('requests_per_second', 500)])).toEqual([]);
    expect(energyPerRequest([metric('gpu0.power', 300)])).toEqual([]);
    expect(energyPerRequest([metric('requests_per_second', 0), metric('gpu0.power', 300)])).toEqual(
      [],
    );
  });
});
