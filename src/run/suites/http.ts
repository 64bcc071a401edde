/** The `http` suite kind: autocannon load against a URL (run/http.ts). */
import type { HttpSuite } from '../../config/index.js';
import { GENERATOR_BOUND_CPU } from '../../constants.js';
import { runHttpTrial, type HttpLoadOptions } from '../http.js';
import type { SuiteKind } from './kind.js';

function httpOptions(suite: HttpSuite): HttpLoadOptions {
  return {
    baseUrl: suite.baseUrl,
    requests: suite.requests.map(({ method, path, headers, body }) => ({
      method,
      path,
      headers,
      ...(body === undefined
        ? {}
        : { body: typeof body === 'object' && body !== null ? body : String(body) }),
    })),
    ...(suite.bodyGenerator ? { bodyGenerator: suite.bodyGenerator } : {}),
    connections: suite.connections,
    pipelining: suite.pipelining,
    ...(suite.amount === undefined
      ? { durationSeconds: suite.durationSeconds }
      : { amount: suite.amount }),
    ...(suite.rate === undefined ? {} : { rate: suite.rate }),
    timeoutSeconds: suite.timeoutSeconds,
  };
}

export const httpSuite: SuiteKind<HttpSuite> = {
  async measure(suite, { progress }, signal) {
    const http = await runHttpTrial(httpOptions(suite), {
      signal,
      onTick: (rps) => progress.tick(rps),
    });
    const bound = http.generatorBound
      ? [
          `the load generator used ≥ ${GENERATOR_BOUND_CPU} % of a core: throughput may be limited by perfgate, not the service`,
        ]
      : [];
    return { metrics: http.metrics, notes: [...http.notes, ...bound] };
  },
  warmUp(suite, _context, signal) {
    const options = { ...httpOptions(suite), amount: undefined };
    return runHttpTrial({ ...options, durationSeconds: suite.warmupSeconds }, { signal });
  },
};
