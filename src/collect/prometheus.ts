/**
 * `prometheus` collector: scrapes the service's metrics endpoint at the window's start and end and
 * turns counter deltas into the metrics the config defines, e.g.
 *   cache hit rate %  = 100 × Δcache_hits_total / (Δcache_hits_total + Δcache_misses_total)
 *   mean db query ms  = 1000 × Δdb_query_duration_seconds_sum / Δdb_query_duration_seconds_count
 * Only the difference between two scrapes counts, so whatever the service did before the window
 * (warm-up, earlier trials) is left out.
 */
import { InputError, RunError } from '../errors.js';
import type { Direction } from '../results/schema.js';
import type { Collector, CollectorOutput, TrialMetric } from './types.js';
import {
  matches,
  parsePrometheusText,
  parseSelector,
  PromParseError,
  typeOf,
  type PromExposition,
  type PromSample,
} from './prometheusText.js';

/**
 * value = scale × ΣΔnumerator / ΣΔdenominator, or scale × ΣΔnumerator / window seconds when
 * perSecond, or scale × ΣΔnumerator when neither. A selector is a series name with optional
 * labels (`http_requests_total{route="/embed"}`); it sums every series of that name whose labels
 * include the given ones.
 */
export interface DerivedMetric {
  /** Reported as `prometheus.<name>`. */
  name: string;
  unit: string;
  direction: Direction;
  /** With direction `target`: the value to approach. */
  target?: number;
  numerator: string[];
  denominator?: string[];
  /** Default 1. */
  scale?: number;
  /** Divide by the window's duration in seconds; not together with a denominator. */
  perSecond?: boolean;
}

export interface PrometheusCollectorOptions {
  /** The metrics endpoint, e.g. http://127.0.0.1:9100/metrics. */
  url: string;
  metrics: DerivedMetric[];
  /** Per scrape; default 5000. */
  timeoutMs?: number;
}

/**
 * A series as the exposition writes it, e.g. `http_requests_total{route="/embed"}`. Labels are
 * sorted, so the text also identifies the series across scrapes whatever order they come in.
 */
function describeSeries({ name, labels }: PromSample): string {
  const pairs = Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([label, value]) => `${label}=${JSON.stringify(value)}`);
  return pairs.length > 0 ? `${name}{${pairs.join(',')}}` : name;
}

/** ΣΔ of the series one selector picks, or why it has none. */
function selectorDelta(
  selectorText: string,
  before: PromExposition,
  after: PromExposition,
): { delta: number } | { problem: string } {
  const selector = parseSelector(selectorText);
  const start = new Map(
    before.samples.filter((s) => matches(selector, s)).map((s) => [describeSeries(s), s.value]),
  );
  const known = [...before.samples, ...after.samples].some((s) => s.name === selector.name);
  if (!known && typeOf(after.types, selector.name) === 'untyped') {
    return { problem: `no series named ${selector.name} in either scrape` };
  }
  let delta = 0;
  for (const sample of after.samples.filter((s) => matches(selector, s))) {
    const id = describeSeries(sample);
    // A labelled series is often created on first use: one born during the window started at 0.
    const initial = start.get(id) ?? 0;
    start.delete(id);
    if (sample.value < initial && typeOf(after.types, sample.name) !== 'gauge') {
      return { problem: `counter reset: ${id} went from ${initial} to ${sample.value}` };
    }
    delta += sample.value - initial;
  }
  const [vanished] = start.keys();
  if (vanished !== undefined) return { problem: `${vanished} disappeared between the scrapes` };
  return { delta };
}

function sumDeltas(
  selectors: readonly string[],
  before: PromExposition,
  after: PromExposition,
): { delta: number } | { problem: string } {
  let delta = 0;
  for (const text of selectors) {
    const result = selectorDelta(text, before, after);
    if ('problem' in result) return result;
    delta += result.delta;
  }
  return { delta };
}

/** One derived metric from two scrapes `windowSeconds` apart, or the note that explains its absence. */
export function deriveMetric(
  definition: DerivedMetric,
  before: PromExposition,
  after: PromExposition,
  windowSeconds: number,
): { metric: TrialMetric } | { note: string } {
  const {
    name,
    unit,
    direction,
    target,
    numerator,
    denominator,
    scale = 1,
    perSecond = false,
  } = definition;
  const omitted = (why: string) => ({ note: `prometheus: prometheus.${name} omitted: ${why}` });
  const top = sumDeltas(numerator, before, after);
  if ('problem' in top) return omitted(top.problem);
  let value = scale * top.delta;
  if (denominator) {
    const bottom = sumDeltas(denominator, before, after);
    if ('problem' in bottom) return omitted(bottom.problem);
    if (bottom.delta === 0) return omitted(`its denominator did not change during the window`);
    value /= bottom.delta;
  } else if (perSecond) {
    value /= windowSeconds;
  }
  if (!Number.isFinite(value)) return omitted(`its value is ${value}`);
  const metric = { name: `prometheus.${name}`, unit, direction, value };
  return { metric: target === undefined ? metric : { ...metric, target } };
}

/** Config errors surface when the collector is made, not after a whole trial has run. */
function validate(definitions: readonly DerivedMetric[]): void {
  definitions.forEach((definition, i) => {
    const field = `metrics[${i}]`;
    if (definition.denominator && definition.perSecond) {
      throw new InputError('set either "denominator" or "perSecond", not both', { field });
    }
    for (const key of ['numerator', 'denominator'] as const) {
      definition[key]?.forEach((text, j) => {
        try {
          parseSelector(text);
        } catch (error) {
          if (!(error instanceof PromParseError)) throw error;
          throw new InputError(`invalid series selector: ${error.message}`, {
            field: `${field}.${key}[${j}]`,
          });
        }
      });
    }
  });
}

async function scrape(url: string, timeoutMs: number): Promise<PromExposition> {
  let response: Response;
  try {
    response = await fetch(url, {
      // Ask for the classic text format: a server may otherwise answer in OpenMetrics.
      headers: { accept: 'text/plain;version=0.0.4' },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    throw new RunError(
      `prometheus: scraping ${url} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
  if (!response.ok) {
    throw new RunError(
      `prometheus: scraping ${url} returned HTTP ${response.status} ${response.statusText}`,
    );
  }
  const text = await response.text();
  try {
    return parsePrometheusText(text);
  } catch (error) {
    if (!(error instanceof PromParseError)) throw error;
    throw new RunError(`prometheus: ${url} is not in the Prometheus text format: ${error.message}`);
  }
}

interface Scrape {
  at: number;
  exposition: PromExposition;
}

export function prometheusCollector({
  url,
  metrics,
  timeoutMs = 5000,
}: PrometheusCollectorOptions): Collector {
  validate(metrics);
  const timedScrape = async (): Promise<Scrape> => {
    const at = performance.now();
    return { at, exposition: await scrape(url, timeoutMs) };
  };
  let first: Scrape | undefined;

  return {
    name: 'prometheus',
    async start() {
      first = await timedScrape();
    },
    async stop(): Promise<CollectorOutput> {
      if (!first) throw new Error('prometheus collector: stop() called before start()');
      const last = await timedScrape();
      const windowSeconds = (last.at - first.at) / 1000;
      const output: CollectorOutput = { metrics: [], notes: [] };
      for (const definition of metrics) {
        const result = deriveMetric(definition, first.exposition, last.exposition, windowSeconds);
        if ('metric' in result) output.metrics.push(result.metric);
        else output.notes.push(result.note);
      }
      return output;
    },
  };
}
