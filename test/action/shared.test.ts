// The gate's report as the action renders it, fed an untrusted head (fork results, report mode):
// text it quotes from the head must not turn into markdown, links or @mentions.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gateReport } from '../../src/action/shared.js';
import type { ActionEnv } from '../../src/action/types.js';
import { parseEventContext } from '../../src/github/context.js';
import type { Results } from '../../src/results/schema.js';
import { folderStore } from '../../src/store/folderStore.js';

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
    const action = {
      inputs: { name: 'perfgate', baselineWindow: 5 },
      context: parseEventContext(
        { GITHUB_REPOSITORY: 'o/r', GITHUB_EVENT_NAME: 'workflow_run', GITHUB_SHA: 'a'.repeat(40) },
        {},
      ),
      store,
    } as unknown as ActionEnv;
    const report = await gateReport(action, {
      results: run('![x](https://evil.example/p.png) @octocat <img src=x>'),
      branch: 'main',
      headLabel: 'abc',
      policy: {},
    });
    expect(report.verdict).toBe('no-baseline');
    expect(report.markdown).toContain('stored results ran on AMD EPYC 7763 but this run is on');
    expect(report.markdown).not.toMatch(/!\[x\]\(|@octocat|<img/);
  });
});
