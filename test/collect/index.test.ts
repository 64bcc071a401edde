import { describe, expect, it } from 'vitest';
import { collectors } from '../../src/collect/index.js';

describe('collectors registry', () => {
  it('names each collector as the config does', () => {
    const made = [
      collectors.gpu({}),
      collectors.process({ pid: process.pid }),
      collectors.host({ ours: [process.pid] }),
      collectors.prometheus({ url: 'http://127.0.0.1:1/metrics', metrics: [] }),
    ];
    expect(made.map((c) => c.name)).toEqual(Object.keys(collectors));
  });
});
