/**
 * Which way is better for a metric, declared in this one place (STYLE.md: direction is a
 * property of the metric and its unit, not of the tool that produced it). Imported formats
 * (BMF, github-action-benchmark) carry no direction, so it is inferred from name and unit.
 */
import type { Direction } from './schema.js';

/** A whole word or unit symbol: `ms` must not match inside `items`, nor `ops` inside `stops`. */
function word(pattern: string): RegExp {
  return new RegExp(`(?<![a-zµ])(?:${pattern})(?![a-z])`);
}

/** Counts of bad events are lower-is-better even when they are rates, like `errors/s`. */
const BAD_EVENTS = word('errors?|failures?|failed|timeouts?|drops|dropped|retries|rejected');

const HIGHER = [
  word('throughput|bandwidth|ops|qps|rps|hits|hit ?(?:rate|ratio)'),
  // Anything per unit of time is a rate of work done: req/s, items/s, tokens/s, MB/s, ops/sec.
  /\/ ?s(?:ec(?:ond)?)?(?![a-z])/,
  word('per s(?:ec(?:ond)?)?'),
  // Snake-case rates as Python benchmarks name them: items_s, tokens_s, samples_per_s.
  word('(?:items|tokens|samples|images|requests|reqs?|queries|ops) s'),
];

const LOWER = [
  word('latency|duration|time|elapsed|memory|rss|heap|size'),
  word('ns|us|µs|ms|s|sec|seconds?|minutes?'),
  word('b|bytes|[kmgt]i?b'),
];

/**
 * Infer the direction of a metric from its name and unit. The unit decides when it is
 * telling (`ns/op` is lower whatever the benchmark is called), then the name; anything
 * unknown is `lower`, since most things measured (time, memory, CPU) cost something.
 * Never returns `target`: that needs a target value, which only the measure itself can give
 * (BMF's `target` extension, docs/command-protocol.md).
 */
export function inferDirection(metricName: string, unit = ''): Direction {
  const name = normalize(metricName);
  const unitText = normalize(unit);
  if (BAD_EVENTS.test(name) || BAD_EVENTS.test(unitText)) return 'lower';
  return classify(unitText) ?? classify(name) ?? 'lower';
}

/** `hit_rate`, `Hit-Rate` and `hit rate` read alike. */
function normalize(text: string): string {
  return text.toLowerCase().replace(/[_-]+/g, ' ');
}

function classify(text: string): Direction | undefined {
  if (HIGHER.some((pattern) => pattern.test(text))) return 'higher';
  if (LOWER.some((pattern) => pattern.test(text))) return 'lower';
  return undefined;
}
