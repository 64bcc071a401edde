import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError, RunError } from '../../src/errors.js';
import { signalGroup } from '../../src/run/processGroup.js';
import { startService, type RunningService, type ServiceOptions } from '../../src/run/service.js';
import { eventually, freePort, isRunning, readPid } from '../fixtures/services/processes.js';

const fixtures = path.join(import.meta.dirname, '../fixtures/services');
const server = path.join(fixtures, 'server.mjs');

let dir: string;
let started: RunningService[];
/** Kill what a failed test may have left behind. */
let cleanups: (() => void)[];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'perfgate-service-'));
  started = [];
  cleanups = [];
});

afterEach(async () => {
  await Promise.all(started.map((service) => service.stop()));
  cleanups.forEach((cleanup) => cleanup());
  await rm(dir, { recursive: true, force: true });
});

/** Options for the fixture server on a free port, with `env` choosing its misbehaviour. */
async function serverOptions(env: Record<string, string> = {}): Promise<ServiceOptions> {
  const port = await freePort();
  return {
    command: `exec node ${server}`,
    env: { PORT: String(port), ...env },
    healthUrl: `http://127.0.0.1:${port}/health`,
    startTimeoutSeconds: 10,
    stopSignal: 'SIGTERM',
    stopGraceSeconds: 5,
    // A nested folder that does not exist yet: startService creates it.
    logFile: path.join(dir, 'logs', 'nested', 'service.log'),
  };
}

async function start(options: ServiceOptions): Promise<RunningService> {
  const service = await startService(options);
  started.push(service);
  return service;
}

/** Whether `promise` is still pending after `ms`. */
async function pendingAfter(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const pending = Symbol('pending');
  const first = await Promise.race([promise.catch(() => undefined), sleep(ms, pending)]);
  return first === pending;
}

describe('startService', () => {
  it('starts a healthy service, logs its output, and stops it idempotently', async () => {
    const service = await start(await serverOptions());
    await expect(service.assertAlive()).resolves.toBeUndefined();
    expect(await service.logTail()).toMatch(/^listening on \d+$/);

    await Promise.all([service.stop(), service.stop()]);
    await service.stop();
    expect(isRunning(service.pid)).toBe(false);
    expect(await service.logTail()).toMatch(/stopping on SIGTERM$/);
    // stop() asked for that exit: `exited` does not reject.
    expect(await pendingAfter(service.exited, 100)).toBe(true);
  });

  it('reads log tails of this start only, though the log is appended to', async () => {
    // Each call picks a new port but the same log file.
    const options = await serverOptions();
    await (await start(options)).stop();
    const second = await start(await serverOptions());
    expect(await second.logTail()).not.toMatch(/stopping/);
    expect((await readFile(options.logFile, 'utf8')).match(/listening/g)).toHaveLength(2);
  });

  it('fails with the log tail when the service exits before it is healthy', async () => {
    const options = await serverOptions();
    const failing = startService({ ...options, command: `node ${fixtures}/fail-at-start.mjs` });
    await expect(failing).rejects.toThrow(RunError);
    await expect(failing).rejects.toThrow(
      /service exited with code 1 before it became healthy\n--- last 20 lines of .*service\.log ---\nloading model weights\nerror: cannot open \/models\/missing\.bin$/,
    );
  });

  it('fails and kills the service when it never becomes healthy', async () => {
    const options = await serverOptions({
      HEALTH_STATUS: '503',
      PID_FILE: path.join(dir, 'server.pid'),
    });
    const begun = Date.now();
    await expect(startService({ ...options, startTimeoutSeconds: 1 })).rejects.toThrow(
      /service did not become healthy at http:\/\/127\.0\.0\.1:\d+\/health within 1s \(last probe: HTTP 503\); if it needs longer to start, raise service\.startTimeoutSeconds \(now 1\)\n.*\nlistening on/,
    );
    expect(Date.now() - begun).toBeLessThan(4000);
    expect(isRunning(await readPid(path.join(dir, 'server.pid')))).toBe(false);
  });

  it('refuses a service.logFile below a regular file (exit 2 naming the field), starting nothing', async () => {
    const file = path.join(dir, 'not-a-folder');
    await writeFile(file, 'a file, not a folder\n');
    const options = await serverOptions({ PID_FILE: path.join(dir, 'server.pid') });
    const logFile = path.join(file, 'service.log');
    const failing = startService({ ...options, logFile, configFile: 'perfgate.yml' });
    await expect(failing).rejects.toThrow(InputError);
    await expect(failing).rejects.toThrow(
      `perfgate.yml: service.logFile: ${logFile} lies below a regular file`,
    );
    expect(await readFile(path.join(dir, 'server.pid'), 'utf8').catch(() => 'none')).toBe('none');
  });

  it('kills a service that daemonizes (out of its group and session) and says to stay in the foreground', async () => {
    const pidFile = path.join(dir, 'daemon.pid');
    const options = await serverOptions({ DAEMON_PID_FILE: pidFile });
    // Usually the command exits before the daemon answers; on a loaded machine the daemon may
    // answer first, and the exit then fails the running service instead.
    // Settled into a value at once: the failure may come while the test still waits for the
    // daemon's pid, and a rejection nobody has handled yet fails the whole run.
    const failure: Promise<unknown> = startService({
      ...options,
      command: `node ${fixtures}/daemonize.mjs`,
    })
      .then((service) => {
        started.push(service);
        return service.exited;
      })
      .then(
        () => new Error('the daemonizing service was not failed'),
        (error: unknown) => error,
      );
    const daemon = await readPid(pidFile);
    // Only the daemon this test started, should the fix fail.
    cleanups.push(() => isRunning(daemon) && process.kill(daemon, 'SIGKILL'));
    const error = await failure;
    expect(error).toBeInstanceOf(RunError);
    expect((error as RunError).message).toMatch(
      new RegExp(
        `service exited with code 0 (before it became healthy|unexpectedly) and left a process running ` +
          `\\(pid ${daemon}\\), now killed: a service must stay in the foreground`,
      ),
    );
    await eventually(() => !isRunning(daemon));
  });

  it('times out a health probe that is never answered', async () => {
    const options = await serverOptions({ HANG_AFTER: '0' });
    await expect(startService({ ...options, startTimeoutSeconds: 1 })).rejects.toThrow(
      /within 1s \(last probe: no answer within \d+ ms\)/,
    );
  });
});

describe('a running service', () => {
  it('rejects `exited` and assertAlive with the log tail when it crashes', async () => {
    // Request 1 is the health check that lets it start; request 2 crashes it.
    const options = await serverOptions({ CRASH_AFTER: '2' });
    const service = await start(options);
    await fetch(options.healthUrl.replace('/health', '/work')).catch(() => 'reset by the crash');
    await expect(service.exited).rejects.toThrow(RunError);
    await expect(service.exited).rejects.toThrow(
      /service exited with code 1 unexpectedly\n--- last 20 lines .*\nlistening on \d+\ncrashing after 2 requests$/,
    );
    await expect(service.assertAlive()).rejects.toThrow(/^service exited with code 1\n/);
  });

  it('fails assertAlive by timeout when the service hangs', async () => {
    const service = await start(await serverOptions({ HANG_AFTER: '1' }));
    const begun = Date.now();
    await expect(service.assertAlive()).rejects.toThrow(
      /service stopped answering at http:.*: no answer within 2000 ms\n--- last 20 lines/,
    );
    expect(Date.now() - begun).toBeLessThan(3500);
    expect(isRunning(service.pid)).toBe(true);
  });
});

describe('stop', () => {
  it('SIGKILLs a service that ignores SIGTERM once the grace period is over', async () => {
    const service = await start({
      ...(await serverOptions({ IGNORE_SIGTERM: '1' })),
      stopGraceSeconds: 0.5,
    });
    const begun = Date.now();
    await service.stop();
    expect(Date.now() - begun).toBeGreaterThanOrEqual(450);
    expect(isRunning(service.pid)).toBe(false);
    expect(await service.logTail()).toMatch(/ignoring SIGTERM$/);
  });

  it('leaves no grandchild behind, even one that ignores SIGTERM', async () => {
    const pidFile = path.join(dir, 'grandchild.pid');
    const service = await start(await serverOptions({ GRANDCHILD_PID_FILE: pidFile }));
    const grandchild = await readPid(pidFile);
    expect(isRunning(grandchild)).toBe(true);
    const begun = Date.now();
    await service.stop();
    // The leader stopped at once on SIGTERM, so stop() did not wait out the 5 s grace.
    expect(Date.now() - begun).toBeLessThan(2000);
    await eventually(() => !isRunning(grandchild));
  });
});

describe('when perfgate itself ends', () => {
  /** Runs the holder fixture, which starts a service, and returns it with the pids it reports. */
  async function hold(mode: 'wait' | 'exit') {
    const pidFile = path.join(dir, 'grandchild.pid');
    const holder = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(fixtures, 'holder.ts'), mode, String(await freePort())].concat([
        path.join(dir, 'service.log'),
        pidFile,
      ]),
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const closed = once(holder, 'exit');
    const [line] = (await once(holder.stdout, 'data')) as [Buffer];
    const { pid } = JSON.parse(line.toString()) as { pid: number };
    cleanups.push(
      () => holder.kill('SIGKILL'),
      () => signalGroup(pid, 'SIGKILL'),
    );
    return { holder, closed, pid, grandchild: await readPid(pidFile) };
  }

  it('stops its services on SIGTERM, then dies of the signal', async () => {
    const { holder, closed, pid, grandchild } = await hold('wait');
    expect(isRunning(pid)).toBe(true);
    holder.kill('SIGTERM');
    const [code, signal] = await closed;
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
    await eventually(() => !isRunning(pid) && !isRunning(grandchild));
    expect(await readFile(path.join(dir, 'service.log'), 'utf8')).toMatch(/stopping on SIGTERM/);
  });

  it('kills its services when it exits', async () => {
    const { closed, pid, grandchild } = await hold('exit');
    expect(await closed).toEqual([0, null]);
    await eventually(() => !isRunning(pid) && !isRunning(grandchild));
  });
});
