/** Embedding worker: one batch of texts in, one Float32Array (texts × DIM) out, transferred. */
import { parentPort } from 'node:worker_threads';
import { embedBatch } from './embedding.mjs';

embedBatch(['warm up the weights and the JIT']);
parentPort.on('message', ({ id, texts }) => {
  try {
    const vectors = embedBatch(texts);
    parentPort.postMessage({ id, result: vectors }, [vectors.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: String(error?.stack ?? error) });
  }
});
parentPort.postMessage({ ready: true });
