#!/usr/bin/env node
/**
 * A quick manual load against the demo server (autocannon, closed loop), for trying knobs by hand;
 * perfgate's own HTTP runner is what measures trials.
 *
 *   node benchmarks/demo/load.mjs [URL] [--kind embed|search|mixed] [--duration 5] [--connections 8]
 *     [--start 0]   (the first request index: a second run with another start sends new requests)
 *
 * Prints one JSON line: requests/s, latency percentiles (autocannon's, whole ms), errors, and from
 * /metrics deltas over the run: the server's CPU per request, cache hit rate and mean batch size.
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import embedRequest, { mixedRequest, searchRequest } from './workload.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    kind: { type: 'string', default: 'embed' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '8' },
    start: { type: 'string', default: '0' },
  },
});
const url = positionals[0] ?? 'http://127.0.0.1:8080';
const generators = { embed: embedRequest, search: searchRequest, mixed: mixedRequest };
const generate = generators[values.kind];
if (!generate) {
  console.error(`--kind must be one of ${Object.keys(generators).join(', ')}, got ${values.kind}`);
  process.exit(2);
}

async function scrape() {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name) => Number(text.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1] ?? 0);
  return {
    hits: value('cache_hits_total'),
    misses: value('cache_misses_total'),
    batchSum: value('embed_batch_size_sum'),
    batchCount: value('embed_batch_size_count'),
    cpuSeconds: value('process_cpu_seconds_total'),
  };
}

let index = Number(values.start);
const before = await scrape();
const result = await autocannon({
  url,
  connections: Number(values.connections),
  duration: Number(values.duration),
  requests: [{ setupRequest: (request) => ({ ...request, ...generate(index++) }) }],
});
const after = await scrape();
const hits = after.hits - before.hits;
const misses = after.misses - before.misses;
console.log(
  JSON.stringify({
    kind: values.kind,
    requestsPerSecond: result.requests.average,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      mean: result.latency.average,
    },
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    // CPU of the whole server process (all its threads) per request: steadier than latency on a
    // shared machine, where neighbours take turns on the cores.
    serverCpuMsPerRequest: Number(
      (
        ((after.cpuSeconds - before.cpuSeconds) * 1000) /
        Math.max(1, result.requests.total)
      ).toFixed(3),
    ),
    cacheHitRate: hits + misses ? Number((hits / (hits + misses)).toFixed(3)) : null,
    meanBatchSize:
      after.batchCount > before.batchCount
        ? Number(
            ((after.batchSum - before.batchSum) / (after.batchCount - before.batchCount)).toFixed(
              2,
            ),
          )
        : null,
  }),
);
