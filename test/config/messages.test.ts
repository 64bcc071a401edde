import { describe, expect, it } from 'vitest';
import { closest, editDistance, unknownKeys } from '../../src/config/messages.js';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('trails', 'trials')).toBe(2); // a transposition is two edits
    expect(editDistance('alfa', 'alpha')).toBe(2); // f→p, insert h
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});

describe('closest', () => {
  const keys = ['name', 'kind', 'trials', 'warmupSeconds', 'env', 'cwd'];

  it('suggests the nearest key within the typo limit, ignoring case', () => {
    expect(closest('trails', keys)).toBe('trials');
    expect(closest('WarmupSecond', keys)).toBe('warmupSeconds');
  });

  it('suggests nothing for a word unlike every key', () => {
    expect(closest('colour', keys)).toBeUndefined();
    expect(closest('dir', keys)).toBeUndefined(); // 'cwd' is two edits away: too far for three letters
  });
});

describe('unknownKeys', () => {
  it('lists several unknown keys with the known ones', () => {
    expect(unknownKeys(['trails', 'colour'], ['trials', 'name'])).toBe(
      "unknown keys 'trails' — did you mean 'trials'?, 'colour' (known keys: trials, name)",
    );
  });
});
