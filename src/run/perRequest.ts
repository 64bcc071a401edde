/**
 * What a request costs, derived from an http trial's other metrics. Pure.
 *
 * Under closed-loop load (autocannon keeps every connection busy) the resources a service uses per
 * second rise with the throughput a change buys: a service made 20× faster answers 20× the
 * requests and uses more CPU, GPU power and, with more requests in flight, more peak memory.
 * Judged per second, such a change reads as a regression (DESIGN.md, "Resource metrics are judged
 * per unit of work"). So an http trial (one that measured `requests_per_second`):
 * - gates what a request costs: `gpu.energy_per_request` (J: the visible GPUs' summed mean power
 *   over the request rate) and `process.cpu_per_request` (ms: the service tree's CPU time per
 *   answered request);
 * - keeps `process.cpu` and `process.rss_peak` as context: shown, and named as a possible
 *   confounder when they differ between the sides, never a verdict. Peak memory under load counts
 *   the requests in flight as much as the service's own footprint (docs/config.md, "Resource
 *   metrics").
 * A command trial does fixed work, so its CPU time and peak memory gate as measured.
 */
import type { TrialMetric } from '../collect/types.js';

const GPU_POWER = /^gpu\d+\.power$/;

/** Per second under closed-loop load: context in an http trial (see the module comment). */
const LOAD_BOUND = new Set(['process.cpu', 'process.rss_peak']);

/** A trial's metrics with the per-request costs added and the load-bound ones made context. */
export function perRequestCosts(metrics: readonly TrialMetric[]): TrialMetric[] {
  const rate = metrics.find((m) => m.name === 'requests_per_second')?.value;
  if (rate === undefined) return [...metrics];
  const costs: TrialMetric[] = [];
  const power = metrics.filter((m) => GPU_POWER.test(m.name));
  const cpu = metrics.find((m) => m.name === 'process.cpu');
  if (rate > 0 && power.length > 0) {
    const watts = power.reduce((sum, m) => sum + m.value, 0);
    costs.push({
      name: 'gpu.energy_per_request',
      unit: 'J',
      direction: 'lower',
      value: watts / rate,
    });
  }
  if (rate > 0 && cpu) {
    // process.cpu is % of one core: × 10 is CPU ms per wall second, over requests per second.
    const value = (cpu.value * 10) / rate;
    costs.push({ name: 'process.cpu_per_request', unit: 'ms', direction: 'lower', value });
  }
  const context = metrics.map((m) => (LOAD_BOUND.has(m.name) ? { ...m, informational: true } : m));
  return [...context, ...costs];
}
