/**
 * Micro-batching: embed calls from concurrent requests queue here and leave for the worker pool
 * in batches of up to `batchSize` texts, as soon as a batch is full or `maxWaitMs` after the
 * oldest queued text arrived. Bigger batches amortize the per-call cost (messages between threads,
 * and weights loaded once per four texts instead of once per text: see embedding.mjs) at the
 * price of waiting for the batch to fill.
 */
import { DIM } from './embedding.mjs';

export class MicroBatcher {
  /**
   * @param {(texts: string[]) => Promise<Float32Array>} embedBatch embeds one batch, row per text
   * @param {{ batchSize: number, maxWaitMs: number, onBatch?: (size: number) => void }} options
   */
  constructor(embedBatch, { batchSize, maxWaitMs, onBatch }) {
    this.embedBatch = embedBatch;
    this.batchSize = batchSize;
    this.maxWaitMs = maxWaitMs;
    this.onBatch = onBatch;
    this.queue = [];
    this.timer = undefined;
  }

  /** The embedding of `text`: a Float32Array of DIM (a copy, so a cached row holds no batch). */
  embed(text) {
    return new Promise((resolve, reject) => {
      this.queue.push({ text, resolve, reject });
      if (this.queue.length >= this.batchSize) this.flush(false);
      else if (this.timer === undefined) {
        this.timer = setTimeout(() => this.flush(true), this.maxWaitMs);
      }
    });
  }

  /** Sends full batches; with `all`, also the partial one left. */
  flush(all) {
    while (this.queue.length >= this.batchSize || (all && this.queue.length > 0)) {
      this.send(this.queue.splice(0, this.batchSize));
    }
    if (this.timer !== undefined && (all || this.queue.length === 0)) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.queue.length > 0 && this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(true), this.maxWaitMs);
    }
  }

  send(items) {
    this.onBatch?.(items.length);
    this.embedBatch(items.map((item) => item.text)).then(
      (vectors) => {
        items.forEach((item, i) => item.resolve(vectors.slice(i * DIM, (i + 1) * DIM)));
      },
      (error) => items.forEach((item) => item.reject(error)),
    );
  }

  /** Rejects whatever is still queued. */
  close() {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const item of this.queue.splice(0)) item.reject(new Error('shutting down'));
  }
}
