// The merge's checks and judgement on shard artifacts as data (mode merge and perfgate merge run
// them on files: test/action/merge.test.ts, test/cli/shards.test.ts, test/dist/shards.test.ts).
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { InputError } from '../../src/errors.js';
import { checkShardSet, mergeShards, type LoadedShard } from '../../src/pipeline/merge.js';
import type { Results } from '../../src/results/schema.js';
import { SHARD_SCHEMA, type ShardArtifact } from '../../src/results/shard.js';

const results = (suite: string, samples: number[]): Results => ({
  schema: 'perfgate/results@1',
  createdAt: '2026-11-29T09:00:00Z',
  configHash: 'c'.repeat(64),
  suites: [
    { name: suite, metrics: [{ name: 'latency', unit: 'ms', direction: 'lower', samples }] },
  ],
});

function shard(
  index: number,
  count: number,
  suite: string,
  baseline: ShardArtifact['baseline'],
  base: number[],
  head: number[],
): LoadedShard {
  return {
    file: `shard-${index}.json`,
    artifact: {
      schema: SHARD_SCHEMA,
      shard: { index, count },
      suites: [suite],
      baseline,
      context: [],
      head: results(suite, head),
      ...(baseline === 'none' ? {} : { base: results(suite, base) }),
    },
  };
}

const STORED = [100, 102, 98, 101, 99, 100, 101];

describe('mergeShards', () => {
  it('judges history shards run by run: the head is one run, its median', () => {
    const merged = mergeShards(
      [
        shard(1, 2, 'a', 'history', STORED, [130, 131, 129]),
        shard(2, 2, 'b', 'history', STORED, [100, 101, 99]),
      ],
      undefined,
      {},
    );
    expect(merged.comparison?.unit).toBe('run');
    const a = merged.comparison?.metrics.find((m) => m.suite === 'a');
    // One run: its three trials count once, by their median 130.
    expect(a?.head?.n).toBe(1);
    expect(a?.head?.median).toBe(130);
    expect(a?.verdict).toBe('regression');
    // The report shows the head's trials as measured.
    expect(merged.results.suites.find((s) => s.name === 'a')?.metrics[0]?.samples).toEqual([
      130, 131, 129,
    ]);
  });

  it('refuses shards that compared with different kinds of baseline, naming them', () => {
    const mixed = [
      shard(1, 2, 'a', 'history', STORED, [100]),
      shard(2, 2, 'b', 'interleaved', [1, 2, 3], [1, 2, 3]),
    ];
    expect(() => mergeShards(mixed, undefined, {})).toThrow(
      /shard 1\/2: history, shard 2\/2: interleaved/,
    );
  });

  it('shows the shards without a baseline and judges the others', () => {
    const merged = mergeShards(
      [
        shard(1, 2, 'a', 'none', [], [1, 2, 3]),
        shard(2, 2, 'b', 'interleaved', [1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6]),
      ],
      undefined,
      {},
    );
    expect(merged.context[0]).toBe('no baseline in shard 1/2: those suites are shown, not judged');
    const verdicts = merged.comparison?.metrics.map((m) => [m.suite, m.verdict]);
    // 1…6 against 1…6: no change, but ±50 % noise cannot see 5 %: not seen, never unchanged.
    expect(verdicts).toEqual([
      ['b', 'unseen'],
      ['a', 'insufficient'],
    ]);
  });
});

describe('checkShardSet', () => {
  it("refuses a shard whose results carry another shard's suite, naming both", () => {
    const a = shard(1, 2, 'a', 'none', [], [1]);
    const b = shard(2, 2, 'b', 'none', [], [1]);
    // Shard 2's results also hold suite 'a': one copy would be dropped without a word.
    b.artifact.head = {
      ...b.artifact.head!,
      suites: [...b.artifact.head!.suites, ...a.artifact.head!.suites],
    };
    expect(() => checkShardSet([a, b])).toThrow(
      /shard 2\/2 \(shard-2\.json\) carries results of suite 'a', which shard 1\/2 \(shard-1\.json\) ran/,
    );
  });

  it('refuses a suite that two shards ran, and a suite of the config that none ran', () => {
    const twice = [shard(1, 2, 'a', 'none', [], [1]), shard(2, 2, 'a', 'none', [], [1])];
    expect(() => checkShardSet(twice)).toThrow(/suite 'a' ran in shard 1\/2 and shard 2\/2/);
    const config = parseConfig(
      "version: 1\nsuites:\n  - { name: a, kind: command, command: 'true' }\n  - { name: c, kind: command, command: 'true' }\n",
      '/repo/perfgate.yml',
      {},
    );
    const one = [shard(1, 1, 'a', 'none', [], [1])];
    expect(() => checkShardSet(one, config)).toThrow(InputError);
    expect(() => checkShardSet(one, config)).toThrow(/^\/repo\/perfgate.yml: no shard ran 'c'/);
  });

  it('refuses artifacts of plans of different sizes', () => {
    const sizes = [shard(1, 2, 'a', 'none', [], [1]), shard(2, 3, 'b', 'none', [], [1])];
    expect(() => checkShardSet(sizes)).toThrow(/plans of different sizes/);
  });
});
