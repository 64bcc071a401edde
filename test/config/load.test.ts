import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig, serviceLogFile, type HttpSuite } from '../../src/config/index.js';
import { InputError } from '../../src/errors.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, '../fixtures/config');
const docs = readFileSync(path.join(here, '../../docs/config.md'), 'utf8');

/** The yaml block under "## Complete example" in docs/config.md. */
function docsExample(): string {
  const match = /## Complete example[\s\S]*?```yaml\n([\s\S]*?)```/.exec(docs);
  if (!match?.[1]) throw new Error('docs/config.md has no complete example');
  return match[1];
}

/** The message of the InputError that parsing `text` throws. */
function errorOf(text: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    parseConfig(text, 'perfgate.yml', env);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected the config to be rejected');
}

const httpSuite = (extra: string) => `version: 1
suites:
  - name: api
    kind: http
    baseUrl: http://127.0.0.1:8080
    requests: [{ path: /x }]
${extra}`;

describe('the complete example in docs/config.md', () => {
  const config = parseConfig(docsExample(), '/repo/perfgate.yml', {
    OPTIMIZATION_TARGET_LATENCY: '40',
  });
  const [api, gpu] = config.suites;

  it('parses, with per-suite overrides and inherited settings', () => {
    expect(config.suites.map((s) => s.name)).toEqual(['api/embed', 'gpu/infer']);
    expect(api).toMatchObject({
      kind: 'http',
      trials: 7,
      warmupSeconds: 3,
      durationSeconds: 10,
      rate: 500,
    });
    expect(gpu).toMatchObject({
      kind: 'command',
      trials: 5,
      warmupSeconds: 2,
      requires: ['nvidia-smi', 'python3:torch'],
    });
    expect(config.variants.map((v) => v.env)).toEqual([
      { OPTIMIZATION_CACHE_SIZE: '1000' },
      { OPTIMIZATION_CACHE_SIZE: '100' },
    ]);
    expect(config.collectors.prometheus?.metrics.map((m) => [m.name, m.perSecond])).toEqual([
      ['cache_hit_rate', false],
      ['db_query_mean', false],
      ['db_queries', true],
    ]);
  });

  it('substitutes the environment and its defaults, as numbers where numbers are expected', () => {
    expect(gpu?.kind === 'command' && gpu.command).toBe('python3 bench.py --batch 32');
    expect(config.targets.map((t) => t.min ?? t.max)).toEqual([40, 15000, 85, 75, 90]);
    expect(config.targets.map((t) => t.component)).toEqual([
      'api',
      'api',
      'gpu',
      'system',
      'cache',
    ]);
  });

  it('resolves paths against the config file folder', () => {
    expect(config.file).toBe('/repo/perfgate.yml');
    expect(config.service?.cwd).toBe('/repo/benchmarks/demo');
    expect(config.service?.logFile).toBe('/repo/perfgate-out/service.log');
    expect(api?.kind === 'http' && api.bodyGenerator).toBe('/repo/workload.mjs');
    expect(gpu?.kind === 'command' && gpu.cwd).toBe('/repo/benchmarks/gpu');
  });
});

describe('defaults', () => {
  it('fills in every default of a minimal config with a service', async () => {
    const config = await loadConfig(path.join(fixtures, 'http-service.yml'), {});
    expect(config).toMatchObject({
      trials: 30,
      sequential: { adaptive: true, min: 6, max: 30, futility: 0.1 },
      warmupSeconds: 2,
      durationSeconds: 10,
      variants: [{ name: 'default', env: {} }],
      collectors: {},
      compare: { alpha: 0.05, adjustment: 'bh', threshold: 0.05, thresholds: [] },
      targets: [],
      service: {
        cwd: fixtures,
        env: {},
        startTimeoutSeconds: 30,
        stopSignal: 'SIGTERM',
        stopGraceSeconds: 5,
        restartPerTrial: false,
      },
    });
    expect(config.service?.logFile).toBeUndefined();
    expect(serviceLogFile(config, 'default')).toBe(
      path.join(fixtures, 'perfgate-out/service-default.log'),
    );
    expect(config.suites[0]).toEqual({
      name: 'api/health',
      kind: 'http',
      baseUrl: 'http://127.0.0.1:8080', // the origin of service.healthUrl
      connections: 10,
      pipelining: 1,
      timeoutSeconds: 10,
      requests: [{ method: 'GET', path: '/health', headers: {} }],
      trials: 30,
      warmupSeconds: 2,
      durationSeconds: 10,
      collectors: [],
    } satisfies HttpSuite);
  });

  it('reads JSON to the same config as the equivalent YAML', async () => {
    const fromYaml = await loadConfig(path.join(fixtures, 'http-service.yml'), {});
    const fromJson = await loadConfig(path.join(fixtures, 'http-service.json'), {});
    expect({ ...fromJson, file: '' }).toEqual({ ...fromYaml, file: '' });
  });

  it('gives a command suite its defaults, and a suite every configured collector', () => {
    const config = parseConfig(
      'version: 1\nsuites: [{ name: c, kind: command, command: "true" }]\ncollectors: { host:, gpu: {} }\n',
      '/repo/perfgate.yml',
      {},
    );
    expect(config.suites[0]).toMatchObject({
      cwd: '/repo',
      env: {},
      timeoutSeconds: 300,
      output: 'stdout',
      requires: [],
    });
    expect(config.suites[0]?.collectors).toEqual(['gpu', 'host']);
    expect(config.collectors).toEqual({ gpu: { intervalMs: 250 }, host: {} });
  });

  it('bounds an http trial by amount alone when amount is given', () => {
    const [suite] = parseConfig(httpSuite('    amount: 1000'), 'perfgate.yml', {}).suites;
    expect(suite).toMatchObject({ amount: 1000, durationSeconds: undefined });
  });

  it('plans sequential trials for their max, and keeps min and max for the gate', () => {
    const text = `version: 1\ntrials: { min: 4, max: 20 }\nsuites:\n  - { name: a, kind: command, command: "true" }\n`;
    const config = parseConfig(text, 'perfgate.yml', {});
    expect(config.sequential).toEqual({ min: 4, max: 20, futility: 0.1 });
    expect(config.suites[0]?.trials).toBe(20);
    expect(errorOf(text.replace('min: 4', 'min: 30'))).toBe(
      'perfgate.yml:2:16: trials.min: expected min ≤ max (the defaults are min 6, max 30)',
    );
    expect(errorOf(text.replace('{ min: 4, max: 20 }', 'lots'))).toBe(
      'perfgate.yml:2:9: trials: expected a whole number of trials, or { min, max, futility } (or { adaptive: true }) for sequential trials, got "lots"',
    );
  });

  it('takes every sequential default from { adaptive: true }, and a futility floor below 1', () => {
    const text = `version: 1\ntrials: { adaptive: true }\nsuites:\n  - { name: a, kind: command, command: "true" }\n`;
    const config = parseConfig(text, 'perfgate.yml', {});
    expect(config.sequential).toMatchObject({ min: 6, max: 30, futility: 0.1 });
    expect(config.suites[0]?.trials).toBe(30);
    const off = parseConfig(text.replace('adaptive: true', 'futility: 0'), 'perfgate.yml', {});
    expect(off.sequential).toMatchObject({ min: 6, max: 30, futility: 0 });
    // No `trials` at all: the same design that can see, not a fixed count that cannot.
    const unset = parseConfig(text.replace('trials: { adaptive: true }\n', ''), 'perfgate.yml', {});
    expect(unset.sequential).toEqual(config.sequential);
    expect(unset.suites[0]?.trials).toBe(30);
    expect(errorOf(text.replace('adaptive: true', 'futility: 1'))).toMatch(
      /^perfgate\.yml:2:\d+: trials\.futility: .*1/,
    );
  });
});

describe('environment substitution', () => {
  const text = httpSuite('    connections: ${CONC:-10}');
  const connections = (env: NodeJS.ProcessEnv) =>
    (parseConfig(text, 'perfgate.yml', env).suites[0] as HttpSuite).connections;

  it('reads the variable, else its default, coercing numeric fields', () => {
    expect(connections({})).toBe(10);
    expect(connections({ CONC: '25' })).toBe(25);
    expect(connections({ CONC: '' })).toBe(10); // as in the shell, ':-' covers empty too
  });

  it('rejects a non-numeric string in a numeric field, at its position', () => {
    expect(errorOf(text, { CONC: 'ten' })).toBe(
      `perfgate.yml:7:18: suites[0].connections: expected a number, got "ten"`,
    );
  });

  it('names the file, position, field and variable of an unset variable without default', () => {
    const message = errorOf(
      'version: 1\nsuites:\n  - name: c\n    kind: command\n    command: run --batch ${BATCH}\n',
    );
    expect(message).toBe(
      'perfgate.yml:5:14: suites[0].command: environment variable BATCH is not set (give a default with ${BATCH:-value})',
    );
  });

  it('keeps $${VAR} as a literal ${VAR} for the shell', () => {
    const config = parseConfig(
      'version: 1\nsuites: [{ name: c, kind: command, command: "echo $${HOME}" }]',
      'p.yml',
      {
        HOME: '/home/x',
      },
    );
    expect(config.suites[0]?.kind === 'command' && config.suites[0].command).toBe('echo ${HOME}');
  });
});

describe('errors', () => {
  it('suggests the closest known key for an unknown one, at the key', async () => {
    const file = path.join(fixtures, 'typo.yml');
    await expect(loadConfig(file, {})).rejects.toThrow(
      `${file}:6:5: suites[0]: unknown key 'trails' — did you mean 'trials'?`,
    );
  });

  it('rejects unknown keys at the top level and in nested mappings', () => {
    expect(errorOf(httpSuite('compare: { alfa: 0.1 }'))).toBe(
      "perfgate.yml:7:12: compare: unknown key 'alfa' — did you mean 'alpha'?",
    );
    expect(errorOf(httpSuite('colour: blue'))).toBe(
      "perfgate.yml:7:1: <root>: unknown key 'colour'",
    );
  });

  it('reports a wrong type at the value', () => {
    expect(errorOf(httpSuite('trials: many'))).toBe(
      `perfgate.yml:7:9: trials: expected a whole number of trials, or { min, max, futility } (or { adaptive: true }) for sequential trials, got "many"`,
    );
    expect(errorOf(httpSuite('trials: 2.5'))).toBe(
      'perfgate.yml:7:9: trials: expected a whole number of trials, or { min, max, futility } (or { adaptive: true }) for sequential trials, got 2.5',
    );
    expect(errorOf('version: 1\nsuites: {}\n')).toBe(
      'perfgate.yml:2:9: suites: expected a list, got a mapping',
    );
  });

  it('reports a missing required field at the mapping that lacks it', () => {
    expect(errorOf('version: 1\nsuites:\n  - name: c\n    kind: command\n')).toBe(
      'perfgate.yml:3:5: suites[0].command: required: expected a string',
    );
  });

  it('names the kinds a suite may have', () => {
    expect(errorOf('version: 1\nsuites: [{ name: c, kind: grpc }]\n')).toBe(
      `perfgate.yml:2:27: suites[0].kind: expected "http" or "command", got "grpc"`,
    );
  });

  it('rejects duplicate suite and variant names, pointing at the second', () => {
    const text = `version: 1
suites:
  - { name: a, kind: command, command: x }
  - { name: a, kind: command, command: y }
variants: [{ name: v }, { name: v }]
`;
    expect(errorOf(text)).toBe(
      [
        "perfgate.yml:4:13: suites[1].name: duplicate suite name 'a' (also suites[0])",
        "perfgate.yml:5:33: variants[1].name: duplicate variant name 'v' (also variants[0])",
      ].join('\n'),
    );
  });

  it('checks the rules that span fields', () => {
    const noBaseUrl = 'version: 1\nsuites: [{ name: a, kind: http, requests: [{ path: / }] }]\n';
    expect(errorOf(noBaseUrl)).toMatch(
      /^perfgate\.yml:2:10: suites\[0\]\.baseUrl: required when there is no service/,
    );
    expect(errorOf(httpSuite('    amount: 5\n    durationSeconds: 3'))).toMatch(
      /suites\[0\]\.amount: expected durationSeconds or amount, not both/,
    );
    expect(errorOf(httpSuite('    collectors: [gpu]\ncollectors: { host: {} }'))).toMatch(
      /^perfgate\.yml:7:18: suites\[0\]\.collectors\[0\]: collector 'gpu' is not configured .*\(configured: host\)$/,
    );
    expect(errorOf(httpSuite('targets: [{ metric: "a/*" }]'))).toMatch(
      /targets\[0\]: expected min, max or both/,
    );
    const pool = (fields: string) =>
      httpSuite(
        'collectors:\n  prometheus:\n    url: http://127.0.0.1:9100/metrics\n    metrics:\n' +
          `      - { name: pool_util, numerator: [busy_seconds_total], perSecond: true, ${fields} }`,
      );
    expect(errorOf(pool('direction: target'))).toMatch(
      /^perfgate\.yml:11:9: collectors\.prometheus\.metrics\[0\]\.target: required with direction "target"/,
    );
    expect(errorOf(pool('direction: higher, target: 0.7'))).toMatch(
      /collectors\.prometheus\.metrics\[0\]\.direction: a target needs direction "target" beside it/,
    );
    const metric = parseConfig(pool('direction: target, target: 0.7'), 'perfgate.yml', {})
      .collectors.prometheus?.metrics[0];
    expect(metric).toMatchObject({ direction: 'target', target: 0.7 });
    expect(errorOf(httpSuite('collectors: { gpu: { utilizationTarget: 150 } }'))).toMatch(
      /collectors\.gpu\.utilizationTarget: expected a number ≤ 100, got 150/,
    );
    expect(
      errorOf('version: 1\nsuites: [{ name: a, kind: http, baseUrl: "http://h", requests: [] }]\n'),
    ).toMatch(/suites\[0\]\.requests: expected at least one request/);
  });

  it('keeps thresholds in (0, 10] and alpha in (0, 0.5]', () => {
    expect(errorOf(httpSuite('compare: { threshold: 0 }'))).toMatch(
      /compare\.threshold: expected a number > 0, got 0$/,
    );
    expect(errorOf(httpSuite('compare: { threshold: 11 }'))).toMatch(
      /expected a number ≤ 10, got 11$/,
    );
    expect(errorOf(httpSuite('compare: { alpha: 0.6 }'))).toMatch(
      /compare\.alpha: expected a number ≤ 0\.5, got 0\.6$/,
    );
  });

  it('lists at most five problems and counts the rest', () => {
    const lines = errorOf(
      'version: 2\ntrials: x\nwarmupSeconds: x\ndurationSeconds: x\nsuites: 3\ntargets: 3\nvariants: 3\n',
    ).split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^perfgate\.yml:1:10: version: expected 1, got 2$/);
    expect(lines[5]).toBe('… and 2 more');
  });

  it('reports YAML syntax errors with their position', () => {
    expect(errorOf('version: 1\nsuites: [1, 2\ntrials: 3\n')).toMatch(/^perfgate\.yml:\d+:\d+: /);
  });

  it('reports an unreadable file as an input error', async () => {
    await expect(loadConfig(path.join(fixtures, 'absent.yml'), {})).rejects.toThrow(InputError);
  });
});

describe('hostile and mistaken configs (issue #10)', () => {
  it('bounds every duration by what a Node timer can wait, naming the field (item 10)', () => {
    // 2,147,484 s is past 2^31 - 1 ms: Node would fire such a timer at once.
    for (const [extra, field] of [
      ['durationSeconds: 2147484', 'durationSeconds'],
      ['warmupSeconds: 2147484', 'warmupSeconds'],
      [
        'service: { command: x, healthUrl: "http://h/", startTimeoutSeconds: 2147484 }',
        'service.startTimeoutSeconds',
      ],
      [
        'service: { command: x, healthUrl: "http://h/", stopGraceSeconds: 2147484 }',
        'service.stopGraceSeconds',
      ],
      ['setup: [{ command: x, timeoutSeconds: 2147484 }]', 'setup[0].timeoutSeconds'],
      ['collectors: { gpu: { intervalMs: 2147483648 } }', 'collectors.gpu.intervalMs'],
    ]) {
      expect(errorOf(httpSuite(extra!))).toMatch(
        new RegExp(
          `: ${field!.replace(/[.[\]]/g, '\\$&')}: expected at most \\d+ m?s \\(about 24\\.8 days, the longest a timer can wait\\), got \\d+$`,
        ),
      );
    }
    const command = `version: 1
suites:
  - { name: c, kind: command, command: "sleep 1", timeoutSeconds: 2147484 }
`;
    expect(errorOf(command)).toMatch(
      /^perfgate\.yml:3:\d+: suites\[0\]\.timeoutSeconds: expected at most 2147483 s/,
    );
    // The bound itself is accepted, and so is the same bound arriving through ${VAR}.
    expect(
      parseConfig(httpSuite('durationSeconds: 2147483'), 'perfgate.yml', {}).durationSeconds,
    ).toBe(2147483);
    expect(errorOf(httpSuite('durationSeconds: ${D}'), { D: '9e9' })).toMatch(
      /durationSeconds: expected at most 2147483 s/,
    );
  });

  it('bounds connections and pipelining with a reason (item 11)', () => {
    const suite = (line: string) => `version: 1
suites:
  - name: api
    kind: http
    baseUrl: http://127.0.0.1:8080
    requests: [{ path: /x }]
    ${line}
`;
    expect(errorOf(suite('connections: 1e12'))).toMatch(
      /^perfgate\.yml:7:18: suites\[0\]\.connections: expected at most 10000 \(each is a socket and a client in this process\), got 1000000000000$/,
    );
    expect(errorOf(suite('pipelining: 1e9'))).toMatch(
      /suites\[0\]\.pipelining: expected at most 1000 /,
    );
    expect(parseConfig(suite('connections: 10000'), 'perfgate.yml', {}).suites[0]).toMatchObject({
      connections: 10000,
    });
  });

  it('refuses a YAML alias bomb as bad input naming the file (item 13)', () => {
    const bomb = [
      'version: 1',
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map(
        (name, i) => `${name}: &${name} [${Array(10).fill(`*${'abcdefghi'[i]}`).join(', ')}]`,
      ),
    ].join('\n');
    expect(errorOf(bomb)).toBe(
      'perfgate.yml: too many YAML alias expansions (more than 100, counting aliases inside aliases); a config needs only a few',
    );
  });

  it('refuses a metric glob picomatch cannot take or that cannot match as written (items 14, 15)', () => {
    const long = 'a'.repeat(65_537);
    expect(
      errorOf(httpSuite(`compare: { thresholds: [{ metric: "${long}", threshold: 0.1 }] }`)),
    ).toMatch(
      /^perfgate\.yml:7:\d+: compare\.thresholds\[0\]\.metric: expected a glob of at most 65536 characters, got 65537$/,
    );
    expect(errorOf(httpSuite(`targets: [{ metric: "${long}", max: 1 }]`))).toMatch(
      /targets\[0\]\.metric: expected a glob of at most 65536 characters, got 65537$/,
    );
    expect(
      errorOf(httpSuite('compare: { thresholds: [{ metric: "[unclosed", threshold: 0.1 }] }')),
    ).toMatch(
      /compare\.thresholds\[0\]\.metric: invalid glob: '\[' is never closed by '\]' \(close it, or write \\\[ to match '\[' itself\)$/,
    );
    expect(errorOf(httpSuite('targets: [{ metric: "api/{a,b", max: 1 }]'))).toMatch(
      /targets\[0\]\.metric: invalid glob: '\{' is never closed by '\}'/,
    );
    // Brackets that are balanced, or escaped, are fine.
    const fine = parseConfig(
      httpSuite(
        'compare: { thresholds: [{ metric: "api/p9[59]", threshold: 0.1 }, { metric: "api/\\\\[x", threshold: 0.2 }] }',
      ),
      'perfgate.yml',
      {},
    );
    expect(fine.compare.thresholds.map((rule) => rule.metric)).toEqual(['api/p9[59]', 'api/\\[x']);
  });

  it('names the duplicate key and where it first appeared (item 16)', () => {
    expect(errorOf('version: 1\ntrials: 3\ntrials: 4\n')).toBe(
      'perfgate.yml:3:1: duplicate key "trials" (first at line 2): Map keys must be unique',
    );
    expect(errorOf(httpSuite('    requests: [{ path: /y }]'))).toMatch(
      /^perfgate\.yml:7:5: duplicate key "requests" \(first at line 6\): Map keys must be unique$/,
    );
  });
});
