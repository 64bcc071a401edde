// The action's `tune` input: the runner tuned before the mode and put back after it, whatever
// happened. run() in this process, as a runner calls it (test/helpers/actionRunner.ts), but the
// machine it tunes is a fixture: a sysfs tree whose files hold what Linux writes there, and a
// stand-in for nvidia-smi (not NVIDIA code) that answers in the real one's CSV and logs its
// calls. vi.mock points hostSources at them, since this machine's own /sys must not change.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ROOT, runActionInProcess } from '../helpers/actionRunner.js';
import { fileTree, tuningNvidiaSmi } from '../helpers/fixtureMachine.js';
import { commit, git, workspaceWithOrigin } from '../helpers/gitRepo.js';

vi.mock('../../src/collect/doctor.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/collect/doctor.js')>();
  return {
    ...real,
    hostSources: (env: NodeJS.ProcessEnv, workDir: string) =>
      real.hostSources(env, workDir, { sys: env.FIXTURE_SYS, proc: env.FIXTURE_SYS }),
  };
});

const GOVERNOR = 'devices/system/cpu/cpu0/cpufreq/scaling_governor';
const SYS = {
  [GOVERNOR]: 'powersave\n',
  'devices/system/cpu/intel_pstate/no_turbo': '0\n',
};

async function fixtureMachine() {
  const sys = await fileTree(SYS);
  const smi = await tuningNvidiaSmi(1410);
  const env = { FIXTURE_SYS: sys, PATH: `${smi.bin}:${process.env.PATH}` };
  return { sys, log: smi.log, env };
}

/** A workspace whose one command suite notes the governor it ran under, then exits with `code`. */
async function workspaceNoting(sys: string, code: number): Promise<string> {
  const { workspace } = await workspaceWithOrigin('perfgate-action-tune-ws-');
  const command = `cat '${join(sys, GOVERNOR)}' >> governor.log; echo '{"probe":{"one":{"value":1}}}'; exit ${code}`;
  await commit(workspace, 'perfgate', {
    'perfgate.yml': `version: 1\ntrials: 2\nsuites:\n  - name: probe\n    kind: command\n    command: ${JSON.stringify(command)}\n`,
  });
  return workspace;
}

const event = (workspace: string) => ({
  name: 'push',
  payload: JSON.parse(readFileSync(join(ROOT, 'test/fixtures/events/push.json'), 'utf8')),
  sha: git(workspace, 'rev-parse', 'HEAD'),
});

/** The record mode with input tune on a fixture machine, its trials exiting with `code`. */
async function recordTuned(code: number) {
  const machine = await fixtureMachine();
  const workspace = await workspaceNoting(machine.sys, code);
  const result = await runActionInProcess({
    inputs: { mode: 'record', tune: 'true' },
    event: event(workspace),
    workspace,
    env: machine.env,
  });
  return { machine, workspace, result };
}

/** The machine as it was before: the same bytes in every file, no tuning state left behind. */
async function expectRestored(sys: string, workspace: string): Promise<void> {
  for (const [file, text] of Object.entries(SYS)) {
    expect(await readFile(join(sys, file), 'utf8')).toBe(text);
  }
  expect(existsSync(join(workspace, 'perfgate-out/tune-state.json'))).toBe(false);
}

describe('the action with input tune', () => {
  it('measures on the tuned runner, then puts every file and the GPU back', async () => {
    const { machine, workspace, result } = await recordTuned(0);
    expect(result.code, result.stdout).toBe(0);
    // Every trial ran under the performance governor...
    const seen = (await readFile(join(workspace, 'governor.log'), 'utf8')).trim().split('\n');
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(new Set(seen)).toEqual(new Set(['performance']));
    expect(result.stdout).toMatch(/^tuned: 2 files, 1 GPU; state in /m);
    // ...and afterwards the machine is as it was, the clock lock and persistence undone in reverse.
    await expectRestored(machine.sys, workspace);
    const calls = (await readFile(machine.log, 'utf8')).split('\n');
    expect(calls.filter((call) => call.startsWith('-i 0 '))).toEqual([
      '-i 0 -pm 1',
      '-i 0 -lgc 1410,1410',
      '-i 0 -rgc',
      '-i 0 -pm 0',
    ]);
  }, 60_000);

  it('puts the runner back when the mode fails', async () => {
    const { machine, workspace, result } = await recordTuned(3);
    expect(result.code).not.toBe(0);
    expect(await readFile(join(workspace, 'governor.log'), 'utf8')).toMatch(/^performance$/m);
    await expectRestored(machine.sys, workspace);
  }, 60_000);
});
