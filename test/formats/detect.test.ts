import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { detectFormat } from '../../src/formats/detect.js';

describe('detectFormat', () => {
  it('recognises a perfgate results file by its schema tag, any version', () => {
    expect(detectFormat({ schema: 'perfgate/results@1', suites: [] }, 'f.json')).toBe('perfgate');
    // Another version is still perfgate, so validation can say which version it found.
    expect(detectFormat({ schema: 'perfgate/results@9' }, 'f.json')).toBe('perfgate');
  });

  it('recognises BMF as an object of objects, even with a wrong value inside', () => {
    expect(detectFormat({ bench: { latency: { value: 1 } } }, 'f.json')).toBe('bmf');
    expect(detectFormat({ bench: { latency: 'fast' } }, 'f.json')).toBe('bmf');
  });

  it('recognises github-action-benchmark custom JSON as an array of objects', () => {
    expect(detectFormat([{ name: 'a', unit: 'ms', value: 1 }], 'f.json')).toBe(
      'github-action-benchmark',
    );
  });

  it.each([
    ['an empty object', {}],
    ['an empty array', []],
    ['a number', 42],
    ['null', null],
    ['an object with a non-object value', { bench: { latency: { value: 1 } }, version: 2 }],
    ['an array of numbers', [1, 2]],
    ['a foreign schema tag', { schema: 'other/results@1', suites: [] }],
  ])('refuses %s, naming the file and the accepted formats', (_, json) => {
    expect(() => detectFormat(json, 'odd.json')).toThrow(InputError);
    expect(() => detectFormat(json, 'odd.json')).toThrow(
      /^odd\.json: unrecognized format; expected one of: a perfgate results file .*Bencher Metric Format .*github-action-benchmark custom JSON/,
    );
  });
});
