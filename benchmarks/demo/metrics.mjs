/** The service's Prometheus metrics (prom-client), on their own registry, served at /metrics. */
import client from 'prom-client';

export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const fast = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
  return {
    registry,
    requestDuration: new client.Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from request received to response sent, by route.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: fast,
      registers: [registry],
    }),
    cacheHits: new client.Counter({
      name: 'cache_hits_total',
      help: 'Embedding cache lookups that found the text.',
      registers: [registry],
    }),
    cacheMisses: new client.Counter({
      name: 'cache_misses_total',
      help: 'Embedding cache lookups that did not find the text.',
      registers: [registry],
    }),
    cacheEntries: new client.Gauge({
      name: 'cache_entries',
      help: 'Texts in the embedding cache.',
      registers: [registry],
    }),
    dbQueryDuration: new client.Histogram({
      name: 'db_query_duration_seconds',
      help: 'Time spent inside SQLite per operation (a search sums its chunked reads).',
      labelNames: ['operation'],
      buckets: fast,
      registers: [registry],
    }),
    embedBatchSize: new client.Histogram({
      name: 'embed_batch_size',
      help: 'Texts per batch sent to the embedding workers.',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers: [registry],
    }),
    poolWaiting: new client.Gauge({
      name: 'pool_jobs_waiting',
      help: 'Jobs waiting for a free worker, by pool.',
      labelNames: ['pool'],
      registers: [registry],
    }),
  };
}
