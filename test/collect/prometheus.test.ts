import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  deriveMetric,
  prometheusCollector,
  type DerivedMetric,
} from '../../src/collect/prometheus.js';
import { parsePrometheusText } from '../../src/collect/prometheusText.js';
import { InputError, RunError } from '../../src/errors.js';

/** A service's counters, served in the text format by a real HTTP server on 127.0.0.1. */
interface Counters {
  hits: number;
  misses: number;
  dbSum: number;
  dbCount: number;
  embed: number;
  search: number;
  queueDepth: number;
}

const exposition = (c: Counters): string => `# HELP cache_hits_total Cache hits.
# TYPE cache_hits_total counter
cache_hits_total ${c.hits}
# TYPE cache_misses_total counter
cache_misses_total ${c.misses}
# TYPE db_query_duration_seconds histogram
db_query_duration_seconds_bucket{le="0.01"} ${c.dbCount}
db_query_duration_seconds_bucket{le="+Inf"} ${c.dbCount}
db_query_duration_seconds_sum ${c.dbSum}
db_query_duration_seconds_count ${c.dbCount}
# TYPE http_requests_total counter
http_requests_total{route="/embed",code="200"} ${c.embed}
http_requests_total{route="/search",code="200"} ${c.search}
# TYPE queue_depth gauge
queue_depth ${c.queueDepth}
`;

let server: Server;
let url: string;
let counters: Counters;
let status = 200;

beforeEach(async () => {
  counters = {
    hits: 100,
    misses: 50,
    dbSum: 2,
    dbCount: 1000,
    embed: 10,
    search: 20,
    queueDepth: 9,
  };
  status = 200;
  server = createServer((_req, res) => {
    res
      .writeHead(status, { 'content-type': 'text/plain; version=0.0.4' })
      .end(status === 200 ? exposition(counters) : 'busy');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
});
afterEach(() => new Promise((resolve) => server.close(resolve)));

const hitRate: DerivedMetric = {
  name: 'cache_hit_rate',
  unit: '%',
  direction: 'higher',
  numerator: ['cache_hits_total'],
  denominator: ['cache_hits_total', 'cache_misses_total'],
  scale: 100,
};
const dbMs: DerivedMetric = {
  name: 'db_query_ms',
  unit: 'ms',
  direction: 'lower',
  numerator: ['db_query_duration_seconds_sum'],
  denominator: ['db_query_duration_seconds_count'],
  scale: 1000,
};

describe('prometheus collector', () => {
  it('derives ratios, rates and deltas from two scrapes of a live endpoint', async () => {
    const collector = prometheusCollector({
      url,
      metrics: [
        hitRate,
        dbMs,
        {
          name: 'embed_rps',
          unit: 'req/s',
          direction: 'higher',
          numerator: ['http_requests_total{route="/embed"}'],
          perSecond: true,
        },
        {
          name: 'requests',
          unit: 'requests',
          direction: 'higher',
          numerator: ['http_requests_total'],
        },
      ],
    });
    const t0 = performance.now();
    await collector.start();
    // During the window: 90 hits and 10 misses; 200 queries taking 1.5 s in all; 300 /embed and 5 /search requests.
    Object.assign(counters, {
      hits: 190,
      misses: 60,
      dbSum: 3.5,
      dbCount: 1200,
      embed: 310,
      search: 25,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { metrics, notes } = await collector.stop();
    const seconds = (performance.now() - t0) / 1000;

    expect(notes).toEqual([]);
    expect(metrics.map((m) => m.name)).toEqual([
      'prometheus.cache_hit_rate',
      'prometheus.db_query_ms',
      'prometheus.embed_rps',
      'prometheus.requests',
    ]);
    expect(metrics[0]).toEqual({
      name: 'prometheus.cache_hit_rate',
      unit: '%',
      direction: 'higher',
      value: 90,
    }); // 100 × 90 / (90 + 10)
    expect(metrics[1]!.value).toBeCloseTo(7.5, 10); // 1000 × 1.5 s / 200
    // 300 requests over the window between the scrapes' starts: at least 0.3 s, at most all of this test.
    expect(metrics[2]!.value).toBeGreaterThan(300 / seconds);
    expect(metrics[2]!.value).toBeLessThan(300 / 0.3);
    expect(metrics[3]!.value).toBe(305); // no labels: both routes
  });

  it('omits, with a note, a ratio whose denominator did not move and a counter that was reset', async () => {
    const collector = prometheusCollector({ url, metrics: [hitRate, dbMs] });
    await collector.start();
    Object.assign(counters, { dbSum: 0.1, dbCount: 10 }); // the service restarted: counters start again
    const { metrics, notes } = await collector.stop();
    expect(metrics).toEqual([]);
    expect(notes).toEqual([
      'prometheus: prometheus.cache_hit_rate omitted: its denominator did not change during the window',
      'prometheus: prometheus.db_query_ms omitted: counter reset: db_query_duration_seconds_sum went from 2 to 0.1',
    ]);
  });

  it('fails the run, naming the URL and status, when the endpoint does not answer 200', async () => {
    status = 503;
    const collector = prometheusCollector({ url, metrics: [hitRate] });
    const started = collector.start();
    await expect(started).rejects.toThrow(RunError);
    await expect(started).rejects.toThrow(
      `prometheus: scraping ${url} returned HTTP 503 Service Unavailable`,
    );
  });

  it('fails the run when nothing listens', async () => {
    await new Promise((resolve) => server.close(resolve));
    const collector = prometheusCollector({ url, metrics: [hitRate] });
    await expect(collector.start()).rejects.toThrow(
      new RegExp(`^prometheus: scraping ${url} failed: .*ECONNREFUSED`),
    );
    server.listen(0, '127.0.0.1'); // for afterEach
  });

  it('rejects a bad config when the collector is made', () => {
    const bad = { ...hitRate, numerator: ['cache_hits_total{result=hit}'] };
    expect(() => prometheusCollector({ url, metrics: [bad] })).toThrow(InputError);
    expect(() => prometheusCollector({ url, metrics: [bad] })).toThrow(
      /^metrics\[0\]\.numerator\[0\]: invalid series selector/,
    );
    expect(() => prometheusCollector({ url, metrics: [{ ...hitRate, perSecond: true }] })).toThrow(
      'metrics[0]: set either "denominator" or "perSecond", not both',
    );
  });
});

describe('deriveMetric', () => {
  const scrape = (text: string) => parsePrometheusText(text);
  const delta = (numerator: string[]): DerivedMetric => ({
    name: 'd',
    unit: '',
    direction: 'lower',
    numerator,
  });

  it('counts a series born during the window from 0', () => {
    const before = scrape('# TYPE errors_total counter\nerrors_total{code="200"} 5\n');
    const after = scrape(
      '# TYPE errors_total counter\nerrors_total{code="200"} 5\nerrors_total{code="500"} 3\n',
    );
    expect(deriveMetric(delta(['errors_total']), before, after, 1)).toMatchObject({
      metric: { value: 3 },
    });
    // A labelled series that never appeared is 0 when its name is known...
    expect(deriveMetric(delta(['errors_total{code="404"}']), before, before, 1)).toMatchObject({
      metric: { value: 0 },
    });
  });

  it('...but an unknown name is a note, not a silent 0 (a typo, most likely)', () => {
    const text = scrape('cache_hits_total 1\n');
    expect(deriveMetric(delta(['cache_hit_total']), text, text, 1)).toEqual({
      note: 'prometheus: prometheus.d omitted: no series named cache_hit_total in either scrape',
    });
  });

  it('matches a series across scrapes whatever the order of its labels', () => {
    const before = scrape('x_total{a="1",b="2"} 1\n');
    const after = scrape('x_total{b="2",a="1"} 4\n');
    expect(deriveMetric(delta(['x_total{b="2"}']), before, after, 1)).toMatchObject({
      metric: { value: 3 },
    });
  });

  it('lets a gauge go down, and notes a series that vanished', () => {
    const before = scrape('# TYPE queue_depth gauge\nqueue_depth 9\nx{a="1"} 1\n');
    const after = scrape('# TYPE queue_depth gauge\nqueue_depth 4\n');
    expect(deriveMetric(delta(['queue_depth']), before, after, 1)).toMatchObject({
      metric: { value: -5 },
    });
    expect(deriveMetric(delta(['x']), before, after, 1)).toEqual({
      note: 'prometheus: prometheus.d omitted: x{a="1"} disappeared between the scrapes',
    });
  });

  it('carries a target for a metric that should approach one', () => {
    // A pool busy 42 of 60 seconds: 0.7 of one connection's time, the target itself.
    const before = scrape('pool_busy_seconds_total 100\n');
    const after = scrape('pool_busy_seconds_total 142\n');
    const definition = {
      ...delta(['pool_busy_seconds_total']),
      direction: 'target' as const,
      target: 0.7,
      perSecond: true,
    };
    expect(deriveMetric(definition, before, after, 60)).toEqual({
      metric: { name: 'prometheus.d', unit: '', direction: 'target', target: 0.7, value: 0.7 },
    });
  });

  it('notes a value that is not finite', () => {
    const before = scrape('x_total 1\n');
    const after = scrape('x_total NaN\n');
    expect(deriveMetric(delta(['x_total']), before, after, 1)).toEqual({
      note: 'prometheus: prometheus.d omitted: its value is NaN',
    });
  });
});
