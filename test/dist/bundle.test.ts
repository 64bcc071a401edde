// The committed bundles, run as users run them: `node dist/cli.js …` as the bin, and
// `node dist/index.js` the way a GitHub runner starts an action (INPUT_* variables, GITHUB_OUTPUT
// and GITHUB_STEP_SUMMARY files). Bundlers break things src/ tests cannot see.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runAction } from '../helpers/actionRunner.js';
import { exampleServiceConfig } from '../helpers/exampleConfig.js';
import { freePort } from '../helpers/net.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');

async function node(args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('dist/cli.js', () => {
  it('compares the examples and exits 1 on the planted regression', async () => {
    const result = await node(['dist/cli.js', 'compare', 'examples/base', 'examples/head']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/4 regressed, 0 improved, 7 unchanged, 1 not seen/);
  });

  it('runs an HTTP suite against a real service (autocannon survives bundling)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'perfgate-dist-run-'));
    const out = join(dir, 'results.json');
    const port = await freePort();
    await writeFile(
      join(dir, 'perfgate.yml'),
      exampleServiceConfig(port, { trials: 2, warmupSeconds: 0, durationSeconds: 1 }),
    );
    const result = await node(['dist/cli.js', 'run', '--config', join(dir, 'perfgate.yml'), '--out', out]);
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.code).toBe(0);
    const results = JSON.parse(await readFile(out, 'utf8')) as { suites: { metrics: { name: string; samples: number[] }[] }[] };
    const p50 = results.suites[0]?.metrics.find((m) => m.name === 'latency_p50');
    expect(p50?.samples).toHaveLength(2);
  });

  it('exits 3, never 1 (the regression code), on an exception nothing could catch', async () => {
    // A body generator module that throws from a timer: no caller's try can catch it.
    const dir = await mkdtemp(join(tmpdir(), 'perfgate-dist-uncaught-'));
    await writeFile(
      join(dir, 'late.mjs'),
      "setTimeout(() => { throw new Error('late boom'); }, 200);\nexport default () => ({});\n",
    );
    const port = await freePort();
    const config = exampleServiceConfig(port, { trials: 2, warmupSeconds: 0, durationSeconds: 1 });
    await writeFile(join(dir, 'perfgate.yml'), config.replace('requests: [{ path: /hello }]', 'bodyGenerator: late.mjs, requests: [{ path: /hello }]'));
    const result = await node(['dist/cli.js', 'run', '--config', join(dir, 'perfgate.yml'), '--out', join(dir, 'out.json')]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/perfgate: run failed: uncaught Error: late boom/);
  });

  it('exits 2 with the file named on bad input', async () => {
    const result = await node(['dist/cli.js', 'compare', 'examples/base', 'package.json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/package\.json/);
  });
});

describe('dist/index.js in compare mode (no benchmark run)', () => {
  const push = { name: 'push', payload: { repository: { default_branch: 'main' } } };

  it('writes the summary and outputs, and fails the step on a regression', async () => {
    const action = await runAction({ inputs: { mode: 'compare', base: 'examples/base', head: 'examples/head' }, event: push, workspace: ROOT });
    expect(action.code).toBe(1);
    expect(action.stdout).toMatch(/::error::perfgate: 4 metric\(s\) regressed: api\/search\/latency_p50/);
    expect(action.summary).toMatch(/Performance regression/);
    expect(action.outputs.verdict).toBe('regression');
    expect(action.outputs.regressions).toBe('4');
    expect(await readFile(action.outputs['report-file'] as string, 'utf8')).toBe(action.summary);
  });

  it('passes with fail-on-regression: false, still reporting the verdict', async () => {
    const action = await runAction({
      inputs: { mode: 'compare', base: 'examples/base', head: 'examples/head', 'fail-on-regression': 'false', 'report-path': join(tmpdir(), 'perfgate-report.md') },
      event: push,
      workspace: ROOT,
    });
    expect(action.code).toBe(0);
    expect(action.outputs.verdict).toBe('regression');
  });
});
