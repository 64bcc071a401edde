// `perfgate doctor` against fixture roots: sysfs and procfs trees whose files hold exactly what
// Linux writes there (one value and a newline; /proc/loadavg, /proc/cpuinfo and /proc/meminfo in
// their formats), and a stand-in for nvidia-smi (not NVIDIA code) that prints the CSV the real one
// prints for perfgate's two queries, `[N/A]` included. Then the real /sys and /proc of this machine.
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  doctorChecks,
  frequencyCheck,
  watchRunner,
  type Check,
  type DoctorSources,
} from '../../src/collect/doctor.js';
import { busiestProcesses, readProcessSnapshot } from '../../src/collect/busiest.js';
import { renderDoctorText } from '../../src/report/doctor.js';
import { holdRunLock } from '../../src/collect/runLock.js';
import { runCli } from '../helpers/cli.js';
import { fileTree } from '../helpers/fixtureMachine.js';

const cpuinfo =
  'processor\t: 0\nmodel name\t: AMD EPYC\n\nprocessor\t: 1\nmodel name\t: AMD EPYC\n';
const meminfo = (availableKb: number, swapFreeKb: number) =>
  `MemTotal:       24683748 kB\nMemFree:        20000000 kB\nMemAvailable:   ${availableKb} kB\n` +
  `SwapTotal:       2097148 kB\nSwapFree:        ${swapFreeKb} kB\n`;

/**
 * nvidia-smi for the GPU query and the compute-apps query; `apps` lines as the real one prints,
 * kept in a file beside it (appsOf) that a test may rewrite between calls.
 */
async function nvidiaSmi(gpuLine: string, apps: string[]): Promise<string> {
  const bin = await mkdtemp(join(tmpdir(), 'perfgate-smi-'));
  const file = join(bin, 'nvidia-smi');
  await writeFile(appsOf(file), apps.map((a) => `${a}\n`).join(''));
  await writeFile(
    file,
    [
      '#!/usr/bin/env bash',
      'case "$1" in',
      `  --query-gpu=*) echo '${gpuLine}' ;;`,
      `  --query-compute-apps=*) cat '${appsOf(file)}' ;;`,
      '  *) exit 2 ;;',
      'esac',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return file;
}

const appsOf = (nvidiaSmiFile: string) => join(dirname(nvidiaSmiFile), 'apps.csv');

/** One CPU's cpufreq limits in kHz, one integer and a newline per file, as cpufreq writes them. */
const limits = (cpu: number, [min, max, hwMin, hwMax]: number[]) => ({
  [`devices/system/cpu/cpu${cpu}/cpufreq/scaling_min_freq`]: `${min}\n`,
  [`devices/system/cpu/cpu${cpu}/cpufreq/scaling_max_freq`]: `${max}\n`,
  [`devices/system/cpu/cpu${cpu}/cpufreq/cpuinfo_min_freq`]: `${hwMin}\n`,
  [`devices/system/cpu/cpu${cpu}/cpufreq/cpuinfo_max_freq`]: `${hwMax}\n`,
});
const fullRange = [800_000, 3_500_000, 800_000, 3_500_000];

const quietSys = {
  'devices/system/cpu/cpu0/cpufreq/scaling_governor': 'performance\n',
  'devices/system/cpu/cpu1/cpufreq/scaling_governor': 'performance\n',
  ...limits(0, fullRange),
  ...limits(1, fullRange),
  'devices/system/cpu/intel_pstate/no_turbo': '1\n',
  'devices/system/cpu/smt/active': '0\n',
  'devices/system/cpu/isolated': '\n',
};
/**
 * /proc/<pid>/stat as the kernel writes it (proc(5), this machine's own line as the template):
 * pid, (comm), state, ppid, …, utime and stime (fields 14 and 15, in clock ticks), ….
 */
const stat = (pid: number, comm: string, ppid: number, utime: number, stime = 0) =>
  `${pid} (${comm}) S ${ppid} ${pid} ${ppid} 0 -1 4194304 100 0 0 0 ${utime} ${stime} 0 0 20 0 1 0 ` +
  '3131116 3133440 411 18446744073709551615 93960287469568 93960287489449 140726640456016 0 0 0 0 0 0 ' +
  '0 0 0 17 1 0 0 0 0 0 93960287505456 93960287507072 93960572923904 140726640458270 ' +
  '140726640458290 140726640458290 140726640459755 0\n';
/** /proc/uptime: seconds since boot, and the idle CPUs' seconds. */
const uptime = (seconds: number) => `${seconds.toFixed(2)} 18268.93\n`;

const quietProc = {
  loadavg: '0.10 0.20 0.30 1/200 12345\n',
  cpuinfo,
  meminfo: meminfo(20_000_000, 2_097_148),
  uptime: uptime(31311.18),
  '1/stat': stat(1, 'systemd', 0, 500),
};

/** Between the doctor's two readings of a fixture /proc: 200 ms pass, in uptime and in `files`. */
const passes =
  (proc: string, files: Record<string, string> = {}) =>
  async () => {
    for (const [file, text] of Object.entries({ uptime: uptime(31311.38), ...files })) {
      await mkdir(dirname(join(proc, file)), { recursive: true });
      await writeFile(join(proc, file), text);
    }
  };

/** Fixture roots for doctorChecks: no GPU unless given, the processes' interval in the files. */
async function fixture(
  sysFiles: Record<string, string> = {},
  procFiles: Record<string, string> = {},
  more: Partial<DoctorSources> = {},
): Promise<DoctorSources> {
  const proc = await fileTree({ ...quietProc, ...procFiles });
  return {
    sys: await fileTree({ ...quietSys, ...sysFiles }),
    proc,
    nvidiaSmi: 'no-nvidia-smi-here',
    env: { PATH: process.env.PATH },
    workDir: tmpdir(),
    runLocks: await fileTree({}),
    processInterval: passes(proc),
    clockTicks: 100,
    ...more,
  };
}

/** Every check of a machine with one GPU, in the order doctor gives them. */
const CHECKS = [
  ...['cpu.governor', 'cpu.turbo', 'cpu.frequency', 'cpu.smt', 'cpu.isolated'],
  ...['runner.load', 'runner.memory', 'runner.swap', 'runner.disk', 'runner.perfgate'],
  'runner.processes',
  ...['gpu0.persistence', 'gpu0.clocks', 'gpu0.throttle'],
  ...['gpu0.compute_mode', 'gpu0.ecc', 'gpu0.mig', 'gpu.processes'],
];

const byName = (checks: Check[]) => Object.fromEntries(checks.map((c) => [c.name, c]));

describe('perfgate doctor', () => {
  it('finds a quiet machine all ok', async () => {
    const checks = await doctorChecks(
      await fixture(
        {},
        {},
        {
          nvidiaSmi: await nvidiaSmi(
            '0, Enabled, 1980, 1980, 0x0000000000000000, Exclusive_Process, 0, Disabled',
            [],
          ),
        },
      ),
    );
    expect(checks.filter((c) => c.status !== 'ok')).toEqual([]);
    expect(checks.map((c) => c.name)).toEqual(CHECKS);
  });

  it('names powersave, turbo, a foreign GPU process and an SM clock below its setting, with advice', async () => {
    const checks = byName(
      await doctorChecks(
        await fixture(
          {
            'devices/system/cpu/cpu1/cpufreq/scaling_governor': 'powersave\n',
            'devices/system/cpu/intel_pstate/no_turbo': '0\n',
          },
          { meminfo: meminfo(20_000_000, 1_000_000) },
          {
            nvidiaSmi: await nvidiaSmi(
              '0, Disabled, 1410, 1980, 0x0000000000000004, Default, 3, Enabled',
              ['GPU-5f3c9e1a-2b7d-4c8e-9f01-23456789abcd, 4242, python3'],
            ),
          },
        ),
      ),
    );
    expect(checks['cpu.governor']).toMatchObject({
      status: 'warn',
      value: 'performance, powersave',
    });
    expect(checks['cpu.governor']?.advice).toMatch(/performance governor/);
    expect(checks['cpu.turbo']).toMatchObject({ status: 'warn', value: 'on' });
    expect(checks['gpu.processes']).toMatchObject({ status: 'fail', value: 'python3' });
    expect(checks['gpu0.clocks']).toMatchObject({
      status: 'warn',
      value: 'SM 1410 MHz, set 1980 MHz',
    });
    expect(checks['gpu0.throttle']).toMatchObject({ status: 'fail', value: 'SW power cap' });
    expect(checks['gpu0.persistence']).toMatchObject({ status: 'warn', value: 'off' });
    expect(checks['runner.swap']).toMatchObject({ status: 'warn', value: '1071 MiB in use' });
    expect(checks['gpu0.ecc']).toMatchObject({
      status: 'fail',
      value: '3 uncorrected since the driver loaded',
    });
    expect(checks['gpu0.mig']).toMatchObject({ status: 'warn', value: 'on' });
    expect(checks['gpu0.compute_mode']).toMatchObject({ status: 'ok', value: 'Default' });
    expect(checks['gpu0.compute_mode']?.advice).toMatch(/nvidia-smi -c 3/);
  });

  it('reads the CPU frequency limits in MHz, and warns where the clock can move or is capped', async () => {
    const frequencyOf = async (files: Record<string, string>) =>
      byName(await doctorChecks(await fixture(files)))['cpu.frequency'];
    // The performance governor over the whole range: it stays at the top.
    expect(await frequencyOf({})).toMatchObject({
      status: 'ok',
      value: '800–3500 MHz (hardware 800–3500 MHz)',
    });
    // The same range under powersave: the clock moves with the load.
    expect(
      await frequencyOf({
        'devices/system/cpu/cpu1/cpufreq/scaling_governor': 'powersave\n',
      }),
    ).toMatchObject({ status: 'warn', advice: expect.stringMatching(/pin it/) as unknown });
    // Turbo on and one CPU capped at 2 GHz: a limit something set, which may move; both named.
    expect(
      await frequencyOf({
        'devices/system/cpu/intel_pstate/no_turbo': '0\n',
        ...limits(1, [800_000, 2_000_000, 800_000, 3_500_000]),
      }),
    ).toMatchObject({
      status: 'warn',
      value: '800–3500 MHz (hardware 800–3500 MHz), 800–2000 MHz (hardware 800–3500 MHz)',
      advice: expect.stringMatching(/capped below the hardware maximum/) as unknown,
    });
    // Pinned at 2 GHz on every CPU: the steady clock a benchmark wants, though below the top.
    const pinned = [2_000_000, 2_000_000, 800_000, 3_500_000];
    expect(await frequencyOf({ ...limits(0, pinned), ...limits(1, pinned) })).toMatchObject({
      status: 'ok',
      value: '2000–2000 MHz (hardware 800–3500 MHz)',
    });
  });

  it('judges frequency limits: a cap is expected with turbo off, and nothing read is unknown', () => {
    const capped = {
      scalingMin: 800_000,
      scalingMax: 2_900_000,
      hardwareMin: 800_000,
      hardwareMax: 3_500_000,
    };
    const performance = new Set(['performance']);
    // intel_pstate lowers scaling_max_freq to the base clock when turbo is turned off.
    expect(frequencyCheck([capped], performance, false).status).toBe('ok');
    expect(frequencyCheck([capped], performance, true).status).toBe('warn');
    expect(frequencyCheck([capped], performance, undefined).status).toBe('warn');
    expect(frequencyCheck([], performance, true)).toMatchObject({
      status: 'unknown',
      value: 'no cpufreq',
    });
  });

  it('names the busiest other processes over the interval, never perfgate, its parents or its children', async () => {
    // perfgate is 200, started by bash (100) under init (1); 201 is a trial it started. Between
    // the two readings 200 ms pass (20 ticks of one CPU).
    const comm = 'a) \x1b[2J *b*';
    const first = {
      '100/stat': stat(100, 'bash', 1, 9000),
      '200/stat': stat(200, 'node', 100, 3000),
      '201/stat': stat(201, 'sh', 200, 100),
      '300/stat': stat(300, 'python3', 1, 1000, 2),
      '301/stat': stat(301, comm, 1, 50),
      '302/stat': stat(302, 'sshd', 1, 7),
    };
    const sources = await fixture({}, first, { self: 200 });
    sources.processInterval = passes(sources.proc, {
      // The family keeps a CPU busy and is not counted.
      '1/stat': stat(1, 'systemd', 0, 520),
      '100/stat': stat(100, 'bash', 1, 9020),
      '200/stat': stat(200, 'node', 100, 3020),
      '201/stat': stat(201, 'sh', 200, 120),
      // 16 + 2 ticks of 20: 90 % of one CPU.
      '300/stat': stat(300, 'python3', 1, 1016, 4),
      '301/stat': stat(301, comm, 1, 55),
      // Started in between: all its 4 ticks are new.
      '303/stat': stat(303, 'make', 1, 4),
    });
    const checks = await doctorChecks(sources);
    // systemd (init) is an ancestor too; sshd did not move.
    const processes = byName(checks)['runner.processes'];
    expect(processes).toMatchObject({
      status: 'warn',
      value: `python3 90 %, ${comm} 25 %, make 20 %`,
    });
    // The program's name is printed escaped: no escape sequence reaches the terminal.
    const text = renderDoctorText(checks);
    expect(text).toContain('a) \\x1b[2J *b* 25 %');
    expect(text).not.toContain('\x1b');

    // Under half a CPU: named, and ok.
    const calm = await fixture({}, first, { self: 200 });
    calm.processInterval = passes(calm.proc, { '300/stat': stat(300, 'python3', 1, 1004, 2) });
    expect(byName(await doctorChecks(calm))['runner.processes']).toMatchObject({
      status: 'ok',
      value: 'python3 20 %',
    });
  });

  it('watches what can change mid-run: a neighbour over the interval since the last sample, a foreign GPU process', async () => {
    const quietGpu = '0, Enabled, 1980, 1980, 0x0000000000000000, Default, 0, Disabled';
    const smi = await nvidiaSmi(quietGpu, []);
    const sources = await fixture(
      { 'devices/system/cpu/intel_pstate/no_turbo': '0\n' },
      { '200/stat': stat(200, 'node', 1, 3000), '201/stat': stat(201, 'python3', 200, 0) },
      { self: 200, nvidiaSmi: smi },
    );
    const at = async (seconds: number, files: Record<string, string>, apps: string[]) => {
      await passes(sources.proc, { uptime: uptime(seconds), ...files })();
      await writeFile(appsOf(smi), apps.map((a) => `${a}\n`).join(''));
    };
    const watch = await watchRunner(sources);
    // A neighbour used 40 of the 50 ticks of half a second, and took the GPU; turbo, on all
    // along, is not a mid-run condition.
    const gpuApp = (pid: number) => `GPU-5f3c9e1a-2b7d-4c8e-9f01-23456789abcd, ${pid}, python3`;
    await at(31311.68, { '300/stat': stat(300, 'make', 1, 40) }, [gpuApp(4242)]);
    expect(await watch.sample()).toEqual([
      { name: 'runner.processes', status: 'warn', value: 'make 80 %' },
      { name: 'gpu.processes', status: 'fail', value: 'python3' },
    ]);
    // 50 ms later: too short to judge a share by. On the GPU only perfgate's own child (201).
    await at(31311.73, { '300/stat': stat(300, 'make', 1, 45) }, [gpuApp(201)]);
    expect(await watch.sample()).toEqual([]);
    // An nvidia-smi that does not answer (no GPU) is asked once: later samples read /proc alone.
    const silent = join(await fileTree({}), 'nvidia-smi');
    await writeFile(silent, `#!/usr/bin/env bash\necho "$1" >> '${silent}.log'\nexit 9\n`, {
      mode: 0o755,
    });
    const bare = await watchRunner(await fixture({}, {}, { nvidiaSmi: silent }));
    expect([await bare.sample(), await bare.sample()]).toEqual([[], []]);
    expect((await readFile(`${silent}.log`, 'utf8')).trim().split('\n')).toHaveLength(1);
  });

  it("finds a busy process it started in this machine's /proc, and leaves out its own children", async () => {
    // A real busy loop, bounded by timeout(1) should this test die before its finally.
    const busy = spawn('timeout', ['20', 'sh', '-c', 'while :; do :; done'], { stdio: 'ignore' });
    const stranger = spawn('sleep', ['20'], { stdio: 'ignore' });
    try {
      const loop = async () => {
        // timeout's child: the sh that loops.
        const snapshot = await readProcessSnapshot('/proc');
        return [...(snapshot?.processes.values() ?? [])].find((p) => p.ppid === busy.pid)?.pid;
      };
      let pid = await loop();
      for (let tries = 0; pid === undefined && tries < 50; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        pid = await loop();
      }
      const before = await readProcessSnapshot('/proc');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const after = await readProcessSnapshot('/proc');
      if (!before || !after || pid === undefined) throw new Error('cannot read /proc');
      // Seen from a process that is no kin of the loop (a sibling): it is another's work.
      const seen = busiestProcesses(before, after, 100, stranger.pid as number);
      const loopShare = seen?.find((p) => p.pid === pid);
      expect(loopShare?.comm).toBe('sh');
      // Two CPUs here, shared with whatever else runs: in the quick suite three test files and
      // their children run beside it (a third of a CPU once measured 0.33), so the loop's share
      // is held to a tenth of a CPU, which an idle process (0) does not reach.
      expect(loopShare?.share).toBeGreaterThan(0.1);
      // This test's process (an ancestor of the sibling) is family, not a neighbour.
      expect(seen?.some((p) => p.pid === process.pid)).toBe(false);
      // Seen from this test's process, the loop is its own child's work.
      const own = busiestProcesses(before, after, 100, process.pid);
      expect(own?.some((p) => p.pid === pid || p.pid === busy.pid)).toBe(false);
    } finally {
      busy.kill();
      stranger.kill();
    }
  });

  it('says unknown for what it cannot read, never fails on it', async () => {
    const checks = await doctorChecks({
      sys: await fileTree({}),
      proc: await fileTree({}),
      nvidiaSmi: await nvidiaSmi(
        '0, [N/A], [N/A], [N/A], [Not Supported], [N/A], [N/A], [N/A]',
        [],
      ),
      env: { PATH: process.env.PATH },
      workDir: join(tmpdir(), 'no-such-folder-here'),
      // A file where the folder of runs should be: unreadable as a folder.
      runLocks: join(await fileTree({ runs: 'not a folder\n' }), 'runs'),
      processInterval: async () => {},
    });
    const unknown = checks.filter((c) => c.status === 'unknown').map((c) => c.name);
    // Everything but the process list, which the stand-in answers (empty), and MIG, whose [N/A]
    // means a GPU without it.
    expect(unknown).toEqual(
      CHECKS.filter((name) => name !== 'gpu.processes' && name !== 'gpu0.mig'),
    );
  });

  it('names another perfgate run measuring on this machine, and ignores one that is gone', async () => {
    // Real processes this test starts: one alive while the check runs, one already exited.
    const alive = spawn('sleep', ['30'], { stdio: 'ignore' });
    const gone = spawn('true', [], { stdio: 'ignore' });
    await new Promise((resolve) => gone.on('exit', resolve));
    try {
      const locks = await fileTree({ [`${alive.pid}.lock`]: 'x\n', [`${gone.pid}.lock`]: 'x\n' });
      const sources = await fixture({}, {}, { runLocks: locks });
      const expected = { status: 'fail', value: `1 other run measuring (pid ${alive.pid})` };
      // The exited run's file is there, and ignored.
      expect(byName(await doctorChecks(sources))['runner.perfgate']).toMatchObject(expected);
      const release = await holdRunLock(locks);
      // Holding a lock cleared the exited run's file; this process's own is not another run.
      expect(existsSync(join(locks, `${gone.pid}.lock`))).toBe(false);
      expect(byName(await doctorChecks(sources))['runner.perfgate']).toMatchObject(expected);
      await release();
      expect(existsSync(join(locks, `${process.pid}.lock`))).toBe(false);
    } finally {
      alive.kill();
    }
  });

  it('prints JSON, and exits 1 with --strict when a check failed', async () => {
    const bin = dirname(
      await nvidiaSmi('0, Enabled, 1980, 1980, 0x0000000000000040, Default, 0, [N/A]', []),
    );
    const args = ['doctor', '--sys', await fileTree(quietSys), '--proc', await fileTree(quietProc)];
    const env = { PATH: `${bin}:${process.env.PATH}` };
    const json = await runCli([...args, '--format', 'json'], tmpdir(), env);
    expect(json.code).toBe(0);
    const { checks } = JSON.parse(json.stdout) as { checks: Check[] };
    expect(byName(checks)['gpu0.throttle']).toMatchObject({
      status: 'fail',
      value: 'HW thermal slowdown',
    });
    expect((await runCli([...args, '--strict'], tmpdir(), env)).code).toBe(1);
  });

  it("reads this machine's /sys and /proc, and says what it could not read", async () => {
    const run = await runCli(['doctor'], process.cwd(), { PATH: '/usr/bin:/bin' });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^runner\.load +(ok|WARN|FAIL) +[\d.]+ over \d+ CPUs/m);
    // The real /proc and /proc/uptime: the other processes are read ("none" where none is busy).
    expect(run.stdout).toMatch(/^runner\.processes +(ok|WARN) +(none|.+ \d+ %)/m);
    // No nvidia-smi on this PATH: the GPU checks are said to be missing, not guessed.
    expect(run.stdout).toMatch(/could not read: .*\bgpu\b/);
  });
});
