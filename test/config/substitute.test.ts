import { describe, expect, it } from 'vitest';
import { substituteEnv } from '../../src/config/substitute.js';

describe('substituteEnv', () => {
  it('replaces references in string values at any depth, leaving keys and other types alone', () => {
    const input = { '${K}': 'x${A}y', list: [{ n: 3, s: '${B:-two}' }], flag: true, none: null };
    expect(substituteEnv(input, { A: '1', K: 'no' })).toEqual({
      value: { '${K}': 'x1y', list: [{ n: 3, s: 'two' }], flag: true, none: null },
      missing: [],
    });
  });

  it('uses the default for unset and empty variables, as the shell does', () => {
    expect(substituteEnv('${A:-d}|${B:-d}|${C:-}', { B: '' }).value).toBe('d|d|');
  });

  it('keeps an empty value without default, and $${X} as a literal', () => {
    expect(substituteEnv('[${E}] $${X}', { E: '', X: 'no' }).value).toBe('[] ${X}');
  });

  it('collects every unset variable with its path', () => {
    expect(substituteEnv({ a: ['${X}', 'ok'], b: { c: '${Y} ${X}' } }, {}).missing).toEqual([
      { path: ['a', 0], variable: 'X' },
      { path: ['b', 'c'], variable: 'Y' },
      { path: ['b', 'c'], variable: 'X' },
    ]);
  });
});
