import { describe, expect, it } from 'vitest';
import { attachCollector } from '../../src/collect/index.js';
import { COLLECTOR_NAMES } from '../../src/config/schema.js';

describe('collectors registry', () => {
  const env = process.env;
  const trial = { env, workloadEnvs: [env], ownPid: process.pid, servicePid: process.pid };

  it('has a collector for every name a config may use, named as the config names it', () => {
    const made = [
      attachCollector('gpu', { intervalMs: 250 }, trial),
      attachCollector('process', { intervalMs: 200 }, trial),
      attachCollector('host', {}, trial),
      attachCollector('prometheus', { url: 'http://127.0.0.1:1/metrics', metrics: [] }, trial),
    ];
    expect(made.map((c) => ('name' in c ? c.name : c.note))).toEqual([...COLLECTOR_NAMES]);
  });

  it('says why the process collector has nothing to watch without a service', () => {
    const noService = { env: process.env, workloadEnvs: [process.env], ownPid: process.pid };
    expect(attachCollector('process', { intervalMs: 200 }, noService)).toEqual({
      note: 'process: no service is configured, so there is no process tree to watch',
    });
  });
});
