/** Number formatting shared by every renderer: the same value reads the same everywhere. */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
/** Time units in increasing order with their size in nanoseconds: BMF latencies arrive in ns. */
const TIME_UNITS: [string, number][] = [
  ['ns', 1],
  ['µs', 1e3],
  ['ms', 1e6],
  ['s', 1e9],
];
const TIME_ALIASES: Record<string, string> = { us: 'µs', sec: 's' };

function significant(value: number, digits = 3): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  // Enough decimals for `digits` significant digits, never scientific notation for the ranges we print.
  const decimals = Math.max(0, Math.min(6, digits - 1 - Math.floor(Math.log10(abs))));
  return value.toLocaleString('en-US', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
}

/**
 * `12.3 ms`, `15,234 req/s`, `1.50 GiB`, `92.1 %`; nanoseconds scale up to µs, ms, s. `digits`
 * significant digits (3 unless two values must be told apart: the dashboard's latest run).
 */
export function formatValue(value: number, unit: string, digits = 3): string {
  if (unit === 'bytes' || unit === 'B') {
    let scaled = value;
    let i = 0;
    while (Math.abs(scaled) >= 1024 && i < BYTE_UNITS.length - 1) {
      scaled /= 1024;
      i++;
    }
    return `${significant(scaled, digits)} ${BYTE_UNITS[i]}`;
  }
  const time = TIME_UNITS.find(([name]) => name === (TIME_ALIASES[unit] ?? unit));
  if (time) {
    // Scale up to the largest unit that keeps the value ≥ 1, but never below the unit given.
    const ns = value * time[1];
    const [name, size] =
      [...TIME_UNITS].reverse().find(([, size]) => size >= time[1] && Math.abs(ns) >= size) ?? time;
    return `${significant(ns / size, digits)} ${name}`;
  }
  return unit ? `${significant(value, digits)} ${unit}` : significant(value, digits);
}

/** A signed relative change: `+15.2 %`, `−3.10 %`. */
export function formatChange(fraction: number): string {
  const percent = fraction * 100;
  const sign = percent > 0 ? '+' : percent < 0 ? '−' : '±';
  return `${sign}${significant(Math.abs(percent), 3)} %`;
}

/** A relative spread around the median, as benchstat prints it: `±2 %`. */
export function formatSpread(fraction: number): string {
  return `±${Math.round(fraction * 100)} %`;
}

export function formatP(p: number): string {
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}
