// ${PERFGATE_PORT}: kept as written when the config loads (so the hash does not depend on a port
// chosen at run time), a valid URL in healthUrl and baseUrl, and filled in per side by withPort.
import { describe, expect, it } from 'vitest';
import { configHash, parseConfig } from '../../src/config/index.js';
import { isHttpUrl, originOf, usesPort, withPort } from '../../src/config/port.js';
import { aliveMode, FIXED_PORT, gpuShortfall } from '../../src/run/alive.js';
import { parseGpuMemory } from '../../src/collect/gpuMemory.js';

const yaml = (port: string, extra = '') => `version: 1
service:
  command: node server.mjs --port ${port}
  healthUrl: http://127.0.0.1:${port}/health${extra}
suites:
  - { name: api, kind: http, requests: [{ path: /work }] }
`;

describe('${PERFGATE_PORT} in a config', () => {
  it('loads with the reference kept, whatever the environment says, and the suite inherits it', () => {
    const config = parseConfig(yaml('${PERFGATE_PORT}'), '/repo/perfgate.yml', {
      PERFGATE_PORT: '9999',
    });
    expect(config.service?.command).toBe('node server.mjs --port ${PERFGATE_PORT}');
    const suite = config.suites[0];
    expect(suite?.kind === 'http' && suite.baseUrl).toBe('http://127.0.0.1:${PERFGATE_PORT}');
    expect(usesPort(config.service)).toBe(true);
    // One hash for every run, whatever ports the sides get.
    const again = parseConfig(yaml('${PERFGATE_PORT}'), '/repo/perfgate.yml', {});
    expect(configHash(again)).toBe(configHash(config));
  });

  it('fills in one side: every string that names the port', () => {
    const config = parseConfig(yaml('${PERFGATE_PORT}'), '/repo/perfgate.yml', {});
    const side = withPort(config, 41237);
    expect(side.service?.command).toBe('node server.mjs --port 41237');
    expect(side.service?.healthUrl).toBe('http://127.0.0.1:41237/health');
    const suite = side.suites[0];
    expect(suite?.kind === 'http' && suite.baseUrl).toBe('http://127.0.0.1:41237');
    expect(usesPort(side)).toBe(false);
  });

  it('checks URLs as they will be once the port is filled in', () => {
    expect(isHttpUrl('http://127.0.0.1:${PERFGATE_PORT}/health')).toBe(true);
    expect(isHttpUrl('ftp://127.0.0.1:${PERFGATE_PORT}/')).toBe(false);
    expect(isHttpUrl('http://127.0.0.1:${PERFGATE_PORT}x/')).toBe(false);
    expect(originOf('http://127.0.0.1:${PERFGATE_PORT}/health')).toBe(
      'http://127.0.0.1:${PERFGATE_PORT}',
    );
    expect(originOf('http://127.0.0.1:8080/health')).toBe('http://127.0.0.1:8080');
    expect(() =>
      parseConfig(yaml('${PERFGATE_PORT}').replace('http://', 'ftp://'), '/r/perfgate.yml', {}),
    ).toThrow(/service\.healthUrl.*expected an http:\/\/ or https:\/\/ URL/);
  });
});

describe('aliveMode', () => {
  const service = (port: string, extra = '') =>
    parseConfig(yaml(port, extra), '/repo/perfgate.yml', {}).service;

  it('keeps both alive with a port per side, one at a time otherwise, and says why', () => {
    expect(aliveMode(service('${PERFGATE_PORT}'), 2)).toEqual({ mode: 'both' });
    expect(aliveMode(service('8080'), 2)).toEqual({ mode: 'one-at-a-time', why: FIXED_PORT });
    expect(aliveMode(service('${PERFGATE_PORT}', '\n  alive: one-at-a-time'), 2)).toEqual({
      mode: 'one-at-a-time',
      why: 'service.alive is one-at-a-time',
    });
    expect(aliveMode(service('${PERFGATE_PORT}', '\n  restartPerTrial: true'), 2)?.mode).toBe(
      'one-at-a-time',
    );
    // One side, or no service: nothing to decide.
    expect(aliveMode(service('${PERFGATE_PORT}'), 1)).toBeUndefined();
    expect(aliveMode(undefined, 2)).toBeUndefined();
  });

  it('refuses alive: both with a fixed port when the config loads', () => {
    expect(() => service('8080', '\n  alive: both')).toThrow(
      /service\.alive.*both needs a port per side/,
    );
  });
});

describe('the GPU memory rule', () => {
  it('parses nvidia-smi --query-gpu=index,memory.used,memory.total --format=csv,noheader,nounits', () => {
    expect(parseGpuMemory('0, 61234, 81559\n1, 1024, 81559\n')).toEqual([
      { index: 0, usedMiB: 61234, totalMiB: 81559 },
      { index: 1, usedMiB: 1024, totalMiB: 81559 },
    ]);
    expect(parseGpuMemory('0, [N/A], 81559\n')).toEqual([]);
  });

  it('lets a second copy start where what the first took is still free, on every GPU', () => {
    const before = parseGpuMemory('0, 1000, 81559\n1, 500, 81559');
    expect(gpuShortfall(before, parseGpuMemory('0, 31000, 81559\n1, 500, 81559'))).toBeUndefined();
    expect(gpuShortfall(before, parseGpuMemory('0, 51000, 81559\n1, 500, 81559'))).toMatch(
      /took 50000 MiB of GPU 0's memory and 30559 MiB are free/,
    );
    // No GPU, or no reading: nothing to run out of.
    expect(gpuShortfall(undefined, undefined)).toBeUndefined();
  });
});
