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
 * - requests/s: the mean of autocannon's one-second ticks of the seconds that ended while loading,
 *   without the first (connecting, warming up).
 * - error_rate and non2xx_rate: % of the requests that ended (answered, failed or timed out).
 *   When the duration ends, no new request is sent and those in flight get up to the timeout to
 *   be answered; any still unanswered then count as timed out. Dropping them instead let a
 *   service that stopped answering mid-trial report 0 % errors.
 * - generator_cpu: % of one core this process used during the trial. At >= 90 % the load
 *   generator, not the server, may be the bottleneck: the trial is marked generatorBound.
 */
import type { EventEmitter } from 'node:events';
import autocannon from 'autocannon/lib/init.js';
import { MAX_TIMER_MS } from '../config/fields.js';
import { InputError, RunError } from '../errors.js';
import {
  loadBodyGenerator,
  toAutocannonRequests,
  type HttpRequestSpec,
  type RequestGenerator,
} from './bodyGenerator.js';
import { summarize, type HttpTrialResult, type TrialCounts } from './httpSummary.js';
import { LatencySamples } from './percentiles.js';

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

export interface HttpTrialHooks {
  /** Each full second's responses, for progress display (the partial last second is not reported). */
  onTick?: (requestsPerSecond: number) => void;
  /** Aborting stops the load and rejects with the signal's reason. */
  signal?: AbortSignal;
}

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
 * How long a trial may run before the wall-clock guard stops it: its duration (or, bounded by
 * amount, the worst case where every round of in-flight requests times out, no faster than the
 * rate allows), plus one timeout for the requests in flight at the end, plus slack. Never more
 * than a timer can wait (MAX_TIMER_MS): a longer delay fires at once, which would stop the trial
 * as it starts (the guard, and autocannon's own duration timer, which gets this value too).
 */
export function guardSeconds(options: HttpLoadOptions): number {
  const { durationSeconds, amount = 0, connections, pipelining, rate, timeoutSeconds } = options;
  let longest = durationSeconds;
  if (longest === undefined) {
    const rounds = Math.ceil(amount / (connections * pipelining));
    longest = rounds * timeoutSeconds + (rate ? Math.ceil(amount / rate) : 0);
  }
  return Math.min(longest + timeoutSeconds + GUARD_SLACK_SECONDS, MAX_TIMER_MS / 1000);
}

/** Runs one trial; rejects with RunError when no connection to the server can be made. */
export async function runHttpTrial(
  options: HttpLoadOptions,
  hooks: HttpTrialHooks = {},
): Promise<HttpTrialResult> {
  if ((options.durationSeconds === undefined) === (options.amount === undefined)) {
    throw new InputError('give exactly one of durationSeconds and amount', { field: 'http' });
  }
  const url = URL.canParse(options.baseUrl) ? new URL(options.baseUrl) : undefined;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    const got = JSON.stringify(options.baseUrl);
    throw new InputError(`expected an http:// or https:// URL, got ${got}`, { field: 'baseUrl' });
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

/** One connection's requests in flight, as `Trial.watch` tracks them. */
interface Flight {
  /** Send times of the requests in flight on `socket`, oldest first. */
  sent: bigint[];
  socket: unknown;
}

/** Counts of one trial, shared by all connections. */
interface Tally extends TrialCounts {
  /**
   * The connections that had an error before any response: the server may not be there at all.
   * Distinct connections, as one connection can fail and reconnect many times.
   */
  failedBeforeAnyResponse: Set<AutocannonClient>;
}

type StopReason = 'duration' | 'unreachable' | 'guard' | 'abort' | 'generator';

/** Seconds and CPU time of this process since the trial started. */
interface LoadWindow {
  elapsedSeconds: number;
  cpu: NodeJS.CpuUsage;
}

/**
 * One trial's state. It moves one way, each transition once:
 *   loading ─stop('duration')─► draining ─(answered, or one timeout)─► closed ─finish()─► finished
 *   loading ─stop(any other reason)─────────────────────────────────► closed
 * The trial settles as it reaches `closed` (or when autocannon calls back first: an error, or
 * `amount` done), and finish() turns what was counted into the result.
 */
class Trial {
  private readonly tally: Tally = {
    latencies: new LatencySamples(),
    responses: 0,
    non2xx: 0,
    failed: 0,
    failedBeforeAnyResponse: new Set(),
  };
  private readonly ticks: number[] = [];
  readonly notes: string[] = [];
  /** Every connection of the trial (fewer than options.connections when rate is lower). */
  private readonly flights = new Map<AutocannonClient, Flight>();
  private connectionsDone = 0;
  private phase: 'loading' | 'draining' | 'closed' | 'finished' = 'loading';
  private stopReason: StopReason | undefined;
  private generatorError: unknown;
  /** Requests still in flight when the connections close count as timed out (see drain). */
  private unansweredAtEnd = 0;
  private readonly started = process.hrtime.bigint();
  private readonly cpuAtStart = process.cpuUsage();
  /** Set when the load ends (drain, or the last connection closes): autocannon reports up to a second later. */
  private loadWindow: LoadWindow | undefined;
  private readonly timers: ReturnType<typeof setTimeout>[] = [];
  private readonly onAbort = () => this.stop('abort');
  /** Set once autocannon accepted the options. */
  instance: autocannon.Instance | undefined;

  /**
   * `closed` is called once the load has ended and every connection is closed: the trial's
   * result is complete then. autocannon itself reports only at its next one-second interval,
   * which would round every trial (and warm-up) up to whole seconds.
   */
  constructor(
    private readonly options: HttpLoadOptions,
    private readonly hooks: HttpTrialHooks,
    private readonly closed: () => void,
  ) {}

  /** Starts the clocks that end the trial: its duration, the wall-clock guard, the caller's abort. */
  arm(): void {
    const { durationSeconds } = this.options;
    this.timers.push(setTimeout(() => this.stop('guard'), guardSeconds(this.options) * 1000));
    if (durationSeconds !== undefined) {
      this.timers.push(
        setTimeout(() => this.stop('duration'), durationSeconds * 1000 - STOP_LEAD_MS),
      );
    }
    this.hooks.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Stops the clocks, so nothing fires after the trial settled. */
  disarm(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.hooks.signal?.removeEventListener('abort', this.onAbort);
  }

  /** autocannon's setupClient: a new connection, timed and counted by `watch`. */
  connect(client: AutocannonClient): void {
    const flight: Flight = { sent: [], socket: undefined };
    this.flights.set(client, flight);
    client.on('done', () => {
      if (++this.connectionsDone === this.flights.size) this.loadWindow ??= this.measuredSoFar();
    });
    this.watch(client, flight);
  }

  /** The body generator threw: the trial fails with its error. */
  generatorFailed(error: unknown): void {
    this.generatorError ??= error;
    this.stop('generator');
  }

  /**
   * Ends the load: at the end of the duration by draining (see drain), otherwise by closing every
   * connection. autocannon's own stop() only raises a flag that its next one-second interval
   * reads, and meanwhile its rate-limited connections send their next second's budget. Closing
   * is deferred, so a connection is never closed from inside autocannon's call stack (a client
   * destroyed mid-send re-arms its timeout timer and reconnects).
   */
  stop(reason: StopReason): void {
    // The first reason is the one reported, except an abort: its caller wants a rejection, even
    // when it comes during the drain.
    this.stopReason = reason === 'abort' ? reason : (this.stopReason ?? reason);
    if (reason === 'duration' && !this.drained()) return this.drain();
    queueMicrotask(() => this.close());
  }

  /** autocannon's one-second count; false for the counts that are not part of the measurement. */
  tick(counter: number): boolean {
    // Only seconds that ended while loading are full: the one that saw the load stop is partial,
    // and later ones cover the drain, when nothing new is sent.
    if (this.phase !== 'loading' || this.stopReason !== undefined) return false;
    this.ticks.push(counter);
    return true;
  }

  /** autocannon called back: the trial's result, or the error it ends with. */
  finish(error: unknown): HttpTrialResult {
    this.disarm();
    this.close();
    this.phase = 'finished';
    const { options, tally } = this;
    if (this.unansweredAtEnd > 0) {
      tally.failed += this.unansweredAtEnd;
      tally.lastFailure = `no answer within ${options.timeoutSeconds} s after the trial's end`;
    }
    const { elapsedSeconds, cpu } = this.loadWindow ?? this.measuredSoFar();
    // The generator's own error first: what autocannon trips over afterwards is its consequence.
    if (this.generatorError) throw this.generatorError;
    if (error) throw new InputError(`autocannon: ${String(error)}`, { field: 'http' });
    if (this.stopReason === 'abort') throw this.hooks.signal?.reason;
    if (tally.responses === 0 && tally.failedBeforeAnyResponse.size > 0) {
      throw new RunError(`cannot connect to ${options.baseUrl}: ${tally.lastFailure ?? 'refused'}`);
    }
    if (this.stopReason === 'guard') {
      this.notes.push(`stopped by the wall-clock guard after ${guardSeconds(options)} s`);
    }
    const generatorCpu = (100 * (cpu.user + cpu.system)) / 1e6 / elapsedSeconds;
    return summarize(tally, this.ticks, elapsedSeconds, generatorCpu, this.notes);
  }

  private measuredSoFar(): LoadWindow {
    return {
      elapsedSeconds: Number(process.hrtime.bigint() - this.started) / 1e9,
      cpu: process.cpuUsage(this.cpuAtStart),
    };
  }

  /**
   * The duration is over: send nothing more, and give the requests in flight up to one timeout
   * to be answered (guardSeconds allows for it). A healthy service answers within a latency; a
   * service that stopped answering leaves them waiting, and they are counted as timed out.
   */
  private drain(): void {
    if (this.phase !== 'loading') return;
    this.phase = 'draining';
    this.loadWindow ??= this.measuredSoFar();
    for (const client of this.flights.keys()) client._doRequest = () => undefined;
    this.timers.push(setTimeout(() => this.close(), this.options.timeoutSeconds * 1000));
  }

  private close(): void {
    if (this.phase === 'closed' || this.phase === 'finished') return;
    this.phase = 'closed';
    // Only a trial that ran out its duration (or hung until the guard) gave them their time;
    // after an abort, or when amount cuts pipelined requests short, they are simply not sent.
    if (this.stopReason === 'duration' || this.stopReason === 'guard') {
      for (const flight of this.flights.values()) this.unansweredAtEnd += flight.sent.length;
    }
    for (const client of this.flights.keys()) client.destroy();
    this.instance?.stop();
    queueMicrotask(this.closed);
  }

  /** True when no connection still waits for an answer on its current socket. */
  private drained(): boolean {
    return [...this.flights].every(
      ([client, flight]) => flight.sent.length === 0 || client.conn !== flight.socket,
    );
  }

  /** Requests stopped being in flight: a drain ends as soon as none is. */
  private settled(): void {
    if (this.phase === 'draining' && this.drained()) queueMicrotask(() => this.close());
  }

  /** Times and counts one connection's requests; `flight` is its requests in flight. */
  private watch(client: AutocannonClient, flight: Flight): void {
    const { tally } = this;
    /** Counts what was in flight on a socket autocannon has replaced (see 'request'). */
    const dropLost = () => {
      if (client.conn === flight.socket) return;
      flight.socket = client.conn;
      tally.failed += flight.sent.length;
      flight.sent.length = 0;
    };
    client.on('request', () => {
      // A request on a new socket means autocannon reconnected (a timeout, an error, or the
      // server closed it): what was in flight on the old one will never be answered, as HTTP/1.1
      // answers on the connection that asked. Those requests failed.
      dropLost();
      flight.sent.push(process.hrtime.bigint());
    });
    client.on('response', (statusCode) => {
      const sent = flight.sent.shift();
      if (sent === undefined) return;
      tally.latencies.record(Number(process.hrtime.bigint() - sent) / 1e6);
      tally.responses++;
      if (statusCode < 200 || statusCode >= 300) tally.non2xx++;
      this.settled();
    });
    client.on('timeout', () => {
      tally.lastFailure = `timed out after ${this.options.timeoutSeconds} s`;
      // While draining, autocannon reconnects without sending, so no 'request' will count these.
      dropLost();
      this.settled();
    });
    client.on('connError', (error) => {
      tally.lastFailure = error.code ?? error.message;
      if (tally.responses > 0) return;
      tally.failedBeforeAnyResponse.add(client);
      if (tally.failedBeforeAnyResponse.size >= this.flights.size) {
        // Every connection failed before anything answered: nothing is listening, so stop now
        // rather than spin through reconnects for the whole duration.
        this.stop('unreachable');
      }
    });
  }
}

function measure(
  options: HttpLoadOptions,
  url: URL,
  generate: RequestGenerator | null,
  hooks: HttpTrialHooks,
): Promise<HttpTrialResult> {
  return new Promise<HttpTrialResult>((resolve, reject) => {
    // The trial ends when it closed its connections, or when autocannon reports (an error, or
    // `amount` requests done), whichever comes first.
    let settled = false;
    const settle = (error: unknown) => {
      if (settled) return;
      settled = true;
      try {
        resolve(trial.finish(error));
      } catch (failure) {
        reject(failure);
      }
    };
    const trial = new Trial(options, hooks, () => settle(undefined));
    const prefix = url.pathname.replace(/\/$/, '');
    const requests = toAutocannonRequests(options.requests, prefix, generate, (error) =>
      trial.generatorFailed(error),
    );
    trial.arm();
    let instance: autocannon.Instance;
    try {
      instance = autocannon(
        {
          url: url.origin,
          requests,
          connections: options.connections,
          pipelining: options.pipelining,
          // autocannon still gets a duration (else it runs 10 s), long enough not to cut the
          // drain short; the trial's own duration timer stops the load and the drain closes it.
          ...(options.amount === undefined
            ? { duration: guardSeconds(options) }
            : { amount: options.amount }),
          ...(options.rate === undefined
            ? {}
            : { overallRate: options.rate, ignoreCoordinatedOmission: true }),
          timeout: options.timeoutSeconds,
          setupClient: (client) => trial.connect(client as unknown as AutocannonClient),
        },
        (error: unknown) => settle(error),
      );
    } catch (error) {
      // autocannon throws synchronously for some bad options (more connections than amount).
      trial.disarm();
      return reject(new InputError(`autocannon: ${String(error)}`, { field: 'http' }));
    }
    trial.instance = instance;
    if (options.rate !== undefined && options.rate < options.connections) {
      trial.notes.push(
        `rate ${options.rate}/s < ${options.connections} connections: autocannon opened ${options.rate}`,
      );
    }
    (instance as EventEmitter).on('tick', ({ counter }: { counter: number }) => {
      // autocannon emits one more tick while stopping, after zeroing its counter and just
      // before calling `done`; deferring by a nextTick lets the finished trial tell it apart.
      process.nextTick(() => {
        if (trial.tick(counter)) hooks.onTick?.(counter);
      });
    });
  });
}
