import { describe, expect, it } from 'vitest';
import { canonicalJson, configHash } from '../../src/config/hash.js';
import { parseConfig } from '../../src/config/load.js';

const base = `version: 1
service: { command: node server.js, cwd: demo, healthUrl: "http://127.0.0.1:8080/health" }
suites:
  - { name: api, kind: http, connections: 10, requests: [{ path: /x }] }
variants: [{ name: a, env: { CACHE: "1000" } }]
targets: [{ metric: "api/latency_p95", max: 50 }]
`;
const hashOf = (text: string, file = '/repo/perfgate.yml') =>
  configHash(parseConfig(text, file, {}));

describe('configHash', () => {
  it('is a sha256 hex digest', () => {
    expect(hashOf(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on key order', () => {
    const reordered = `suites:
  - { requests: [{ path: /x }], connections: 10, kind: http, name: api }
targets: [{ max: 50, metric: "api/latency_p95" }]
variants: [{ env: { CACHE: "1000" }, name: a }]
service: { healthUrl: "http://127.0.0.1:8080/health", cwd: demo, command: node server.js }
version: 1
`;
    expect(hashOf(reordered)).toBe(hashOf(base));
  });

  it('does not depend on where the checkout is', () => {
    expect(hashOf(base, '/elsewhere/perfgate.yml')).toBe(hashOf(base));
  });

  it('changes with what is measured', () => {
    expect(hashOf(base.replace('connections: 10', 'connections: 20'))).not.toBe(hashOf(base));
    expect(hashOf(base.replace('CACHE: "1000"', 'CACHE: "100"'))).not.toBe(hashOf(base));
    expect(hashOf(base.replace('cwd: demo', 'cwd: other'))).not.toBe(hashOf(base));
    expect(hashOf(`${base}trials: 7\n`)).not.toBe(hashOf(base)); // inherited by the suite
  });

  it('ignores how results are judged: targets and compare options', () => {
    expect(hashOf(base.replace('max: 50', 'max: 40'))).toBe(hashOf(base));
    expect(hashOf(`${base}compare: { alpha: 0.01, threshold: 0.2 }\n`)).toBe(hashOf(base));
  });

  it('ignores the targets collector metrics are judged by, but not what they measure', () => {
    const collectors = (gpu: string, metric: string) =>
      `${base}collectors:\n  gpu: { intervalMs: 250${gpu} }\n  prometheus:\n` +
      '    url: http://127.0.0.1:9100/metrics\n    metrics:\n' +
      `      - { name: pool, numerator: [busy_seconds_total], perSecond: true, ${metric} }\n`;
    const plain = hashOf(collectors('', 'direction: target, target: 0.7'));
    expect(hashOf(collectors(', utilizationTarget: 85', 'direction: target, target: 0.7'))).toBe(
      plain,
    );
    expect(hashOf(collectors('', 'direction: target, target: 0.8'))).toBe(plain);
    expect(hashOf(collectors('', 'direction: target, target: 0.7, scale: 2'))).not.toBe(plain);
    expect(hashOf(collectors('', 'direction: target, target: 0.7').replace('250', '500'))).not.toBe(
      plain,
    );
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps list order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }, 0] })).toBe('{"a":[{"c":3,"d":2},0],"b":1}');
  });
});
