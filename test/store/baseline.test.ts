import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import type { Environment } from '../../src/results/schema.js';
import { selectBaseline, type BaselineHead } from '../../src/store/baseline.js';
import type { StoredResult } from '../../src/store/history.js';
import { result } from './repos.js';

const HOST: Environment = {
  os: 'Linux 6.8.0-1017-azure',
  arch: 'x64',
  cpuModel: 'AMD EPYC 7763 64-Core Processor',
  cpuCount: 4,
  memoryBytes: 16e9,
  nodeVersion: 'v20.20.2',
  runner: 'gpu-runner-1',
  gpus: [{ index: 0, name: 'NVIDIA A100', driver: '550.54.15', uuid: 'GPU-1' }],
};
const HEAD: BaselineHead = { configHash: 'c0ffee', environment: HOST };

/** A stored result on `day` of November 2026 whose p95 sample is `p95`. */
function stored(
  day: number,
  p95: number,
  changes: { commit?: string; configHash?: string; environment?: Environment } = {},
): StoredResult {
  const createdAt = `2026-11-${String(day).padStart(2, '0')}T09:00:00Z`;
  const { commit, configHash = 'c0ffee', environment = HOST } = changes;
  return {
    path: `main/2026/11/${day}.json`,
    results: { ...result(createdAt, commit, p95), configHash, environment },
  };
}

/** The p95 sample of each selected run, in selection order. */
const samplesOf = (selection: ReturnType<typeof selectBaseline>) =>
  selection.used.flatMap((e) => e.results.suites[0]?.metrics[0]?.samples ?? []);

describe('selectBaseline', () => {
  it('says that nothing is stored (each face says how to record, in its own words)', () => {
    expect(selectBaseline([], HEAD, 5)).toEqual({
      used: [],
      mergeBaseStored: false,
      notes: ['nothing is stored yet'],
    });
  });

  it('keeps the newest `window` matching runs, newest first, whatever the input order', () => {
    const entries = [stored(3, 3), stored(5, 5), stored(1, 1), stored(4, 4), stored(2, 2)];
    const selection = selectBaseline(entries, HEAD, 3);
    expect(selection.used.map((e) => e.path)).toEqual([
      'main/2026/11/5.json',
      'main/2026/11/4.json',
      'main/2026/11/3.json',
    ]);
    expect(samplesOf(selection)).toEqual([5, 4, 3]);
    expect(selection.used.every((e) => e.results.environment === HOST)).toBe(true);
    // How many runs were used is the report's baseline label, not a note: never said twice.
    expect(selection.notes).toEqual([]);
  });

  it('puts the merge base first, then the newest', () => {
    const entries = [stored(5, 5), stored(4, 4), stored(2, 2, { commit: 'base123' }), stored(1, 1)];
    const selection = selectBaseline(entries, { ...HEAD, mergeBase: 'base123' }, 2);
    expect(samplesOf(selection)).toEqual([2, 5]);
    expect(selection.notes).toEqual(['the merge base base123 has a stored result and comes first']);
    expect(selection.mergeBaseStored).toBe(true);
  });

  it('says when the merge base has no stored result', () => {
    const selection = selectBaseline([stored(5, 5)], { ...HEAD, mergeBase: 'f00dfacecafe' }, 5);
    expect(samplesOf(selection)).toEqual([5]);
    expect(selection.notes).toEqual([
      'no stored result for the merge base f00dfac: using the newest',
    ]);
    expect(selection.mergeBaseStored).toBe(false);
  });

  it('ignores what does not change performance: kernel, Node patch, memory, runner, GPU uuid', () => {
    const similar: Environment = {
      ...HOST,
      os: 'Linux 6.11.0-1001-azure',
      nodeVersion: 'v20.11.0',
      memoryBytes: 32e9,
      runner: 'gpu-runner-2',
      gpus: [{ index: 0, name: 'NVIDIA A100', driver: '550.54.15', uuid: 'GPU-2' }],
    };
    const selection = selectBaseline([stored(5, 5, { environment: similar })], HEAD, 5);
    expect(samplesOf(selection)).toEqual([5]);
  });

  it('skips results of another config or environment, and says how many', () => {
    const entries = [
      stored(6, 6, { configHash: 'other' }),
      stored(5, 5, { environment: { ...HOST, cpuCount: 8 } }),
      stored(4, 4),
    ];
    const selection = selectBaseline(entries, HEAD, 5);
    expect(samplesOf(selection)).toEqual([4]);
    expect(selection.notes).toEqual(['2 stored results skipped: another config or environment']);
  });

  it.each<[string, Partial<Environment> | { configHash: string }, string]>([
    [
      'GPU',
      { gpus: [{ index: 0, name: 'NVIDIA H100', driver: '560.35.03' }] },
      'stored results ran on NVIDIA A100 (driver 550.54.15) but this run is on NVIDIA H100 (driver 560.35.03)',
    ],
    [
      'no GPU',
      { gpus: [] },
      'stored results ran on NVIDIA A100 (driver 550.54.15) but this run is on no GPU',
    ],
    [
      'CPU',
      { cpuModel: 'Intel Xeon' },
      'stored results ran on AMD EPYC 7763 64-Core Processor but this run is on Intel Xeon',
    ],
    ['CPU count', { cpuCount: 2 }, 'stored results ran on 4 CPUs but this run is on 2 CPUs'],
    ['architecture', { arch: 'arm64' }, 'stored results ran on x64 but this run is on arm64'],
    ['OS family', { os: 'Darwin 24.1.0' }, 'stored results ran on Linux but this run is on Darwin'],
    [
      'Node major',
      { nodeVersion: 'v22.1.0' },
      'stored results ran on Node 20 but this run is on Node 22',
    ],
    [
      'config',
      { configHash: 'abad1dea' },
      'stored results used config c0ffee but this run uses config abad1dea',
    ],
  ])('finds no baseline across a different %s and says why', (_, change, why) => {
    const head =
      'configHash' in change
        ? { ...HEAD, ...change }
        : { ...HEAD, environment: { ...HOST, ...change } };
    const selection = selectBaseline([stored(4, 4), stored(5, 5)], head, 5);
    expect(selection).toEqual({
      used: [],
      mergeBaseStored: false,
      notes: [`none of the 2 stored results matches this run (newest: ${why})`],
    });
  });

  it('compares an unknown environment as unknown, not as a match', () => {
    const selection = selectBaseline([stored(5, 5)], { configHash: 'c0ffee' }, 5);
    expect(selection.notes[0]).toContain(
      'stored results ran on AMD EPYC 7763 64-Core Processor but this run is on an unknown CPU',
    );
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a window of %s', (window) => {
    expect(() => selectBaseline([stored(5, 5)], HEAD, window)).toThrow(InputError);
  });
});
