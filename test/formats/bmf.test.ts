import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { BmfSchema, bmfToResults, parseBmf } from '../../src/formats/bmf.js';
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

  // parseBmf checks the common shape without zod (for speed): it must accept exactly what the
  // schema accepts, return what the schema returns, and leave every refusal to the schema.
  it.each([
    ['plain', '{"b":{"latency":{"value":1.5,"lower_value":1,"upper_value":2,"unit":"ns"}}}'],
    ['zero', '{"b":{"m":{"value":0}}}'],
    ['negative', '{"b":{"m":{"value":-3}}}'],
    ['a name __proto__', '{"__proto__":{"__proto__":{"value":1}}}'],
    ['a direction', '{"b":{"m":{"value":1,"direction":"higher"}}}'],
    ['an unknown field', '{"b":{"m":{"value":1,"note":"x"}}}'],
    ['a value as text', '{"b":{"m":{"value":"1"}}}'],
    ['a value too small', '{"b":{"m":{"value":1e-200}}}'],
    ['a value too large', '{"b":{"m":{"value":1e200}}}'],
    ['no value', '{"b":{"m":{"unit":"ns"}}}'],
    ['a bound as text', '{"b":{"m":{"value":1,"lower_value":"0"}}}'],
    ['a unit as a number', '{"b":{"m":{"value":1,"unit":7}}}'],
    ['an empty benchmark name', '{"":{"m":{"value":1}}}'],
    ['an empty measure name', '{"b":{"":{"value":1}}}'],
    ['no measures', '{"b":{}}'],
    ['no benchmarks', '{}'],
    ['a measure as an array', '{"b":{"m":[1]}}'],
    ['measures as null', '{"b":null}'],
    ['an array', '[{"b":{"m":{"value":1}}}]'],
    ['a target without its direction', '{"b":{"m":{"value":1,"target":2}}}'],
  ])('agrees with the schema on %s', (_, text) => {
    const schema = BmfSchema.safeParse(JSON.parse(text));
    if (schema.success) {
      const parsed = parseBmf(JSON.parse(text), 't.json');
      expect(parsed).toEqual(schema.data);
      expect(Object.keys(parsed)).toEqual(Object.keys(schema.data));
    } else {
      expect(() => parseBmf(JSON.parse(text), 't.json')).toThrow(/^t\.json: /);
    }
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
