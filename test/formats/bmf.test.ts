import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { bmfToResults, parseBmf } from '../../src/formats/bmf.js';
import { ResultsSchema } from '../../src/results/schema.js';

const fixture = new URL('../fixtures/inputs/bmf/trial-1.json', import.meta.url);
const createdAt = '2025-05-12T02:00:00.000Z';

describe('parseBmf', () => {
  it('accepts a BMF file with optional lower and upper values', async () => {
    const bmf = parseBmf(JSON.parse(await readFile(fixture, 'utf8')), 'trial-1.json');
    expect(bmf['api/search']?.latency).toEqual({
      value: 9100000,
      lower_value: 8900000,
      upper_value: 9300000,
    });
  });

  it('names the path of a value of the wrong type, quoting benchmark names', () => {
    const json = {
      'api/search': { latency: { value: 1 } },
      '/bin/sh -c x': { size: { value: '42' } },
    };
    expect(() => parseBmf(json, 'trial.json')).toThrow(
      'trial.json: ["/bin/sh -c x"].size.value: expected a number, got "42"',
    );
  });

  it('takes a target beside "direction": "target", and refuses either alone', () => {
    const util = { value: 71.5, unit: '%', direction: 'target', target: 85 };
    expect(bmfToResults(parseBmf({ infer: { util } }, 't.json'), createdAt).suites).toEqual([
      {
        name: 'infer',
        metrics: [{ name: 'util', unit: '%', direction: 'target', target: 85, samples: [71.5] }],
      },
    ]);
    expect(() =>
      parseBmf({ infer: { util: { value: 71.5, direction: 'target' } } }, 't.json'),
    ).toThrow(
      't.json: infer.util.target: required with direction "target": the value this metric should approach',
    );
    expect(() => parseBmf({ infer: { util: { value: 71.5, target: 85 } } }, 't.json')).toThrow(
      't.json: infer.util.direction: a target needs direction "target" beside it',
    );
  });

  it('requires a value in every measure', () => {
    expect(() => parseBmf({ bench: { latency: { lower_value: 1 } } }, 't.json')).toThrow(
      't.json: bench.latency.value: required: expected a number',
    );
  });
});

describe('bmfToResults', () => {
  it('maps benchmarks to suites and measures to one-sample metrics, with known units', () => {
    const results = bmfToResults(
      {
        'api/search': {
          latency: { value: 9.1e6, upper_value: 9.3e6 },
          throughput: { value: 3200 },
        },
        cache: { 'hit-rate': { value: 91.5 } },
      },
      createdAt,
    );
    expect(ResultsSchema.parse(results)).toEqual(results);
    expect(results).toEqual({
      schema: 'perfgate/results@1',
      createdAt,
      source: 'bmf',
      suites: [
        {
          name: 'api/search',
          metrics: [
            { name: 'latency', unit: 'ns', direction: 'lower', samples: [9.1e6] },
            { name: 'throughput', unit: 'ops/s', direction: 'higher', samples: [3200] },
          ],
        },
        {
          name: 'cache',
          metrics: [{ name: 'hit-rate', unit: '', direction: 'higher', samples: [91.5] }],
        },
      ],
    });
  });

  it('does not take inherited object properties for well-known measures', () => {
    const results = bmfToResults({ b: { constructor: { value: 1 } } }, createdAt);
    expect(results.suites[0]?.metrics[0]?.unit).toBe('');
  });
});
