import { describe, expect, it } from 'vitest';
import { inferDirection } from '../../src/results/direction.js';

describe('inferDirection', () => {
  it.each([
    ['throughput', 'req/s'],
    ['throughput', ''],
    ['requests', 'req/s'],
    ['embeddings', 'items/s'],
    ['generation', 'tokens/s'],
    ['copy', 'MB/s'],
    ['ops', ''],
    ['bench', 'ops/sec'],
    ['hit_rate', '%'],
    ['Hit-Rate', ''],
    ['cache hit ratio', ''],
    ['tokens_per_second', ''],
    ['tokens_s', ''],
    ['items_s', ''],
    ['samples_per_s', ''],
    // `ms` inside the unit `items` is not milliseconds, so the name decides.
    ['throughput', 'items'],
  ])('%s in %j is higher-is-better', (name, unit) => {
    expect(inferDirection(name, unit)).toBe('higher');
  });

  it.each([
    ['latency_p95', 'ms'],
    ['latency', 'ns'],
    ['request duration', ''],
    ['build-time', ''],
    ['query_mean', 'ms'],
    ['rss', 'bytes'],
    ['heap', 'MiB'],
    ['memory', ''],
    ['errors', ''],
    // A rate of failures is still bad: the bad event wins over the per-second unit.
    ['errors', '1/s'],
    ['timeouts_per_second', ''],
    // The unit decides before the name: ns/op is a time per operation, whatever it is called.
    ['fast ops', 'ns/op'],
    // `/s` inside `/search` is not a rate, `ops` inside `stops` not operations.
    ['api/search', ''],
    ['stops', ''],
    // Nothing known: lower, as most measured things cost something.
    ['cpu', '%'],
    ['mystery', ''],
  ])('%s in %j is lower-is-better', (name, unit) => {
    expect(inferDirection(name, unit)).toBe('lower');
  });

  it('reads a higher-is-better unit even when the name says nothing', () => {
    expect(inferDirection('Decode', 'tokens/s')).toBe('higher');
    expect(inferDirection('Decode', 'ms')).toBe('lower');
  });
});
