/**
 * `perfgate doctor`: the known causes of noise on a runner, each read from where Linux and
 * nvidia-smi report it, with a status, the value seen and one line of advice (pyperf's `system
 * show` for CPUs; nvbench's and PyTorch's checks for GPUs). The sysfs and procfs roots and the
 * nvidia-smi executable are arguments, so tests read fixture trees in the real files' formats. A
 * value that cannot be read is `unknown`, never an error.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, statfs } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { RunnerWarning } from '../results/schema.js';
import { plural } from '../text.js';
import {
  busiestProcesses,
  ownFamily,
  readProcessSnapshot,
  type BusyProcess,
  type ProcessSnapshot,
} from './busiest.js';
import { readSysconf } from './procfs.js';
import { otherRuns } from './runLock.js';

const exec = promisify(execFile);

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'unknown';

export interface Check {
  name: string;
  status: CheckStatus;
  value: string;
  advice: string;
}

export interface DoctorSources {
  /** The sysfs root: /sys. */
  sys: string;
  /** The procfs root: /proc. */
  proc: string;
  /** The nvidia-smi to ask; not found means no GPU checks. */
  nvidiaSmi: string;
  env: NodeJS.ProcessEnv;
  /** Where the runner writes (free disk): the working folder. */
  workDir: string;
  /** The folder where measuring runs leave their files (runLock.ts); default RUN_LOCKS. */
  runLocks?: string;
  /**
   * What happens between the two readings of the processes' CPU time: PROCESS_INTERVAL_MS pass.
   * A test rewrites its fixture's stat files and /proc/uptime instead, as the kernel would.
   */
  processInterval?: () => Promise<void>;
  /** Clock ticks per second of /proc's CPU times; default `getconf CLK_TCK`. */
  clockTicks?: number;
  /** The process whose family is not "other" processes (busiest.ts); default this one. */
  self?: number;
}

/** This machine's sources; the roots can be moved (`perfgate doctor --sys --proc`, tests). */
export function hostSources(
  env: NodeJS.ProcessEnv,
  workDir: string,
  roots: { sys?: string; proc?: string } = {},
): DoctorSources {
  return {
    sys: roots.sys ?? '/sys',
    proc: roots.proc ?? '/proc',
    nvidiaSmi: 'nvidia-smi',
    env,
    workDir,
  };
}

const read = (file: string) =>
  readFile(file, 'utf8').then(
    (text) => text.trim(),
    () => undefined,
  );

const check = (name: string, status: CheckStatus, value: string, advice: string): Check => ({
  name,
  status,
  value,
  advice,
});

const CPU_DIR = 'devices/system/cpu';

/** cpufreq files of every CPU (cpu0, cpu1, …): one row per CPU, in CPU order; none in a VM. */
async function cpufreq(sys: string, files: readonly string[]): Promise<(string | undefined)[][]> {
  const cpus = (await readdir(path.join(sys, CPU_DIR)).catch(() => [])).filter((c) =>
    /^cpu\d+$/.test(c),
  );
  cpus.sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
  return Promise.all(
    cpus.map((cpu) =>
      Promise.all(files.map((file) => read(path.join(sys, CPU_DIR, cpu, 'cpufreq', file)))),
    ),
  );
}

/** The governors the CPUs run, each once. */
async function governors(sys: string): Promise<Set<string>> {
  const rows = await cpufreq(sys, ['scaling_governor']);
  return new Set(rows.flatMap(([governor]) => (governor ? [governor] : [])));
}

async function governor(sys: string): Promise<Check> {
  const values = await governors(sys);
  if (values.size === 0) {
    return check(
      'cpu.governor',
      'unknown',
      'no cpufreq',
      'a VM or a fixed-frequency CPU: nothing to set',
    );
  }
  const shown = [...values].join(', ');
  return values.size === 1 && values.has('performance')
    ? check('cpu.governor', 'ok', shown, 'every CPU runs at its performance governor')
    : check(
        'cpu.governor',
        'warn',
        shown,
        'the clock follows the load: set the performance governor (cpupower frequency-set -g performance)',
      );
}

/** Whether turbo is on: intel_pstate's no_turbo, else cpufreq's boost; undefined where neither. */
async function turboOn(sys: string): Promise<boolean | undefined> {
  const noTurbo = await read(path.join(sys, CPU_DIR, 'intel_pstate/no_turbo'));
  const boost = await read(path.join(sys, CPU_DIR, 'cpufreq/boost'));
  return noTurbo !== undefined ? noTurbo === '0' : boost !== undefined ? boost === '1' : undefined;
}

async function turbo(sys: string): Promise<Check> {
  const on = await turboOn(sys);
  if (on === undefined)
    return check(
      'cpu.turbo',
      'unknown',
      'not exposed',
      'no intel_pstate or cpufreq boost switch to read',
    );
  return on
    ? check(
        'cpu.turbo',
        'warn',
        'on',
        'turbo clocks depend on temperature and the other cores: turn it off for stable numbers',
      )
    : check('cpu.turbo', 'ok', 'off', 'clocks do not depend on temperature and load');
}

/** One CPU's frequency limits in kHz, as cpufreq writes them: what it may use, what it can. */
export interface FrequencyLimits {
  scalingMin: number;
  scalingMax: number;
  hardwareMin: number;
  hardwareMax: number;
}

const FREQUENCY_FILES = [
  'scaling_min_freq',
  'scaling_max_freq',
  'cpuinfo_min_freq',
  'cpuinfo_max_freq',
] as const;

const mhz = (khz: number) => Math.round(khz / 1000);

/** "800–3500 MHz (hardware 800–3500 MHz)"; the CPUs' distinct limits, joined. */
function limitsText(limits: readonly FrequencyLimits[]): string {
  const texts = limits.map(
    (l) =>
      `${mhz(l.scalingMin)}–${mhz(l.scalingMax)} MHz (hardware ${mhz(l.hardwareMin)}–${mhz(l.hardwareMax)} MHz)`,
  );
  return [...new Set(texts)].join(', ');
}

/**
 * The frequency range each CPU may use (pyperf's `system show` says when min and max differ, and
 * when max is below the hardware's): pinned (min = max) is the steady clock benchmarks want; a
 * range is fine under the performance governor, which stays at its top, and moves with the load
 * under any other; a cap below the hardware maximum is expected with turbo off (intel_pstate
 * lowers scaling_max_freq to the base clock) and otherwise set by something, often a thermal or
 * power daemon that moves it while runs measure. Pure: the values read, in.
 */
export function frequencyCheck(
  limits: readonly FrequencyLimits[],
  governors: ReadonlySet<string>,
  turbo: boolean | undefined,
): Check {
  const name = 'cpu.frequency';
  if (limits.length === 0) {
    return check(name, 'unknown', 'no cpufreq', 'a VM or a fixed-frequency CPU: nothing to pin');
  }
  const value = limitsText(limits);
  if (limits.every((l) => l.scalingMin === l.scalingMax)) {
    return check(name, 'ok', value, 'the clock is pinned: it cannot move between trials');
  }
  if (turbo !== false && limits.some((l) => l.scalingMax < l.hardwareMax)) {
    return check(
      name,
      'warn',
      value,
      'capped below the hardware maximum, by a power or thermal setting that may move it between runs: ' +
        'raise it (cpupower frequency-set -u) or pin min = max',
    );
  }
  return governors.size === 1 && governors.has('performance')
    ? check(
        name,
        'ok',
        value,
        'the performance governor holds the top of the range; min = max pins it',
      )
    : check(
        name,
        'warn',
        value,
        'the clock can move within this range with the load: pin it (cpupower frequency-set -d and -u to one frequency)',
      );
}

async function frequency(sys: string): Promise<Check> {
  const [rows, running, on] = await Promise.all([
    cpufreq(sys, FREQUENCY_FILES),
    governors(sys),
    turboOn(sys),
  ]);
  // A CPU counts where all four files hold an integer; a half-exposed one is left out.
  const limits = rows.flatMap((row): FrequencyLimits[] => {
    const [scalingMin = NaN, scalingMax = NaN, hardwareMin = NaN, hardwareMax = NaN] =
      row.map(Number);
    const cpu = { scalingMin, scalingMax, hardwareMin, hardwareMax };
    return Object.values(cpu).every(Number.isInteger) ? [cpu] : [];
  });
  return frequencyCheck(limits, running, on);
}

async function smt(sys: string): Promise<Check> {
  const active = await read(path.join(sys, 'devices/system/cpu/smt/active'));
  if (active === undefined)
    return check('cpu.smt', 'unknown', 'not exposed', 'no SMT switch to read');
  return active === '1'
    ? check(
        'cpu.smt',
        'warn',
        'on',
        'sibling threads share a core: a neighbour on the sibling slows a trial down',
      )
    : check('cpu.smt', 'ok', 'off', 'one thread per core');
}

async function isolated(sys: string): Promise<Check> {
  const value = await read(path.join(sys, 'devices/system/cpu/isolated'));
  if (value === undefined)
    return check('cpu.isolated', 'unknown', 'not exposed', 'cannot tell which CPUs are isolated');
  return value === ''
    ? check(
        'cpu.isolated',
        'ok',
        'none',
        'no CPU is kept for benchmarks (isolcpus= would keep the kernel and other jobs off some)',
      )
    : check(
        'cpu.isolated',
        'ok',
        value,
        'these CPUs are kept from the scheduler: pin the benchmark to them',
      );
}

async function load(proc: string): Promise<Check> {
  const loadavg = await read(path.join(proc, 'loadavg'));
  const cpuinfo = await read(path.join(proc, 'cpuinfo'));
  const one = loadavg === undefined ? NaN : Number(loadavg.split(/\s+/)[0]);
  const cpus = cpuinfo?.split('\n').filter((l) => /^processor\s*:/.test(l)).length ?? 0;
  if (!Number.isFinite(one) || cpus === 0)
    return check('runner.load', 'unknown', 'unreadable', 'cannot read the load average');
  const value = `${one} over ${cpus} CPUs (1 min)`;
  if (one > cpus)
    return check(
      'runner.load',
      'fail',
      value,
      'the machine is busy before perfgate starts: another job shares it',
    );
  return one > cpus / 2
    ? check('runner.load', 'warn', value, 'other work is running: its noise lands in the trials')
    : check('runner.load', 'ok', value, 'the machine is quiet');
}

async function memory(proc: string): Promise<Check[]> {
  const meminfo = await read(path.join(proc, 'meminfo'));
  const kib = (key: string) => {
    const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(meminfo ?? '');
    return match ? Number(match[1]) : undefined;
  };
  const [total, available, swapTotal, swapFree] = [
    'MemTotal',
    'MemAvailable',
    'SwapTotal',
    'SwapFree',
  ].map(kib);
  const checks: Check[] = [];
  if (total === undefined || available === undefined) {
    checks.push(check('runner.memory', 'unknown', 'unreadable', 'cannot read /proc/meminfo'));
  } else {
    const value = `${Math.round(available / 1024)} MiB available of ${Math.round(total / 1024)} MiB`;
    checks.push(
      available < total / 10
        ? check(
            'runner.memory',
            'warn',
            value,
            'little memory left: the page cache and the allocator will behave differently',
          )
        : check('runner.memory', 'ok', value, 'memory to spare'),
    );
  }
  if (swapTotal === undefined || swapFree === undefined) {
    checks.push(check('runner.swap', 'unknown', 'unreadable', 'cannot read /proc/meminfo'));
  } else {
    const used = Math.round((swapTotal - swapFree) / 1024);
    checks.push(
      used > 0
        ? check(
            'runner.swap',
            'warn',
            `${used} MiB in use`,
            'pages were swapped out: a trial that touches them waits for the disk',
          )
        : check('runner.swap', 'ok', 'none in use', 'nothing is swapped out'),
    );
  }
  return checks;
}

async function disk(dir: string): Promise<Check> {
  const stats = await statfs(dir).catch(() => undefined);
  if (!stats)
    return check('runner.disk', 'unknown', 'unreadable', `cannot read the file system of ${dir}`);
  const free = (stats.bavail * stats.bsize) / 1024 ** 3;
  const value = `${free.toFixed(1)} GiB free`;
  return free < 1
    ? check(
        'runner.disk',
        'warn',
        value,
        'less than 1 GiB free: worktrees, logs and results need room',
      )
    : check('runner.disk', 'ok', value, 'room for worktrees, logs and results');
}

async function concurrentRuns(folder: string | undefined): Promise<Check> {
  const pids = await otherRuns(folder);
  if (pids === undefined) {
    return check(
      'runner.perfgate',
      'unknown',
      'unreadable',
      'cannot see which perfgate runs are measuring',
    );
  }
  return pids.length > 0
    ? check(
        'runner.perfgate',
        'fail',
        `${plural(pids.length, 'other run')} measuring (pid ${pids.join(', ')})`,
        "another perfgate run measures on this machine now: each is the other's noise; give each job a runner of its own",
      )
    : check('runner.perfgate', 'ok', 'none', 'no other perfgate run measures on this machine');
}

/** nvidia-smi's CSV values; `[N/A]` and `[Not Supported]` are read as unknown. */
const known = (value: string | undefined) =>
  value === undefined || /^\[.*\]$/.test(value) ? undefined : value;

const GPU_FIELDS = [
  'index',
  'persistence_mode',
  'clocks.sm',
  'clocks.applications.graphics',
  'clocks_throttle_reasons.active',
  'compute_mode',
  'ecc.errors.uncorrected.volatile.total',
  'mig.mode.current',
] as const;

/** Throttle reasons nvbench and DCGM treat as noise (nvml's clocksThrottleReasons bits). */
const THROTTLES: [number, string][] = [
  [0x4, 'SW power cap'],
  [0x8, 'HW slowdown'],
  [0x20, 'SW thermal slowdown'],
  [0x40, 'HW thermal slowdown'],
  [0x80, 'HW power brake'],
];

/**
 * The GPU checks. `own`: perfgate's family (busiest.ts ownFamily), whose processes on the GPU (a
 * service, a trial, mid-run) are the run's own work, not another's.
 */
async function gpus(sources: DoctorSources, own: ReadonlySet<number>): Promise<Check[]> {
  const run = (args: string[]) =>
    exec(sources.nvidiaSmi, args, { env: sources.env, timeout: 10_000 }).then(
      ({ stdout }) => stdout,
    );
  let stdout: string;
  try {
    stdout = await run([`--query-gpu=${GPU_FIELDS.join(',')}`, '--format=csv,noheader,nounits']);
  } catch {
    return [
      check(
        'gpu',
        'unknown',
        'no nvidia-smi answer',
        'no NVIDIA GPU here, or its driver does not answer: no GPU checks',
      ),
    ];
  }
  const checks: Check[] = [];
  for (const line of stdout.split('\n').filter((l) => l.trim())) {
    const fields = line.split(',').map((f) => known(f.trim()));
    const [index, persistence, sm, app, throttle, computeMode, ecc, mig] = fields;
    const gpu = `gpu${index ?? '?'}`;
    checks.push(
      persistence === undefined
        ? check(
            `${gpu}.persistence`,
            'unknown',
            'not reported',
            'cannot tell whether the driver stays loaded',
          )
        : persistence === 'Enabled'
          ? check(`${gpu}.persistence`, 'ok', 'on', 'the driver stays loaded between jobs')
          : check(
              `${gpu}.persistence`,
              'warn',
              'off',
              'the first trial pays for loading the driver: nvidia-smi -pm 1',
            ),
    );
    const [smMhz, appMhz] = [Number(sm), Number(app)];
    if (!Number.isFinite(smMhz) || !Number.isFinite(appMhz)) {
      checks.push(
        check(
          `${gpu}.clocks`,
          'unknown',
          `SM ${sm ?? 'not reported'}`,
          'cannot compare the SM clock with the application clock',
        ),
      );
    } else {
      checks.push(
        smMhz < appMhz * 0.9
          ? check(
              `${gpu}.clocks`,
              'warn',
              `SM ${smMhz} MHz, set ${appMhz} MHz`,
              'the SM clock does not hold the clock set for it: a power or thermal limit, or an idle GPU',
            )
          : check(
              `${gpu}.clocks`,
              'ok',
              `SM ${smMhz} MHz, set ${appMhz} MHz`,
              'the SM clock holds',
            ),
      );
    }
    const bits = throttle === undefined ? NaN : Number.parseInt(throttle, 16);
    const active = Number.isFinite(bits) ? THROTTLES.filter(([bit]) => (bits & bit) !== 0) : [];
    checks.push(
      !Number.isFinite(bits)
        ? check(`${gpu}.throttle`, 'unknown', 'not reported', 'cannot read the throttle reasons')
        : active.length > 0
          ? check(
              `${gpu}.throttle`,
              'fail',
              active.map(([, why]) => why).join(', '),
              'the GPU is being slowed down now: numbers measured like this are not comparable',
            )
          : check(`${gpu}.throttle`, 'ok', 'none', 'nothing slows the GPU down'),
    );
    checks.push(computeModeCheck(gpu, computeMode), eccCheck(gpu, ecc), migCheck(gpu, mig));
  }
  const apps = await run([
    '--query-compute-apps=gpu_uuid,pid,process_name',
    '--format=csv,noheader',
  ]).catch(() => undefined);
  // `GPU-…, 4242, python3`: the pid is nvidia-smi's, the host's where a container hides it.
  const foreign =
    apps?.split('\n').filter((l) => l.trim() && !own.has(Number(l.split(',')[1]))) ?? [];
  checks.push(
    apps === undefined
      ? check('gpu.processes', 'unknown', 'not reported', 'cannot list the processes on the GPUs')
      : foreign.length > 0
        ? check(
            'gpu.processes',
            'fail',
            foreign.map((l) => l.split(',')[2]?.trim() ?? '?').join(', '),
            'another process computes on the GPU: stop it, or its work lands in the trials',
          )
        : check('gpu.processes', 'ok', 'none', 'no other process computes on the GPUs'),
  );
  return checks;
}

function computeModeCheck(gpu: string, mode: string | undefined): Check {
  if (mode === undefined) {
    return check(`${gpu}.compute_mode`, 'unknown', 'not reported', 'cannot read the compute mode');
  }
  if (mode === 'Prohibited') {
    return check(
      `${gpu}.compute_mode`,
      'fail',
      mode,
      'no process may compute on this GPU: nvidia-smi -c 0',
    );
  }
  return mode === 'Exclusive_Process'
    ? check(`${gpu}.compute_mode`, 'ok', mode, 'one process at a time: no neighbour can join a run')
    : check(
        `${gpu}.compute_mode`,
        'ok',
        mode,
        'other processes may share the GPU; Exclusive_Process (nvidia-smi -c 3) keeps them off',
      );
}

function eccCheck(gpu: string, errors: string | undefined): Check {
  const count = Number(errors);
  if (errors === undefined || !Number.isFinite(count)) {
    return check(`${gpu}.ecc`, 'unknown', 'not reported', 'no ECC, or its counters cannot be read');
  }
  return count > 0
    ? check(
        `${gpu}.ecc`,
        'fail',
        `${count} uncorrected since the driver loaded`,
        'uncorrected memory errors: the GPU may be failing and its numbers with it; drain it and reset it',
      )
    : check(
        `${gpu}.ecc`,
        'ok',
        'no uncorrected errors',
        'no uncorrected memory errors since the driver loaded',
      );
}

function migCheck(gpu: string, mode: string | undefined): Check {
  if (mode === 'Enabled') {
    return check(
      `${gpu}.mig`,
      'warn',
      'on',
      'the GPU is sliced: a run measures its slice, and other slices share the memory bandwidth; compare like with like',
    );
  }
  // [N/A]: a GPU without MIG, which is as good as off.
  return check(
    `${gpu}.mig`,
    'ok',
    mode === 'Disabled' ? 'off' : 'not supported',
    'the whole GPU is one device',
  );
}

/** How long the doctor watches the processes' CPU time: long enough for 20 ticks of one CPU. */
const PROCESS_INTERVAL_MS = 200;

/**
 * A neighbour using more than half of one CPU over the interval is a job (a build, a training
 * run, another benchmark), not a daemon's housekeeping: a wake-up shows as a tick or two (at 100
 * ticks a second, 5 % each over 200 ms), a job holds a CPU. On a two-CPU runner half a CPU is a
 * quarter of the machine, taken from the trials at random moments.
 */
export const BUSY_SHARE = 0.5;

/** Shares under half a percent round to 0 %: not worth a name. */
const NOTICEABLE_SHARE = 0.005;

/** The busiest other processes (busiest first), or undefined where they could not be read. */
export function processesCheck(busy: readonly BusyProcess[] | undefined): Check {
  const name = 'runner.processes';
  if (busy === undefined) {
    return check(name, 'unknown', 'unreadable', "cannot read the processes' CPU time in /proc");
  }
  const top = busy.filter((p) => p.share >= NOTICEABLE_SHARE).slice(0, 3);
  // comm is any program's choice of name: the renderers escape it with every other value.
  const value = top.map((p) => `${p.comm} ${Math.round(p.share * 100)} %`).join(', ') || 'none';
  return (top[0]?.share ?? 0) > BUSY_SHARE
    ? check(
        name,
        'warn',
        value,
        'another process keeps a CPU busy: its work shares the CPUs with the trials; stop it, or give this job a runner of its own',
      )
    : check(name, 'ok', value, 'no other process uses more than half a CPU');
}

const clockTicksOf = async (sources: DoctorSources) =>
  sources.clockTicks ??
  (await readSysconf().then(
    (s) => s.clockTicks,
    () => undefined,
  ));

const busiestSince = (
  before: ProcessSnapshot | undefined,
  after: ProcessSnapshot | undefined,
  clockTicks: number | undefined,
  self: number,
) =>
  before && after && clockTicks ? busiestProcesses(before, after, clockTicks, self) : undefined;

/** The CPU each process used from `before` until PROCESS_INTERVAL_MS later. */
async function busyAfterInterval(
  sources: DoctorSources,
  before: ProcessSnapshot | undefined,
  self: number,
): Promise<BusyProcess[] | undefined> {
  const clockTicks = clockTicksOf(sources);
  await (sources.processInterval ?? (() => sleep(PROCESS_INTERVAL_MS)))();
  return busiestSince(before, await readProcessSnapshot(sources.proc), await clockTicks, self);
}

const familyOf = (snapshot: ProcessSnapshot | undefined, self: number) =>
  snapshot ? ownFamily(snapshot.processes, self) : new Set([self]);

/** Every check, in a stable order: CPU, runner, GPU. */
export async function doctorChecks(
  sources: DoctorSources,
  since?: ProcessSnapshot,
): Promise<Check[]> {
  const self = sources.self ?? process.pid;
  const before = since ?? (await readProcessSnapshot(sources.proc));
  // The other checks run while the processes' CPU time is sampled: the doctor waits once. Their
  // own children (nvidia-smi, getconf) are perfgate's family, left out of the sample. Given a
  // reading from earlier (a run's start), the processes are judged over the time since: no wait.
  const [busy, cpu, runner, gpu] = await Promise.all([
    since
      ? clockTicksOf(sources).then(async (ticks) =>
          busiestSince(since, await readProcessSnapshot(sources.proc), ticks, self),
        )
      : busyAfterInterval(sources, before, self),
    Promise.all([
      governor(sources.sys),
      turbo(sources.sys),
      frequency(sources.sys),
      smt(sources.sys),
      isolated(sources.sys),
    ]),
    Promise.all([
      load(sources.proc),
      memory(sources.proc),
      disk(sources.workDir),
      concurrentRuns(sources.runLocks),
    ]),
    gpus(sources, familyOf(before, self)),
  ]);
  return [...cpu, ...runner.flat(), processesCheck(busy), ...gpu];
}

const notOk = (checks: readonly Check[]): RunnerWarning[] =>
  checks.flatMap(({ name, status, value }) =>
    status === 'warn' || status === 'fail' ? [{ name, status, value }] : [],
  );

/**
 * The checks a report should name: those that warn or fail (an unreadable value is no news). The
 * runner's own sysfs, procfs and nvidia-smi, read where the run happens; the other processes over
 * the time since `since` (a reading of /proc from the run's start) where it is given.
 */
export async function runnerWarnings(
  env: NodeJS.ProcessEnv,
  workDir: string,
  since?: ProcessSnapshot,
): Promise<RunnerWarning[]> {
  return notOk(await doctorChecks(hostSources(env, workDir), since).catch(() => []));
}

/** A reading of this machine's processes, for runnerWarnings' `since`. */
export const processSnapshot = () => readProcessSnapshot('/proc');

/**
 * The checks that can change while a run measures and are not the run's own doing: another
 * process busy on the CPUs or computing on a GPU, a GPU clock that does not hold or is throttled.
 * The load, memory, swap and disk are left out: during a run they are mostly its own.
 */
const CHANGES_MID_RUN = /^(runner\.processes|gpu\.processes|gpu\d+\.(clocks|throttle))$/;

/**
 * Between two readings less than this apart the processes' CPU time is not judged: at 100 ticks
 * a second one tick is 5 % of 200 ms and more of less, too coarse to tell a job from a wake-up.
 */
const MIN_WATCH_SECONDS = PROCESS_INTERVAL_MS / 1000;

export interface RunnerWatch {
  /** The mid-run conditions not ok since the previous sample (or since the watch began). */
  sample(): Promise<RunnerWarning[]>;
}

/**
 * The runner's conditions, read again and again within one run (runner.ts: after each side's
 * trial round). A sample reads /proc once (the processes' CPU time since the previous sample:
 * no waiting) and, where nvidia-smi answered, asks it twice (about 50 to 100 ms on a real GPU,
 * small beside a GPU benchmark's trial); where it did not answer it is not asked again, so a
 * machine without GPUs pays one /proc scan (about 10 ms) per sample.
 */
export async function watchRunner(sources: DoctorSources): Promise<RunnerWatch> {
  const self = sources.self ?? process.pid;
  const clockTicks = await clockTicksOf(sources);
  let last = await readProcessSnapshot(sources.proc);
  let gpuAnswers = true;
  return {
    async sample() {
      const now = await readProcessSnapshot(sources.proc);
      const long = last && now && now.uptime - last.uptime >= MIN_WATCH_SECONDS;
      const busy = long ? busiestSince(last, now, clockTicks, self) : undefined;
      last = now;
      const gpu = gpuAnswers ? await gpus(sources, familyOf(now, self)) : [];
      gpuAnswers = !gpu.some((c) => c.name === 'gpu');
      return notOk([processesCheck(busy), ...gpu].filter((c) => CHANGES_MID_RUN.test(c.name)));
    },
  };
}
