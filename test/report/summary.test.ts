// The action's job summaries (report/summary.ts): every piece of text from outside (the report's
// name, branch names, suite names, a note quoting an event's ref) is escaped in one place.
import { describe, expect, it } from 'vitest';
import {
  dashboardSummary,
  recordedSummary,
  shardJobSummary,
  shardPlanSummary,
  sweepSummary,
} from '../../src/report/summary.js';
import type { Results } from '../../src/results/schema.js';

const HOSTILE = 'x](https://evil.example) @octocat <img src=x> #1';

const results = (suite: string): Results => ({
  schema: 'perfgate/results@1',
  createdAt: '2026-12-05T09:00:00Z',
  suites: [
    {
      name: suite,
      metrics: [{ name: 'latency_p50', unit: 'ms', direction: 'lower', samples: [1, 2, 3] }],
    },
  ],
});

const unsafe = /(?<!\\)\]\(|@octocat|<img|#1/;

describe('job summaries', () => {
  it('a record: where each result was stored, or why nothing was', () => {
    const stored = recordedSummary(HOSTILE, {
      branch: `main${HOSTILE}`,
      stored: ['main/2026/12/05/run`x.json'],
      results: [results(`api${HOSTILE}`)],
    });
    expect(stored).toMatch(/^### x\\]/);
    expect(stored).toContain('Recorded for main');
    expect(stored).toContain("`main/2026/12/05/run'x.json`");
    expect(stored).not.toMatch(unsafe);
    const refused = recordedSummary('perfgate', {
      branch: 'main',
      note: `not recording: pull_request on refs/heads/${HOSTILE} is not a trusted event`,
      results: [results('api')],
    });
    expect(refused).toMatch(/⚠️ not recording: pull\\_request on refs\/heads\/x\\]/);
    expect(refused).not.toMatch(unsafe);
  });

  it("a sharded record names each shard's file", () => {
    const markdown = recordedSummary('perfgate', {
      branch: 'main',
      stored: ['a.json', 'b.json'],
      shards: ['1/2', '2/2'],
      results: [results('a'), results('b')],
    });
    expect(markdown).toContain(
      'Recorded for main, one result per shard:\n- shard 1/2: `a.json`\n- shard 2/2: `b.json`',
    );
  });

  it('a shard plan, a shard job, a sweep and a dashboard escape what they quote', () => {
    const plan = shardPlanSummary(HOSTILE, [
      { shard: '1/1', 'runs-on': [`gpu${HOSTILE}`], suites: [`api${HOSTILE}`], seconds: 12 },
    ]);
    expect(plan).toMatch(/\| 1\/1 +\| gpu/);
    const job = shardJobSummary(HOSTILE, {
      shard: '1/2',
      suites: [`api${HOSTILE}`],
      baseline: 'interleaved',
      head: results(`api${HOSTILE}`),
    });
    const sweep = sweepSummary(HOSTILE, { report: 'the sweep', measured: 1 });
    expect(sweep).toContain('1 point measured.');
    const site = dashboardSummary(HOSTILE, {
      branch: `main${HOSTILE}`,
      runs: 3,
      charts: 1,
      changePoints: 0,
      environments: 1,
      out: '/tmp/site',
    });
    expect(site).toContain('3 runs of main');
    for (const markdown of [plan, job, sweep, site]) expect(markdown).not.toMatch(unsafe);
  });
});
