// Runner conditions that change mid-run, end to end: `perfgate check --against` in a real git
// repository, with a stand-in for nvidia-smi (not NVIDIA code) on PATH that lists a foreign
// process on the GPU while a marker file exists. The head tree's trial leaves the marker behind
// and the base tree's removes it, so the GPU is taken after every head trial round and free after
// every base one: the runner's readings after each round must tell the sides apart, and the
// report must say so.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Results } from '../../src/results/schema.js';
import { runCli } from '../helpers/cli.js';
import { commit, git, newRepo, worktrees } from '../helpers/gitRepo.js';

/** The doctor's two queries, answered as the real nvidia-smi prints them; others refused. */
const NVIDIA_SMI = `#!/usr/bin/env bash
case "$1" in
  --query-gpu=index,persistence_mode,*) echo '0, Enabled, 1980, 1980, 0x0000000000000000, Default, 0, Disabled' ;;
  --query-compute-apps=*) [[ -e "$MARKER" ]] && echo 'GPU-5f3c9e1a-2b7d-4c8e-9f01-23456789abcd, 4194000, python3' ;;
  *) exit 2 ;;
esac
exit 0
`;

/** A trial that reports one metric, and leaves the GPU taken (head) or free (base). */
const trial = (marker: 'take' | 'free') => `import { rmSync, writeFileSync } from 'node:fs';
${marker === 'take' ? "writeFileSync(process.env.MARKER, 'x');" : 'rmSync(process.env.MARKER, { force: true });'}
console.log(JSON.stringify({ work: { latency: { value: 10 + Math.random(), unit: 'ms' } } }));
`;

const CONFIG = `version: 1
trials: 4
warmupSeconds: 0
compare: { threshold: 0.5 }
suites:
  - { name: work, kind: command, command: node trial.mjs }
`;

describe('runner conditions within an interleaved run', () => {
  it('counts a GPU taken after the head trials only, and the report says the sides differed', async () => {
    const repo = await newRepo({ 'perfgate.yml': CONFIG, 'trial.mjs': trial('free') });
    const base = git(repo, 'rev-parse', 'HEAD');
    await commit(repo, 'a head that leaves a process on the GPU', { 'trial.mjs': trial('take') });
    const bin = await mkdtemp(join(tmpdir(), 'perfgate-smi-'));
    await writeFile(join(bin, 'nvidia-smi'), NVIDIA_SMI, { mode: 0o755 });
    const scratch = await mkdtemp(join(tmpdir(), 'perfgate-conditions-'));
    const out = join(scratch, 'sides.json');
    const run = await runCli(
      ['check', '--config', 'perfgate.yml', '--against', base, '--seed', '1', '--out', out],
      repo,
      { PATH: `${bin}:${process.env.PATH}`, MARKER: join(scratch, 'gpu-taken') },
    );
    expect(run.code, run.stderr).toBe(0);
    const sides = JSON.parse(await readFile(out, 'utf8')) as { base: Results; head: Results };
    const taken = { name: 'gpu.processes', status: 'fail', value: 'python3', trials: 4 };
    expect(sides.head.interleaved?.conditions).toMatchObject({ trials: 4 });
    expect(sides.head.interleaved?.conditions?.seen).toContainEqual(taken);
    expect(sides.base.interleaved?.conditions?.trials).toBe(4);
    expect(sides.base.interleaved?.conditions?.seen.map((w) => w.name)).not.toContain(
      'gpu.processes',
    );
    // Another job on this machine may busy its CPUs meanwhile: it would be named beside.
    expect(run.stdout).toMatch(
      /runner conditions differed between the sides: (.+; )?gpu\.processes python3 seen during 4 of 4 candidate trials, 0 of 4 baseline trials(; .+)?: the difference may be the runner's/,
    );
    expect(worktrees(repo)).toHaveLength(1);
  }, 60_000);
});
