/** Starts test/collect/worker.mjs and talks to it; see that file for its commands. */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface Worker {
  /** The process started: the worker, or with `tree` the worker's idle parent. */
  pid: number;
  /** The worker itself (a grandchild of this test when `tree`). */
  workerPid: number;
  /** Sends a command and resolves when the worker has done it. */
  send(command: string): Promise<void>;
  /** Ends the processes this started, by PID: the root is killed, the worker sees stdin close. */
  stop(): void;
}

const script = fileURLToPath(new URL('./worker.mjs', import.meta.url));

export async function startWorker({ tree = false } = {}): Promise<Worker> {
  const child = spawn(process.execPath, tree ? [script, 'tree'] : [script], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const { value, done } = await lines.next();
    if (done) throw new Error('worker exited');
    return value;
  };
  const ready = await next();
  return {
    pid: child.pid!,
    workerPid: Number(ready.split(' ')[1]),
    async send(command) {
      child.stdin.write(`${command}\n`);
      const reply = await next();
      if (reply !== 'done') throw new Error(`worker said "${reply}"`);
    },
    stop() {
      child.kill();
      child.stdin.end();
    },
  };
}
