/**
 * Energy per request, derived from a trial's other metrics: the visible GPUs' summed mean power
 * (W) over the requests answered per second (req/s) is joules per request. Power alone is no
 * verdict to trust: at maximum load it rises with the throughput a change buys. What a request
 * costs is. Pure.
 */
import type { TrialMetric } from '../collect/types.js';

const GPU_POWER = /^gpu\d+\.power$/;

/** `gpu.energy_per_request`, when the trial measured both power and a request rate; else none. */
export function energyPerRequest(metrics: readonly TrialMetric[]): TrialMetric[] {
  const rate = metrics.find((m) => m.name === 'requests_per_second')?.value;
  const power = metrics.filter((m) => GPU_POWER.test(m.name));
  if (rate === undefined || rate <= 0 || power.length === 0) return [];
  const watts = power.reduce((sum, m) => sum + m.value, 0);
  return [{ name: 'gpu.energy_per_request', unit: 'J', direction: 'lower', value: watts / rate }];
}
