import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_SECONDS, MAX_TIMER_MS } from '../../src/config/fields.js';
import { InputError, RunError } from '../../src/errors.js';
import { guardSeconds, runHttpTrial, type HttpLoadOptions } from '../../src/run/http.js';
import { requestsPerSecond, type HttpTrialResult } from '../../src/run/httpSummary.js';
import { toAutocannonRequest } from '../../src/run/bodyGenerator.js';
import { LatencySamples, nearestRank } from '../../src/run/percentiles.js';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/http/${name}`, import.meta.url));

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  }
});

/** A real server on 127.0.0.1; `answer` gets each request, numbered from 0, with its body. */
async function serve(
  answer: (res: ServerResponse, index: number, request: Received) => void,
): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      received.push(request);
      answer(res, received.length - 1, request);
    });
  });
  servers.push(server);
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

function load(url: string, overrides: Partial<HttpLoadOptions> = {}): HttpLoadOptions {
  return {
    baseUrl: url,
    requests: [{ path: '/' }],
    connections: 2,
    pipelining: 1,
    timeoutSeconds: 2,
    ...overrides,
  };
}

function value(result: HttpTrialResult, name: string): number {
  const metric = result.metrics.find((m) => m.name === name);
  if (!metric) throw new Error(`no metric ${name} in ${JSON.stringify(result.metrics)}`);
  return metric.value;
}

describe('nearestRank', () => {
  const ten = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

  it('takes the value at rank ceil(p/100 * n), never interpolating', () => {
    expect(nearestRank(ten, 50)).toBe(5); // ceil(5) = 5
    expect(nearestRank(ten, 51)).toBe(6); // ceil(5.1) = 6
    expect(nearestRank(ten, 95)).toBe(10); // ceil(9.5) = 10
    expect(nearestRank(ten, 100)).toBe(10);
    expect(nearestRank([42], 1)).toBe(42); // ceil(0.01) = 1
  });

  it('does not overshoot where p/100 * n rounds up in floating point', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    // (7 / 100) * 100 is 7.000000000000001 in doubles, whose ceiling would be 8.
    expect(nearestRank(hundred, 7)).toBe(7);
    expect(nearestRank(hundred, 99)).toBe(99);
  });

  it('refuses an empty set and percentiles outside (0, 100]', () => {
    expect(() => nearestRank([], 50)).toThrow(RangeError);
    expect(() => nearestRank(ten, 0)).toThrow(RangeError);
    expect(() => nearestRank(ten, 101)).toThrow(RangeError);
  });
});

describe('LatencySamples', () => {
  it('grows past its initial capacity and sorts numerically', () => {
    const samples = new LatencySamples();
    for (let i = 10_000; i > 0; i--) samples.record(i / 10);
    const sorted = samples.sorted();
    expect(samples.size).toBe(10_000);
    expect([sorted[0], sorted[1], sorted[9_999]]).toEqual([0.1, 0.2, 1000]);
  });
});

describe('requestsPerSecond', () => {
  it('averages the full seconds after the first', () => {
    // (100 + 110 + 120) / 3 = 110; the 40 (connecting, warm-up) is dropped.
    expect(requestsPerSecond([40, 100, 110, 120], 370, 4)).toEqual({ value: 110 });
  });

  it('falls back to responses over elapsed time, with a note, below 2 full seconds', () => {
    const { value: rps, note } = requestsPerSecond([90], 190, 2);
    expect(rps).toBe(95);
    expect(note).toMatch(/only 1 full one-second tick/);
  });
});

describe('guardSeconds', () => {
  it('allows the duration, one timeout and 5 s of slack', () => {
    expect(guardSeconds(load('', { durationSeconds: 10, timeoutSeconds: 3 }))).toBe(18);
  });

  it('bounded by amount, allows every round of in-flight requests to time out', () => {
    // 100 requests over 5 connections x 2 pipelined = 10 rounds x 2 s, + 2 s + 5 s.
    const options = load('', { amount: 100, connections: 5, pipelining: 2 });
    expect(guardSeconds(options)).toBe(27);
    // A rate of 10/s adds the 10 s the rate alone takes.
    expect(guardSeconds({ ...options, rate: 10 })).toBe(37);
  });

  it('never exceeds what a timer can wait, however long the duration or amount', () => {
    // 2,147,483 s + 10 s timeout + 5 s slack would overflow Node's 32-bit timer and fire at once.
    const longest = MAX_TIMER_MS / 1000;
    expect(guardSeconds(load('', { durationSeconds: MAX_SECONDS, timeoutSeconds: 10 }))).toBe(
      longest,
    );
    // 10^9 rounds of one request, each allowed its 60 s timeout.
    const amount = load('', { amount: 1e9, connections: 1, timeoutSeconds: 60 });
    expect(guardSeconds(amount)).toBe(longest);
  });
});

describe('toAutocannonRequest', () => {
  it('sends an object body as JSON with a content type, prefixing the path', () => {
    expect(toAutocannonRequest({ method: 'post', path: '/x', body: { a: 1 } }, '/api')).toEqual({
      method: 'POST',
      path: '/api/x',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
  });

  it("keeps the caller's content type, whatever its case", () => {
    const request = toAutocannonRequest(
      { path: '/', headers: { 'Content-Type': 'application/vnd.x+json' }, body: [1] },
      '',
    );
    expect(request.headers).toEqual({ 'Content-Type': 'application/vnd.x+json' });
  });
});

describe('runHttpTrial against a local server', () => {
  it('measures a 20 ms server at p50 = 20 ms within 3 ms', async () => {
    const { url } = await serve((res) => setTimeout(() => res.end('slow'), 20));
    const result = await runHttpTrial(load(url, { durationSeconds: 1 }));
    // setTimeout fires at 20 ms or a little later; loopback and parsing add well under 1 ms.
    expect(value(result, 'latency_p50')).toBeGreaterThanOrEqual(17);
    expect(value(result, 'latency_p50')).toBeLessThanOrEqual(23);
    const order = ['latency_p50', 'latency_p90', 'latency_p95', 'latency_p99', 'latency_max'];
    const values = order.map((name) => value(result, name));
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(value(result, 'error_rate')).toBe(0);
    expect(result.metrics.map((m) => m.direction)).toEqual([
      'higher',
      ...Array<string>(8).fill('lower'),
    ]);
  });

  it('resolves below a millisecond, reports each full tick, and ends with its duration', async () => {
    const { url } = await serve((res) => res.end('fast'));
    const ticks: number[] = [];
    const started = performance.now();
    const result = await runHttpTrial(load(url, { durationSeconds: 2.3 }), {
      onTick: (rps) => ticks.push(rps),
    });
    // Not at autocannon's next one-second interval (3 s): the trial ends when its load does.
    expect(performance.now() - started).toBeLessThan(2800);
    // In one process over loopback a response takes some tens of µs: what matters is that it is
    // not rounded to 0 or 1 ms, as autocannon's own histogram would.
    const p50 = value(result, 'latency_p50');
    expect(p50).toBeGreaterThan(0.001);
    expect(p50).toBeLessThan(5);
    expect(Number.isInteger(p50)).toBe(false);
    // 2.3 s hold two full seconds; the partial third and autocannon's stopping tick are not ticks.
    expect(ticks).toHaveLength(2);
    expect(Math.min(...ticks)).toBeGreaterThan(0);
    expect(value(result, 'generator_cpu')).toBeGreaterThan(0);
  });

  it('counts non-2xx answers: every 4th is a 500, so 25 %', async () => {
    const { url } = await serve((res, index) => {
      res.statusCode = index % 4 === 3 ? 500 : 200;
      res.end();
    });
    const result = await runHttpTrial(load(url, { amount: 400, connections: 4 }));
    expect(value(result, 'non2xx_rate')).toBe(25); // exactly 100 of 400
    expect(value(result, 'error_rate')).toBe(0);
    expect(result.notes).toContain(
      '100 of 400 responses (25 %) were not 2xx: is the endpoint failing? Their latencies count as answers',
    );
  });

  it('counts timed-out requests as errors and still stops by itself', async () => {
    const { url } = await serve((res, _index, request) => {
      if (request.url === '/fast') res.end('ok'); // '/hang' is never answered
    });
    const started = Date.now();
    const result = await runHttpTrial(
      load(url, {
        requests: [{ path: '/fast' }, { path: '/hang' }],
        durationSeconds: 2,
        timeoutSeconds: 1,
      }),
    );
    // Each connection alternates: /fast answers at once, /hang fails after 1 s and reconnects.
    // So about one request in two fails, and no latency includes a timed-out request.
    expect(value(result, 'error_rate')).toBeGreaterThan(25);
    expect(value(result, 'error_rate')).toBeLessThan(75);
    expect(value(result, 'latency_max')).toBeLessThan(1000);
    expect(result.notes.join('\n')).toMatch(/requests failed \(last: timed out after 1 s\)/);
    expect(Date.now() - started).toBeLessThan((2 + 1 + 5) * 1000);
  });

  it('counts requests left unanswered by a service that stops answering mid-trial', async () => {
    // Answers for 0.5 s, then accepts requests and never answers. autocannon's own timeout (2 s
    // after the last send) comes after the 2 s duration: without waiting for the requests in
    // flight, the trial reported 0 % errors for a service that had hung.
    let answering = true;
    setTimeout(() => (answering = false), 500);
    const { url } = await serve((res) => {
      if (answering) res.end('ok');
    });
    const started = Date.now();
    const result = await runHttpTrial(load(url, { durationSeconds: 2, timeoutSeconds: 2 }));
    // One request per connection was in flight when the service hung: 2 failed.
    expect(value(result, 'error_rate')).toBeGreaterThan(0);
    expect(result.notes.join('\n')).toMatch(/^2 of \d+ requests failed/m);
    // The drain waits at most one timeout beyond the duration.
    expect(Date.now() - started).toBeLessThan((2 + 2 + 2) * 1000);
  });

  it('waits for the answers in flight at the end: a slow healthy service has no errors', async () => {
    const { url } = await serve((res) => setTimeout(() => res.end('ok'), 300));
    const result = await runHttpTrial(load(url, { durationSeconds: 1, connections: 4 }));
    expect(value(result, 'error_rate')).toBe(0);
  });

  it.each(['resetAndDestroy', 'destroy'] as const)(
    'counts requests lost when the server drops a connection (%s), and times only the answered',
    async (drop) => {
      const perSocket = new Map<object, number>();
      const { url } = await serve((res) => {
        const count = (perSocket.get(res.socket as object) ?? 0) + 1;
        perSocket.set(res.socket as object, count);
        if (count === 3) res.socket?.[drop]();
        else setTimeout(() => res.end('ok'), 2);
      });
      const result = await runHttpTrial(load(url, { durationSeconds: 1 }));
      // Each connection: 2 answered, 1 lost, reconnect: a third of the requests fail. autocannon's
      // own responseTime would match later responses to the lost requests' start times and put
      // p99 near 300 ms here (its p50 near 170 ms).
      expect(value(result, 'error_rate')).toBeGreaterThan(25);
      expect(value(result, 'error_rate')).toBeLessThan(40);
      expect(value(result, 'latency_p99')).toBeLessThan(50);
    },
  );

  it('sends about rate x duration requests in an open-loop run', async () => {
    const { url, received } = await serve((res) => res.end());
    await runHttpTrial(load(url, { rate: 50, durationSeconds: 2, connections: 5 }));
    // 50/s for 2 s = 100; each connection may send one more as its budget renews at the end.
    expect(received.length).toBeGreaterThanOrEqual(90);
    expect(received.length).toBeLessThanOrEqual(105);
  });

  it('sends POST with a JSON body and headers intact, under the base URL path', async () => {
    const { url, received } = await serve((res) => res.end());
    const payload = { name: 'vector', values: [0.25, -1], nested: { ok: true } };
    await runHttpTrial(
      load(`${url}/api/`, {
        requests: [
          { method: 'POST', path: '/items', headers: { 'x-api-key': 'k-123' }, body: payload },
        ],
        amount: 3,
        connections: 1,
      }),
    );
    expect(received).toHaveLength(3);
    for (const request of received) {
      expect(request).toMatchObject({ method: 'POST', url: '/api/items' });
      expect(request.headers).toMatchObject({
        'x-api-key': 'k-123',
        'content-type': 'application/json',
      });
      expect(JSON.parse(request.body)).toEqual(payload);
    }
  });

  it('varies payloads with a body generator', async () => {
    const { url, received } = await serve((res) => res.end());
    await runHttpTrial(
      load(url, {
        requests: [{ method: 'POST', path: '/embed' }],
        bodyGenerator: fixture('varied-bodies.mjs'),
        amount: 20,
      }),
    );
    const ids = received.map((request) => (JSON.parse(request.body) as { id: number }).id);
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
    expect(received.every((request) => request.url === '/embed')).toBe(true);
  });

  it('rejects with InputError for a body generator that is not a function', async () => {
    const { url } = await serve((res) => res.end());
    const notAFunction = load(url, { amount: 4, bodyGenerator: fixture('not-a-function.mjs') });
    await expect(runHttpTrial(notAFunction)).rejects.toThrow(InputError);
    await expect(runHttpTrial(notAFunction)).rejects.toThrow(/default export must be a function/);
  });

  it('fails the run (RunError) with the error of a generator that throws, and its index', async () => {
    const { url } = await serve((res) => res.end());
    const throws = load(url, {
      amount: 10,
      connections: 1,
      bodyGenerator: fixture('throws-at-3.mjs'),
    });
    const failing = runHttpTrial(throws);
    await expect(failing).rejects.toThrow(RunError);
    // The generator's own message, and where in the module it was thrown.
    await expect(failing).rejects.toThrow(
      /bodyGenerator .*throws-at-3\.mjs: threw for request 3: Error: no payload for 3 \(at .*throws-at-3\.mjs:\d+:\d+\)/,
    );
  });

  it('sends what a generator alone makes (no requests), and fails the run with its error mid-trial', async () => {
    // Issue #22 item 21: with no `requests`, autocannon had an empty list and crashed on the next
    // reconnect ("reading 'requestBuffer'"), hiding the generator's error; now the generator's
    // fields override a plain GET /.
    const { url, received } = await serve((res) => res.end());
    const throws = load(url, {
      requests: [],
      durationSeconds: 1,
      connections: 1,
      bodyGenerator: fixture('throws-at-3.mjs'),
    });
    await expect(runHttpTrial(throws)).rejects.toThrow(
      /bodyGenerator .*throws-at-3\.mjs: threw for request 3: Error: no payload for 3/,
    );
    expect(received.length).toBeGreaterThanOrEqual(3);
  });

  it('fails the run (RunError) for a generated request autocannon cannot build, without crashing', async () => {
    // Unchecked, autocannon throws "FETCH HTTP method is not supported" from a socket handler:
    // an uncaught exception that kills the process (exit 1, with autocannon's stack).
    const { url, received } = await serve((res) => res.end());
    const badMethod = load(url, {
      amount: 10,
      connections: 1,
      bodyGenerator: fixture('bad-method-at-2.mjs'),
    });
    const failing = runHttpTrial(badMethod);
    await expect(failing).rejects.toThrow(RunError);
    await expect(failing).rejects.toThrow(/request 2 needs a "method" among GET, HEAD, POST/);
    expect(received.map((request) => request.method)).not.toContain('FETCH');
  });

  it('throws RunError naming the URL when nothing listens', async () => {
    const { url } = await serve((res) => res.end());
    for (const server of servers.splice(0)) await new Promise((done) => server.close(done));
    const trial = runHttpTrial(load(url, { durationSeconds: 2 }));
    await expect(trial).rejects.toThrow(RunError);
    await expect(trial).rejects.toThrow(`cannot connect to ${url}: ECONNREFUSED`);
  });

  it('does not call the server unreachable when one connection fails repeatedly and another waits', async () => {
    let first: object | undefined;
    const { url } = await serve((res) => {
      first ??= res.socket as object;
      // The first connection is answered, slowly; every other one is reset at once, reconnects
      // and is reset again, many times before the first answer arrives.
      if (res.socket === first) setTimeout(() => res.end('ok'), 500);
      else res.socket?.resetAndDestroy();
    });
    const result = await runHttpTrial(load(url, { durationSeconds: 2 }));
    expect(value(result, 'latency_p50')).toBeGreaterThan(450); // answered after 500 ms
    expect(value(result, 'error_rate')).toBeGreaterThan(50);
  });

  it('stops early and rejects with the reason when aborted', async () => {
    const { url, received } = await serve((res) => res.end());
    const started = Date.now();
    const trial = runHttpTrial(load(url, { durationSeconds: 10 }), {
      signal: AbortSignal.timeout(200),
    });
    await expect(trial).rejects.toThrow(/timeout|abort/i);
    // It settles as the abort closes the connections, not at autocannon's next one-second
    // interval; the rest allows for a loaded machine.
    expect(Date.now() - started).toBeLessThan(800);
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    // A request written just before the close may still be on its way to the server.
    await pause(100);
    const closed = received.length;
    expect(closed).toBeGreaterThan(0);
    // Every connection was closed: no new request arrives after it.
    await pause(300);
    expect(received).toHaveLength(closed);
  });

  it('runs a trial of the longest duration until stopped: its guard does not fire at once', async () => {
    const { url, received } = await serve((res) => res.end());
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const trial = runHttpTrial(load(url, { durationSeconds: MAX_SECONDS }), {
        signal: AbortSignal.timeout(300),
      });
      // An overflowing guard would have ended the trial with a result before the abort.
      await expect(trial).rejects.toThrow(/timeout|abort/i);
    } finally {
      process.off('warning', onWarning);
    }
    expect(received.length).toBeGreaterThan(0);
    expect(warnings).not.toContain('TimeoutOverflowWarning');
  });

  it('refuses a URL without http(s) and options bounded by both duration and amount, or neither', async () => {
    await expect(runHttpTrial(load('http://127.0.0.1:1', {}))).rejects.toThrow(InputError);
    const both = load('http://127.0.0.1:1', { durationSeconds: 1, amount: 5 });
    await expect(runHttpTrial(both)).rejects.toThrow(/exactly one of durationSeconds and amount/);
    const noScheme = load('127.0.0.1:8080', { durationSeconds: 1 });
    await expect(runHttpTrial(noScheme)).rejects.toThrow(/expected an http:\/\/ or https:\/\/ URL/);
  });
});
