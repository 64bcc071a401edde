/**
 * What one HTTP trial's counts become (http.ts counts them): requests/s, latency percentiles by
 * nearest rank, error and non-2xx rates, the load generator's CPU, and the notes that qualify
 * them. Pure.
 */
import type { TrialMetric } from '../collect/types.js';
import { GENERATOR_BOUND_CPU } from '../constants.js';
import { inferDirection } from '../results/direction.js';
import { nearestRank, type LatencySamples } from './percentiles.js';

export interface HttpTrialResult {
  metrics: TrialMetric[];
  /** The generator used >= 90 % of a core: the numbers may describe the generator. */
  generatorBound: boolean;
  notes: string[];
}

/** What a trial counted, over all its connections. */
export interface TrialCounts {
  latencies: LatencySamples;
  responses: number;
  non2xx: number;
  /** Requests that errored or timed out: sent, then lost with their connection. */
  failed: number;
  lastFailure?: string;
}

const LATENCY_PERCENTILES = [50, 90, 95, 99] as const;

/**
 * Requests/s of a trial from autocannon's one-second tick counts, those of the seconds that ended
 * before the load stopped (Trial.tick). The first includes connecting and warm-up, so it is
 * dropped; with fewer than 2 nothing would be left, so it falls back to responses over elapsed
 * time.
 */
export function requestsPerSecond(
  ticks: readonly number[],
  responses: number,
  elapsedSeconds: number,
): { value: number; note?: string } {
  const steady = ticks.slice(1);
  if (steady.length > 0) return { value: steady.reduce((a, b) => a + b, 0) / steady.length };
  return {
    value: elapsedSeconds > 0 ? responses / elapsedSeconds : 0,
    note:
      `requests_per_second: only ${ticks.length} full one-second tick(s), so it is total responses ` +
      `over elapsed time, including connection setup; run 3 s or more for steady-state ticks`,
  };
}

export function summarize(
  tally: TrialCounts,
  ticks: readonly number[],
  elapsedSeconds: number,
  generatorCpu: number,
  notes: string[],
): HttpTrialResult {
  const metric = (name: string, unit: string, value: number): TrialMetric => ({
    name,
    unit,
    direction: inferDirection(name, unit),
    value,
  });
  const throughput = requestsPerSecond(ticks, tally.responses, elapsedSeconds);
  if (throughput.note) notes.push(throughput.note);
  const metrics = [metric('requests_per_second', 'req/s', throughput.value)];

  if (tally.latencies.size > 0) {
    const sorted = tally.latencies.sorted();
    for (const p of LATENCY_PERCENTILES) {
      metrics.push(metric(`latency_p${p}`, 'ms', nearestRank(sorted, p)));
    }
    // The slowest single request is one sample, not a statistic: a GC pause or a scheduler
    // hiccup sets it, so it moves by tens of percent between trials and no practical number of
    // trials sees a 5 % change in it. Shown as context; latency_p99 is the tail that gates.
    metrics.push({ ...metric('latency_max', 'ms', nearestRank(sorted, 100)), informational: true });
  } else {
    notes.push('no response arrived: latency metrics are missing from this trial');
  }

  const ended = tally.responses + tally.failed;
  const percentOfEnded = (count: number) => (ended > 0 ? (100 * count) / ended : 0);
  metrics.push(
    metric('error_rate', '%', percentOfEnded(tally.failed)),
    metric('non2xx_rate', '%', percentOfEnded(tally.non2xx)),
    // The load generator's own cost describes the trial, not the service: context, never a verdict.
    { ...metric('generator_cpu', '%', generatorCpu), informational: true },
  );
  if (tally.failed > 0) {
    const last = tally.lastFailure ?? 'connection closed by the server';
    notes.push(`${tally.failed} of ${ended} requests failed (last: ${last})`);
  }
  if (tally.non2xx > 0) {
    // An endpoint that answers 500 fast can look like a speed-up: say so wherever it happens.
    const share = +percentOfEnded(tally.non2xx).toPrecision(3);
    notes.push(
      `${tally.non2xx} of ${ended} responses (${share} %) were not 2xx: is the endpoint failing? Their latencies count as answers`,
    );
  }
  return { metrics, generatorBound: generatorCpu >= GENERATOR_BOUND_CPU, notes };
}
