import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { GAB_METRIC, gabToResults, parseGab } from '../../src/formats/githubActionBenchmark.js';
import { ResultsSchema } from '../../src/results/schema.js';

const fixture = new URL('../fixtures/inputs/gab/custom.json', import.meta.url);
const createdAt = '2025-05-12T02:00:00.000Z';

async function customEntries() {
  return parseGab(JSON.parse(await readFile(fixture, 'utf8')), 'custom.json');
}

describe('parseGab', () => {
  it('accepts entries with optional range, extra and fields of other tools', async () => {
    const entries = await customEntries();
    expect(entries.map((e) => e.name)).toEqual([
      'api/search latency p95',
      'api/search throughput',
      'My Custom Smaller Is Better Benchmark - CPU Load',
    ]);
  });

  it('names the index and field of a value of the wrong type', () => {
    const json = [
      { name: 'a', unit: 'ms', value: 1 },
      { name: 'b', unit: 'ms', value: '2 ms' },
    ];
    expect(() => parseGab(json, 'gab.json')).toThrow(
      'gab.json: [1].value: expected a number, got "2 ms"',
    );
  });

  it('refuses two values for one benchmark in one file', () => {
    const json = [
      { name: 'a', unit: 'ms', value: 1 },
      { name: 'a', unit: 'ms', value: 2 },
    ];
    expect(() => parseGab(json, 'gab.json')).toThrow('gab.json: [1].name: duplicate benchmark "a"');
  });
});

describe('gabToResults', () => {
  it('makes each entry a suite with one single-sample metric, direction inferred', async () => {
    const results = gabToResults(await customEntries(), createdAt);
    expect(ResultsSchema.parse(results)).toEqual(results);
    expect(results.source).toBe('github-action-benchmark');
    expect(results.suites).toEqual([
      {
        name: 'api/search latency p95',
        metrics: [{ name: GAB_METRIC, unit: 'ms', direction: 'lower', samples: [16.3] }],
      },
      {
        name: 'api/search throughput',
        metrics: [{ name: GAB_METRIC, unit: 'req/s', direction: 'higher', samples: [3200] }],
      },
      {
        name: 'My Custom Smaller Is Better Benchmark - CPU Load',
        metrics: [{ name: GAB_METRIC, unit: 'Percent', direction: 'lower', samples: [50] }],
      },
    ]);
  });

  it('uses the direction the caller gives for every entry', async () => {
    const entries = await customEntries();
    const directions = (biggerIsBetter: boolean) =>
      gabToResults(entries, createdAt, { biggerIsBetter }).suites.map(
        (s) => s.metrics[0]?.direction,
      );
    expect(directions(true)).toEqual(['higher', 'higher', 'higher']);
    expect(directions(false)).toEqual(['lower', 'lower', 'lower']);
  });
});
