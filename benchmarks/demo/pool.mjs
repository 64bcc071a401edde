/**
 * A fixed pool of worker threads, each doing one job at a time; jobs wait in FIFO order for a
 * free worker. The size is the concurrency limit: with N workers at most N jobs run at once.
 *
 * Protocol: the pool posts `{ id, ...payload }`; the worker answers `{ id, result }` or
 * `{ id, error }`, and posts `{ ready: true }` once after its set-up (loading weights, opening its
 * database connection), so start() resolves only when every worker can take work.
 */
import { Worker } from 'node:worker_threads';

export class WorkerPool {
  /**
   * @param {URL} file worker module
   * @param {number} size number of workers
   * @param {unknown} workerData passed to every worker
   */
  constructor(file, size, workerData) {
    this.file = file;
    this.size = size;
    this.workerData = workerData;
    this.idle = [];
    this.queue = [];
    this.workers = new Set();
    this.nextId = 1;
    this.closed = false;
  }

  /** Starts the workers; resolves when all have reported ready. */
  async start() {
    await Promise.all(Array.from({ length: this.size }, () => this.spawn()));
  }

  spawn() {
    return new Promise((resolve, reject) => {
      const worker = new Worker(this.file, { workerData: this.workerData });
      const slot = { worker, job: undefined };
      this.workers.add(slot);
      let ready = false;
      worker.on('message', (message) => {
        if (message && message.ready) {
          ready = true;
          this.release(slot);
          resolve();
          return;
        }
        const job = slot.job;
        slot.job = undefined;
        if (job) {
          if (message.error) job.reject(new Error(message.error));
          else job.resolve(message.result);
        }
        this.release(slot);
      });
      worker.on('error', (error) => {
        if (!ready) reject(error);
        slot.job?.reject(error);
        slot.job = undefined;
      });
      worker.on('exit', (code) => {
        this.workers.delete(slot);
        this.idle = this.idle.filter((s) => s !== slot);
        if (!ready) reject(new Error(`worker exited with code ${code} before it was ready`));
        slot.job?.reject(new Error(`worker exited with code ${code}`));
        slot.job = undefined;
        // A worker that died while the pool is in use is replaced, so the pool keeps its size.
        if (ready && !this.closed) this.spawn().catch(() => {});
      });
    });
  }

  /** Runs one job; `transfer` lists ArrayBuffers moved (not copied) to the worker. */
  run(payload, transfer = []) {
    if (this.closed) return Promise.reject(new Error('the pool is closed'));
    return new Promise((resolve, reject) => {
      const job = { id: this.nextId++, payload, transfer, resolve, reject };
      const slot = this.idle.pop();
      if (slot) this.dispatch(slot, job);
      else this.queue.push(job);
    });
  }

  dispatch(slot, job) {
    slot.job = job;
    slot.worker.postMessage({ id: job.id, ...job.payload }, job.transfer);
  }

  release(slot) {
    const job = this.queue.shift();
    if (job) this.dispatch(slot, job);
    else this.idle.push(slot);
  }

  /** Jobs waiting for a free worker. */
  get waiting() {
    return this.queue.length;
  }

  /** Rejects waiting jobs and terminates every worker. */
  async close() {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('the pool is closed'));
    await Promise.all([...this.workers].map((slot) => slot.worker.terminate()));
  }
}
