/**
 * The lifecycle of the system under test: start it in its own process group with its output
 * appended to a log file, wait until its health URL answers, watch it while trials run, and stop
 * it with its whole process tree, also when perfgate itself is interrupted or exits.
 */
import { closeSync, openSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InputError, RunError } from '../errors.js';
import { onShutdown } from '../shutdown.js';
import {
  describeExit,
  killTree,
  spawnInGroup,
  treeGone,
  type GroupLeader,
  type ProcessExit,
} from './processGroup.js';
import { readLogTail, withTail } from './logTail.js';

export interface ServiceOptions {
  /** Run with `/bin/sh -c`. */
  command: string;
  cwd?: string;
  /** Its whole environment (see GroupSpawnOptions.env). */
  env: NodeJS.ProcessEnv;
  /** Healthy means this URL answers 2xx. */
  healthUrl: string;
  startTimeoutSeconds: number;
  /** Sent to the whole process group by stop(), usually SIGTERM. */
  stopSignal: NodeJS.Signals;
  /** How long stop() waits after stopSignal before it sends SIGKILL. */
  stopGraceSeconds: number;
  /** The service's stdout and stderr are appended here; folders are created. */
  logFile: string;
  /** The config that set these options, named when logFile cannot be used. */
  configFile?: string;
}

export interface RunningService {
  /** Also the id of its process group. */
  pid: number;
  /** The environment it runs with (which GPUs it may use, for one). */
  env: NodeJS.ProcessEnv;
  /** Rejects (RunError) if the service exited or does not answer its health URL; call between trials. */
  assertAlive(): Promise<void>;
  /** Rejects with a RunError as soon as the service exits unless stop() asked it to: race it against a trial. */
  exited: Promise<never>;
  /** Stops the service and everything it started; idempotent. */
  stop(): Promise<void>;
  /** The last lines the service logged since it was started (default 20). */
  logTail(lines?: number): Promise<string>;
}

const POLL_MS = 100;
/**
 * The first wait between health probes; it doubles up to POLL_MS. A service is restarted at every
 * switch of side in an interleaved run, and most are up within tens of milliseconds: a fixed
 * 100 ms poll added about 50 ms to every start.
 */
const FIRST_POLL_MS = 10;
/** A service that takes longer than this to answer its health URL counts as hung. */
const PROBE_TIMEOUT_MS = 2000;
const TAIL_LINES = 20;
/** How long stop() waits for the rest of the group once the leader has exited. */
const TREE_GONE_MS = 2000;

/** Starts the service and resolves once it is healthy; on failure nothing is left running. */
export async function startService(options: ServiceOptions): Promise<RunningService> {
  const { logStart, log } = await openLog(options);
  let leader: GroupLeader;
  try {
    const { command, cwd, env } = options;
    leader = await spawnInGroup(command, { cwd, env, stdio: ['ignore', log, log] });
  } finally {
    closeSync(log);
  }
  const service = new Service(leader, options, logStart);
  try {
    await service.waitUntilHealthy();
  } catch (error) {
    await service.stop();
    throw error;
  }
  return service;
}

/**
 * Opens the service's log for appending. A path that cannot be a file (below a regular file, a
 * folder) is a mistake in the config: exit 2 naming service.logFile, not a stack trace.
 */
async function openLog({ logFile, configFile }: ServiceOptions) {
  try {
    await mkdir(path.dirname(logFile), { recursive: true });
    // The log is shared by every start (variants, restarts): read tails only from this start on.
    const logStart = (await stat(logFile).catch(() => undefined))?.size ?? 0;
    // The service writes its log itself, so nothing is lost if perfgate is busy or dies.
    return { logStart, log: openSync(logFile, 'a') };
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    const why =
      code === 'ENOTDIR' || code === 'EEXIST'
        ? 'lies below a regular file'
        : code === 'EISDIR'
          ? 'is a folder'
          : `cannot be opened for appending (${code ?? String(error)})`;
    throw new InputError(`${logFile} ${why}`, { file: configFile, field: 'service.logFile' });
  }
}

class Service implements RunningService {
  readonly pid: number;
  readonly env: NodeJS.ProcessEnv;
  private readonly leader: GroupLeader;
  readonly exited: Promise<never>;
  private exit: ProcessExit | undefined;
  private readonly exitEvent: Promise<ProcessExit>;
  private stopping: Promise<void> | undefined;

  constructor(
    leader: GroupLeader,
    private readonly options: ServiceOptions,
    private readonly logStart: number,
  ) {
    this.pid = leader.pid;
    this.env = options.env;
    this.leader = leader;
    this.exitEvent = new Promise((resolve) =>
      leader.once('exit', (code: number | null, signal: NodeJS.Signals | null) => {
        this.exit = { code, signal };
        // Its group is gone too (spawnInGroup), so shutdown has nothing left to stop.
        release();
        resolve(this.exit);
      }),
    );
    this.exited = this.watchExit();
    // The rejection is for whoever races `exited`; when nobody does, it is not an unhandled error.
    this.exited.catch(() => undefined);
    // Stopped if perfgate is interrupted or exits while it runs (shutdown.ts).
    const release = onShutdown({
      what: 'service',
      interrupted: () => this.stop(),
      exiting: () => this.kill(),
    });
  }

  async waitUntilHealthy(): Promise<void> {
    const { healthUrl, startTimeoutSeconds } = this.options;
    const deadline = Date.now() + startTimeoutSeconds * 1000;
    for (let wait = FIRST_POLL_MS; ; wait = Math.min(POLL_MS, 2 * wait)) {
      const timeoutMs = Math.max(1, Math.min(PROBE_TIMEOUT_MS, deadline - Date.now()));
      const problem = await probe(healthUrl, timeoutMs);
      if (problem === undefined) return;
      // Waiting also lets the exit event of a service that just died arrive before we look.
      await sleep(wait);
      if (this.exit) {
        throw await this.failure(
          `service exited ${describeExit(this.exit)} before it became healthy${this.daemonized()}`,
        );
      }
      if (Date.now() >= deadline) {
        const within = `within ${startTimeoutSeconds}s (last probe: ${problem})`;
        // A model server may need minutes to load: name the setting that gives it them.
        const raise = `; if it needs longer to start, raise service.startTimeoutSeconds (now ${startTimeoutSeconds})`;
        throw await this.failure(
          `service did not become healthy at ${healthUrl} ${within}${raise}`,
        );
      }
    }
  }

  async assertAlive(): Promise<void> {
    const problem = this.exit ? 'exited' : await probe(this.options.healthUrl, PROBE_TIMEOUT_MS);
    if (problem === undefined) return;
    // A refused probe is often a crash whose exit event is a moment behind: report the crash.
    await Promise.race([this.exitEvent, sleep(POLL_MS)]);
    if (this.exit) {
      throw await this.failure(`service exited ${describeExit(this.exit)}${this.daemonized()}`);
    }
    throw await this.failure(`service stopped answering at ${this.options.healthUrl}: ${problem}`);
  }

  stop(): Promise<void> {
    this.stopping ??= this.terminate();
    return this.stopping;
  }

  /** SIGKILL to everything it started, at once: for perfgate's own exit. */
  kill(): void {
    killTree(this.leader, 'SIGKILL');
  }

  logTail(lines = TAIL_LINES): Promise<string> {
    return readLogTail(this.options.logFile, lines, this.logStart);
  }

  private async terminate(): Promise<void> {
    if (!this.exit) {
      killTree(this.leader, this.options.stopSignal);
      // An unreferenced timer: a service that stops at once must not keep perfgate waiting.
      await Promise.race([
        this.exitEvent,
        sleep(this.options.stopGraceSeconds * 1000, undefined, { ref: false }),
      ]);
      if (!this.exit) killTree(this.leader, 'SIGKILL');
      // Whatever the leader leaves behind is killed on its exit (spawnInGroup).
      await this.exitEvent;
    }
    await treeGone(this.leader, TREE_GONE_MS);
  }

  private async watchExit(): Promise<never> {
    const exit = await this.exitEvent;
    // An exit that stop() asked for is not a failure: stay pending for whoever still races this.
    if (this.stopping) return new Promise<never>(() => undefined);
    throw await this.failure(
      `service exited ${describeExit(exit)} unexpectedly${this.daemonized()}`,
    );
  }

  /**
   * Why a service's own exit may not be a crash: its command put the server in the background
   * (`&`, --daemon, setsid) and returned. perfgate cannot watch or stop such a server, so it kills
   * what the command left (spawnInGroup) and says how to fix the command.
   */
  private daemonized(): string {
    const left = this.leader.leftBehind;
    if (left.length === 0 && this.exit?.code !== 0) return '';
    const killed =
      left.length === 0
        ? ''
        : ` and left ${left.length === 1 ? 'a process' : `${left.length} processes`} running ` +
          `(pid ${left.join(', ')}), now killed`;
    return (
      `${killed}: a service must stay in the foreground, its command running until it is ` +
      `stopped (use \`exec server\`; no \`&\`, --daemon, setsid or nohup)`
    );
  }

  private async failure(message: string): Promise<RunError> {
    const heading = `last ${TAIL_LINES} lines of ${this.options.logFile}`;
    return new RunError(withTail(message, heading, await this.logTail(TAIL_LINES)));
  }
}

/** Why `url` is not healthy right now, or undefined when it answers 2xx within `timeoutMs`. */
async function probe(url: string, timeoutMs: number): Promise<string | undefined> {
  try {
    // A fresh connection per probe: a pooled one to a restarted service would fail spuriously.
    const response = await fetch(url, {
      headers: { connection: 'close' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return response.ok ? undefined : `HTTP ${response.status}`;
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? (error as Error).message;
  }
}
