import { describe, expect, it } from 'vitest';
import { formatChange, formatP, formatValue } from '../../src/report/format.js';

describe('formatValue', () => {
  it('prints three significant digits with the unit', () => {
    expect(formatValue(12.345, 'ms')).toBe('12.3 ms');
    expect(formatValue(0.01234, 'ms')).toBe('0.0123 ms');
    expect(formatValue(15234.2, 'req/s')).toBe('15,234 req/s');
    expect(formatValue(0, '%')).toBe('0 %');
  });

  it('scales time up from the unit given, never below it', () => {
    expect(formatValue(9_169_309, 'ns')).toBe('9.17 ms');
    expect(formatValue(1500, 'us')).toBe('1.50 ms');
    expect(formatValue(0.5, 'ms')).toBe('0.500 ms');
    expect(formatValue(2500, 'ms')).toBe('2.50 s');
  });

  it('scales bytes to binary units', () => {
    expect(formatValue(1536, 'bytes')).toBe('1.50 KiB');
    expect(formatValue(3 * 1024 ** 3, 'bytes')).toBe('3.00 GiB');
  });
});

describe('formatChange and formatP', () => {
  it('signs changes and bounds tiny p-values', () => {
    expect(formatChange(0.1523)).toBe('+15.2 %');
    expect(formatChange(-0.031)).toBe('−3.10 %');
    expect(formatP(0.00001)).toBe('<0.001');
    expect(formatP(0.0421)).toBe('0.042');
  });
});
