// The gate's report as the action renders it, fed an untrusted head (fork results, report mode):
// text it quotes from the head must not turn into markdown, links or @mentions.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gateReport } from '../../src/action/shared.js';
import type { Results } from '../../src/results/schema.js';
import { folderStore } from '../../src/store/folderStore.js';
import { historyGate } from '../../src/pipeline/gate.js';

const run = (cpuModel: string): Results => ({
  schema: 'perfgate/results@1',
  createdAt: '2026-11-27T09:00:00Z',
  configHash: 'c'.repeat(64),
  environment: { cpuModel },
  suites: [
    {
      name: 'api',
      metrics: [{ name: 'latency_p50', unit: 'ms', direction: 'lower', samples: [1, 2, 3] }],
    },
  ],
});

describe('gateReport with an untrusted head', () => {
  it('escapes what it quotes from the head when no stored result matches', async () => {
    const store = folderStore(await mkdtemp(join(tmpdir(), 'perfgate-shared-')));
    await store.append(run('AMD EPYC 7763'), { branch: 'main' });
    const head = run('![x](https://evil.example/p.png) @octocat <img src=x>');
    const outcome = await historyGate(head, { store, branch: 'main', window: 5 }, undefined, {});
    const report = gateReport('perfgate', outcome, 'abc');
    expect(report.verdict).toBe('no-baseline');
    expect(report.markdown).toContain('stored results ran on AMD EPYC 7763 but this run is on');
    expect(report.markdown).not.toMatch(/!\[x\]\(|@octocat|<img/);
  });
});

describe('gateReport against a matching stored result', () => {
  const gate = async (head: Results) => {
    const store = folderStore(await mkdtemp(join(tmpdir(), 'perfgate-shared-')));
    await store.append(
      { ...run('AMD EPYC 7763'), commit: 'b1021e4'.padEnd(40, '0') },
      {
        branch: 'main',
      },
    );
    const outcome = await historyGate(head, { store, branch: 'main', window: 5 }, undefined, {});
    return gateReport('perfgate', outcome, 'abc');
  };

  it('states the baseline once, with a proper plural', async () => {
    const report = await gate(run('AMD EPYC 7763'));
    expect(report.markdown).toContain(
      'Baseline: main: 1 stored run (b1021e4), compared run by run',
    );
    expect(report.markdown.match(/stored runs? \(/g)).toHaveLength(1);
    expect(report.markdown).not.toContain('run(s)');
  });

  it('reports a comparison that tested nothing as insufficient, never as a green pass', async () => {
    // One stored run has no run-to-run spread to judge a run by, even with a planted 10x slowdown.
    const slower = run('AMD EPYC 7763');
    const [suite] = slower.suites;
    const head = {
      ...slower,
      suites: [{ ...suite!, metrics: [{ ...suite!.metrics[0]!, samples: [10, 20, 30] }] }],
    };
    const report = await gate(head);
    expect(report.verdict).toBe('insufficient');
    expect(report.markdown).toMatch(/^⚪ \*\*Nothing could be tested\*\*/m);
    expect(report.markdown).not.toContain('🟢');
    expect(report.markdown).toMatch(/nothing was tested: .*1 stored run.* at least 5/);
  });
});
