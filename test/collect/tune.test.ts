// `perfgate doctor --tune` and `--restore` against fixture roots: a sysfs tree whose files hold
// what Linux writes there (a value and a newline), and a stand-in for nvidia-smi (not NVIDIA
// code) that answers perfgate's queries in the real one's CSV and logs every call, so the test
// sees what would have been set. Then, as the user nobody, the refusal to touch the real /sys.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { fileTree, tuningNvidiaSmi } from '../helpers/fixtureMachine.js';
import { ROOT } from '../helpers/readme.js';

const SYS = {
  'devices/system/cpu/cpu0/cpufreq/scaling_governor': 'powersave\n',
  'devices/system/cpu/cpu1/cpufreq/scaling_governor': 'performance\n',
  'devices/system/cpu/intel_pstate/no_turbo': '0\n',
  'devices/system/cpu/smt/active': '0\n',
};

const snapshot = async (root: string) =>
  Object.fromEntries(
    await Promise.all(
      Object.keys(SYS).map(async (file) => [file, await readFile(join(root, file), 'utf8')]),
    ),
  );

describe('perfgate doctor --tune and --restore', () => {
  it('sets the governor, turbo, persistence and a clock lock, then puts every byte back', async () => {
    const sys = await fileTree(SYS);
    const before = await snapshot(sys);
    const smi = await tuningNvidiaSmi(1400);
    const state = join(sys, 'state.json');
    const env = { PATH: `${smi.bin}:${process.env.PATH}` };
    const args = ['doctor', '--sys', sys, '--proc', sys, '--state', state];
    const tuned = await runCli([...args, '--tune'], ROOT, env);
    expect(tuned.code, tuned.stderr).toBe(0);
    expect(
      await readFile(join(sys, 'devices/system/cpu/cpu0/cpufreq/scaling_governor'), 'utf8'),
    ).toBe('performance\n');
    expect(await readFile(join(sys, 'devices/system/cpu/intel_pstate/no_turbo'), 'utf8')).toBe(
      '1\n',
    );
    expect(tuned.stdout).toMatch(
      /^tuned: 2 files, 1 GPU; state in .*state\.json: run perfgate doctor --restore/m,
    );
    const calls = await readFile(smi.log, 'utf8');
    expect(calls).toContain('-i 0 -pm 1');
    expect(calls).toContain('-i 0 -lgc 1410,1410');

    const restored = await runCli([...args, '--restore'], ROOT, env);
    expect(restored.code, restored.stderr).toBe(0);
    expect(await snapshot(sys)).toEqual(before);
    const after = (await readFile(smi.log, 'utf8')).slice(calls.length);
    expect(after.split('\n').filter(Boolean)).toEqual(['-i 0 -rgc', '-i 0 -pm 0']);
    expect(existsSync(state)).toBe(false);
  });

  it('says when the SM clock does not hold the lock', async () => {
    const sys = await fileTree(SYS);
    const smi = await tuningNvidiaSmi(1100);
    const state = join(sys, 'state.json');
    const env = { PATH: `${smi.bin}:${process.env.PATH}` };
    const tuned = await runCli(
      ['doctor', '--sys', sys, '--proc', sys, '--state', state, '--tune'],
      ROOT,
      env,
    );
    expect(tuned.stdout).toMatch(
      /gpu0: the SM clock is at 1100 MHz under a lock at 1410 MHz: the lock does not hold/,
    );
  });

  it('refuses --restore without a state file, and both flags at once (exit 2)', async () => {
    const sys = await fileTree(SYS);
    const missing = await runCli(
      ['doctor', '--sys', sys, '--state', join(sys, 'none.json'), '--restore'],
      ROOT,
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/none\.json: .*nothing to restore/);
    const both = await runCli(['doctor', '--tune', '--restore'], ROOT);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--restore: .*not both/);
  });

  it('refuses to tune the real /sys unless run as root (as the user nobody)', () => {
    let code = 0;
    let stderr = '';
    try {
      execFileSync(
        'runuser',
        [
          '-u',
          'nobody',
          '--',
          process.execPath,
          join(ROOT, 'dist/cli.js'),
          'doctor',
          '--tune',
          '--state',
          '/tmp/perfgate-nobody-state.json',
        ],
        { encoding: 'utf8', stdio: 'pipe' },
      );
    } catch (error) {
      const failed = error as { status: number; stderr: string };
      code = failed.status;
      stderr = failed.stderr;
    }
    expect(code).toBe(2);
    expect(stderr).toMatch(/--tune: .*needs root/);
  });
});
