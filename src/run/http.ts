/**
 * One trial of an HTTP suite: load from autocannon 9 in single-worker mode, measured here
 * (DESIGN.md, "Measuring"): autocannon's histograms hold whole milliseconds and no p95, and its
 * requests/s mixes in the partial first and last seconds.
 *
 * What is measured, and how:
 * - latency: process.hrtime.bigint() when autocannon sends a request and when its response is
 *   complete, matched first-in first-out per connection (HTTP/1.1 answers pipelined requests in
 *   order), over every response of the trial; percentiles by nearest rank (percentiles.ts).
 *   autocannon's own `responseTime` has the same resolution, but after a connection error or a
 *   close by the server it keeps the lost requests in its queue and matches every later response
 *   of that connection to an earlier request's start; ours drops them when the socket changes.
 * - requests/s: the mean of autocannon's one-second ticks without the first (connecting, warming
 *   up) and the last (partial) one.
 * - error_rate and non2xx_rate: % of the requests that ended (answered, failed or timed out).
 *   When the duration ends, no new request is sent and those in flight get up to the timeout to
 *   be answered; any still unanswered then count as timed out. Dropping them instead let a
 *   service that stopped answering mid-trial report 0 % errors.
 * - generator_cpu: % of one core this process used during the trial. At >= 90 % the load
 *   generator, not the server, may be the bottleneck: the trial is marked generatorBound.
 */
import type { EventEmitter } from 'node:events';
import autocannon from 'autocannon/lib/init.js';
import { InputError, RunError } from '../errors.js';
import { inferDirection } from '../results/direction.js';
import { loadBodyGenerator, toAutocannonRequests, type RequestGenerator } from './bodyGenerator.js';
import { LatencySamples, nearestRank } from './percentiles.js';
import type { TrialMetric } from './types.js';

export interface HttpRequestSpec {
  /** Default GET. */
  method?: string;
  /** Appended to the base URL's path. */
  path: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON, with `content-type: application/json` unless headers set one. */
  body?: string | object;
}

export interface HttpLoadOptions {
  /** e.g. http://127.0.0.1:8080; a path in it prefixes every request's path. */
  baseUrl: string;
  /** Sent in this order, cycling, by each connection. */
  requests: HttpRequestSpec[];
  /** Path of an ES module whose default export `(index) => HttpRequestSpec` varies the requests. */
  bodyGenerator?: string;
  connections: number;
  pipelining: number;
  /** Exactly one of durationSeconds and amount bounds the trial. */
  durationSeconds?: number;
  amount?: number;
  /** Total requests/s over all connections: an open-loop run. Whole number. */
  rate?: number;
  /** A request unanswered for this long fails and its connection is reopened. At least 1. */
  timeoutSeconds: number;
}

export interface HttpTrialResult {
  metrics: TrialMetric[];
  /** The generator used >= 90 % of a core: the numbers may describe the generator. */
  generatorBound: boolean;
  notes: string[];
}

export interface HttpTrialHooks {
  /** Each full second's responses, for progress display (the final stop tick is not reported). */
  onTick?: (requestsPerSecond: number) => void;
  /** Aborting stops the load and rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** % of one core at or above which the generator, not the server, may limit throughput. */
const GENERATOR_BOUND_CPU = 90;

const LATENCY_PERCENTILES = [50, 90, 95, 99] as const;

/** Extra seconds the wall-clock guard allows beyond the longest a trial can legitimately take. */
const GUARD_SLACK_SECONDS = 5;

/**
 * autocannon ends a run at the first of its one-second intervals after its duration, and lets
 * rate-limited connections send a burst just before that interval: a 2 s trial at 50 req/s sent
 * 100 or 150 requests. Stopping the sending this much before the duration ends the load on
 * time; the tick it cuts short is the last one, which requests_per_second drops anyway.
 */
const STOP_LEAD_MS = 50;

/**
 * Requests/s of a trial from autocannon's one-second tick counts. The first tick includes
 * connecting and warm-up and the last one may cover part of a second, so both are dropped; with
 * fewer than 3 ticks nothing would be left, so it falls back to responses over elapsed time.
 */
export function requestsPerSecond(
  ticks: readonly number[],
  responses: number,
  elapsedSeconds: number,
): { value: number; note?: string } {
  const full = ticks.slice(1, -1);
  if (full.length > 0) return { value: full.reduce((a, b) => a + b, 0) / full.length };
  return {
    value: elapsedSeconds > 0 ? responses / elapsedSeconds : 0,
    note:
      `requests_per_second: only ${ticks.length} one-second tick(s), so it is total responses ` +
      `over elapsed time, including connection setup; run 3 s or more for steady-state ticks`,
  };
}

/**
 * How long a trial may run before the wall-clock guard stops it: its duration (or, bounded by
 * amount, the worst case where every round of in-flight requests times out, no faster than the
 * rate allows), plus one timeout for the requests in flight at the end, plus slack.
 */
export function guardSeconds(options: HttpLoadOptions): number {
  const { durationSeconds, amount = 0, connections, pipelining, rate, timeoutSeconds } = options;
  let longest = durationSeconds;
  if (longest === undefined) {
    const rounds = Math.ceil(amount / (connections * pipelining));
    longest = rounds * timeoutSeconds + (rate ? Math.ceil(amount / rate) : 0);
  }
  return longest + timeoutSeconds + GUARD_SLACK_SECONDS;
}

/** Runs one trial; rejects with RunError when no connection to the server can be made. */
export async function runHttpTrial(
  options: HttpLoadOptions,
  hooks: HttpTrialHooks = {},
): Promise<HttpTrialResult> {
  if ((options.durationSeconds === undefined) === (options.amount === undefined)) {
    throw new InputError('give exactly one of durationSeconds and amount', undefined, 'http');
  }
  const url = URL.canParse(options.baseUrl) ? new URL(options.baseUrl) : undefined;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    const got = JSON.stringify(options.baseUrl);
    throw new InputError(`expected an http:// or https:// URL, got ${got}`, undefined, 'baseUrl');
  }
  const generate = options.bodyGenerator ? await loadBodyGenerator(options.bodyGenerator) : null;
  hooks.signal?.throwIfAborted();
  return measure(options, url, generate, hooks);
}

/** What autocannon 9's client does that its types omit (node_modules/autocannon/lib/httpClient.js). */
interface AutocannonClient {
  on(event: 'request', listener: () => void): void;
  on(event: 'response', listener: (statusCode: number) => void): void;
  on(event: 'connError', listener: (error: Error & { code?: string }) => void): void;
  on(event: 'timeout' | 'done', listener: () => void): void;
  /**
   * The current socket: autocannon replaces it whenever it reconnects. (autocannon is pinned;
   * the test with a server that resets connections fails if this stops holding.)
   */
  conn: unknown;
  /** Closes the connection for good; emits `done`. */
  destroy(): void;
  /**
   * Sends the next request; also called by autocannon after each response, on reconnecting and
   * each second of a rate-limited run. Replaced by a no-op to stop sending while draining.
   */
  _doRequest(): void;
}

/** One connection's requests in flight, as `watch` tracks them. */
interface Flight {
  /** Send times of the requests in flight on `socket`, oldest first. */
  sent: bigint[];
  socket: unknown;
}

/** Counts of one trial, shared by all connections. */
interface Tally {
  latencies: LatencySamples;
  responses: number;
  non2xx: number;
  /** Requests that errored or timed out: sent, then lost with their connection. */
  failed: number;
  /**
   * The connections that had an error before any response: the server may not be there at all.
   * Distinct connections, as one connection can fail and reconnect many times.
   */
  failedBeforeAnyResponse: Set<AutocannonClient>;
  lastFailure?: string;
}

type StopReason = 'duration' | 'unreachable' | 'guard' | 'abort' | 'generator';

function measure(
  options: HttpLoadOptions,
  url: URL,
  generate: RequestGenerator | null,
  hooks: HttpTrialHooks,
): Promise<HttpTrialResult> {
  const prefix = url.pathname.replace(/\/$/, '');
  const tally: Tally = {
    latencies: new LatencySamples(),
    responses: 0,
    non2xx: 0,
    failed: 0,
    failedBeforeAnyResponse: new Set(),
  };
  const ticks: number[] = [];
  const notes: string[] = [];
  const clients: AutocannonClient[] = [];
  const flights = new Map<AutocannonClient, Flight>();
  let closedClients = 0;
  let generatorError: unknown;
  let stopReason: StopReason | undefined;
  let instance: autocannon.Instance | undefined;

  const started = process.hrtime.bigint();
  const cpuAtStart = process.cpuUsage();
  const measuredSoFar = () => ({
    elapsedSeconds: Number(process.hrtime.bigint() - started) / 1e9,
    cpu: process.cpuUsage(cpuAtStart),
  });
  /** Set when the last connection closes: autocannon reports up to a second later. */
  let loadWindow: ReturnType<typeof measuredSoFar> | undefined;

  /**
   * Ends the load: at the end of the duration by draining (see drain), otherwise by closing every
   * connection. autocannon's own stop() only raises a flag that its next one-second interval
   * reads, and meanwhile its rate-limited connections send their next second's budget. Closing
   * is deferred, so a connection is never closed from inside autocannon's call stack (a client
   * destroyed mid-send re-arms its timeout timer and reconnects).
   */
  const stop = (reason: StopReason) => {
    // The first reason is the one reported, except an abort: its caller wants a rejection, even
    // when it comes during the drain.
    stopReason = reason === 'abort' ? reason : (stopReason ?? reason);
    if (reason === 'duration' && !drained()) return drain();
    queueMicrotask(close);
  };
  let closed = false;
  /** Requests still in flight when the connections close count as timed out (see drain). */
  let unansweredAtEnd = 0;
  const close = () => {
    if (closed) return;
    closed = true;
    clearTimeout(draining);
    // Only a trial that ran out its duration (or hung until the guard) gave them their time;
    // after an abort, or when amount cuts pipelined requests short, they are simply not sent.
    if (stopReason === 'duration' || stopReason === 'guard') {
      for (const flight of flights.values()) unansweredAtEnd += flight.sent.length;
    }
    for (const client of clients) client.destroy();
    instance?.stop();
  };
  /** True when no connection still waits for an answer on its current socket. */
  const drained = () =>
    [...flights].every(
      ([client, flight]) => flight.sent.length === 0 || client.conn !== flight.socket,
    );
  let draining: ReturnType<typeof setTimeout> | undefined;
  /**
   * The duration is over: send nothing more, and give the requests in flight up to one timeout
   * to be answered (guardSeconds allows for it). A healthy service answers within a latency; a
   * service that stopped answering leaves them waiting, and they are counted as timed out.
   */
  const drain = () => {
    if (draining) return;
    loadWindow ??= measuredSoFar();
    for (const client of clients) client._doRequest = () => undefined;
    draining = setTimeout(close, options.timeoutSeconds * 1000);
  };
  /** Called by `watch` whenever a connection's requests in flight change. */
  const settled = () => {
    if (draining && drained()) queueMicrotask(close);
  };

  const requests = toAutocannonRequests(options.requests, prefix, generate, (error) => {
    generatorError ??= error;
    stop('generator');
  });

  return new Promise<HttpTrialResult>((resolve, reject) => {
    let finished = false;
    let ticksAfterStop = 0;
    const guard = setTimeout(() => stop('guard'), guardSeconds(options) * 1000);
    const { durationSeconds } = options;
    const ending =
      durationSeconds === undefined
        ? undefined
        : setTimeout(() => stop('duration'), durationSeconds * 1000 - STOP_LEAD_MS);
    const onAbort = () => stop('abort');
    hooks.signal?.addEventListener('abort', onAbort, { once: true });
    const release = () => {
      clearTimeout(ending);
      clearTimeout(guard);
      clearTimeout(draining);
      hooks.signal?.removeEventListener('abort', onAbort);
    };

    const done = (error: unknown) => {
      finished = true;
      release();
      close();
      if (unansweredAtEnd > 0) {
        tally.failed += unansweredAtEnd;
        tally.lastFailure = `no answer within ${options.timeoutSeconds} s after the trial's end`;
      }
      const { elapsedSeconds, cpu } = loadWindow ?? measuredSoFar();
      if (error) return reject(new InputError(`autocannon: ${String(error)}`, undefined, 'http'));
      if (generatorError) return reject(generatorError);
      if (stopReason === 'abort') return reject(hooks.signal?.reason);
      if (tally.responses === 0 && tally.failedBeforeAnyResponse.size > 0) {
        return reject(
          new RunError(`cannot connect to ${options.baseUrl}: ${tally.lastFailure ?? 'refused'}`),
        );
      }
      if (stopReason === 'guard') {
        notes.push(`stopped by the wall-clock guard after ${guardSeconds(options)} s`);
      }
      const generatorCpu = (100 * (cpu.user + cpu.system)) / 1e6 / elapsedSeconds;
      resolve(summarize(tally, ticks, elapsedSeconds, generatorCpu, notes));
    };

    try {
      instance = autocannon(
        {
          url: url.origin,
          requests,
          connections: options.connections,
          pipelining: options.pipelining,
          // autocannon still gets a duration (else it runs 10 s), long enough not to cut the
          // drain short; `ending` stops the load and the drain closes it.
          ...(options.amount === undefined
            ? { duration: guardSeconds(options) }
            : { amount: options.amount }),
          ...(options.rate === undefined
            ? {}
            : { overallRate: options.rate, ignoreCoordinatedOmission: true }),
          timeout: options.timeoutSeconds,
          setupClient: (raw) => {
            const client = raw as unknown as AutocannonClient;
            clients.push(client);
            client.on('done', () => {
              if (++closedClients === clients.length) loadWindow ??= measuredSoFar();
            });
            const flight: Flight = { sent: [], socket: undefined };
            flights.set(client, flight);
            watch(client, flight, clients, tally, options, stop, settled);
          },
        },
        done,
      );
    } catch (error) {
      // autocannon throws synchronously for some bad options (more connections than amount).
      release();
      return reject(new InputError(`autocannon: ${String(error)}`, undefined, 'http'));
    }
    if (options.rate !== undefined && options.rate < options.connections) {
      notes.push(
        `rate ${options.rate}/s < ${options.connections} connections: autocannon opened ${options.rate}`,
      );
    }
    (instance as EventEmitter).on('tick', ({ counter }: { counter: number }) => {
      // autocannon emits one more tick while stopping, after zeroing its counter and just
      // before calling `done`; deferring by a nextTick lets `finished` tell it apart.
      process.nextTick(() => {
        if (finished) return;
        // The tick that saw the load stop is its last (partial) second; later ones only cover
        // the drain, when nothing new is sent.
        if (stopReason !== undefined && ticksAfterStop++ > 0) return;
        ticks.push(counter);
        hooks.onTick?.(counter);
      });
    });
  });
}

/** Times and counts one connection's requests. */
function watch(
  client: AutocannonClient,
  /** This connection's requests in flight on its current socket. */
  flight: Flight,
  /** Every connection of the trial (fewer than options.connections when rate is lower). */
  clients: readonly AutocannonClient[],
  tally: Tally,
  options: HttpLoadOptions,
  stop: (reason: StopReason) => void,
  /** Told when requests stop being in flight, so a drain can end as soon as none is. */
  settled: () => void,
): void {
  /** Counts what was in flight on a socket autocannon has replaced (see 'request'). */
  const dropLost = () => {
    if (client.conn === flight.socket) return;
    flight.socket = client.conn;
    tally.failed += flight.sent.length;
    flight.sent.length = 0;
  };
  client.on('request', () => {
    // A request on a new socket means autocannon reconnected (a timeout, an error, or the server
    // closed it): what was in flight on the old one will never be answered, as HTTP/1.1 answers
    // on the connection that asked. Those requests failed.
    dropLost();
    flight.sent.push(process.hrtime.bigint());
  });
  client.on('response', (statusCode) => {
    const sent = flight.sent.shift();
    if (sent === undefined) return;
    tally.latencies.record(Number(process.hrtime.bigint() - sent) / 1e6);
    tally.responses++;
    if (statusCode < 200 || statusCode >= 300) tally.non2xx++;
    settled();
  });
  client.on('timeout', () => {
    tally.lastFailure = `timed out after ${options.timeoutSeconds} s`;
    // While draining, autocannon reconnects without sending, so no 'request' will count these.
    dropLost();
    settled();
  });
  client.on('connError', (error) => {
    tally.lastFailure = error.code ?? error.message;
    if (tally.responses > 0) return;
    tally.failedBeforeAnyResponse.add(client);
    if (tally.failedBeforeAnyResponse.size >= clients.length) {
      // Every connection failed before anything answered: nothing is listening, so stop now
      // rather than spin through reconnects for the whole duration.
      stop('unreachable');
    }
  });
}

function summarize(
  tally: Tally,
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
    metrics.push(metric('latency_max', 'ms', nearestRank(sorted, 100)));
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
  return { metrics, generatorBound: generatorCpu >= GENERATOR_BOUND_CPU, notes };
}
