// A tiny service for the example perfgate.yml: answers /hello after DELAY_MS of simulated work
// and exposes Prometheus counters of a pretend cache, whose hit rate grows with CACHE_SIZE.
import http from 'node:http';

const port = Number(process.env.PORT ?? 18080);
const delayMs = Number(process.env.DELAY_MS ?? 1);
const cacheSize = Number(process.env.CACHE_SIZE ?? 50);
if (!Number.isFinite(delayMs) || delayMs < 0 || !Number.isInteger(cacheSize) || cacheSize < 0) {
  console.error('DELAY_MS must be a number ≥ 0 and CACHE_SIZE an integer ≥ 0');
  process.exit(2);
}

let hits = 0;
let misses = 0;
let key = 0;

const server = http.createServer((request, response) => {
  if (request.url === '/health') return response.end('ok\n');
  if (request.url === '/metrics') {
    response.setHeader('content-type', 'text/plain; version=0.0.4');
    return response.end(
      [
        '# HELP cache_hits_total Lookups answered from the cache.',
        '# TYPE cache_hits_total counter',
        `cache_hits_total ${hits}`,
        '# HELP cache_misses_total Lookups that missed the cache.',
        '# TYPE cache_misses_total counter',
        `cache_misses_total ${misses}`,
        '',
      ].join('\n'),
    );
  }
  // Keys cycle over 100 values: a cache of CACHE_SIZE keys hits CACHE_SIZE % of the time.
  key = (key + 1) % 100;
  if (key < cacheSize) hits++;
  else misses++;
  setTimeout(() => response.end('hello\n'), delayMs);
});

server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
