// `perfgate check --against REV`: the same-runner A/B through the CLI, in real git repositories.
// The suite is a command (bench.mjs) whose value is its revision's `factor` (speed.json) times a
// "machine speed" shared by every trial of one check, as a runner's state is, times 1 % trial
// noise (or speed.json's `spread`, with its own `draws` where a test must not depend on chance). Between checks the machine speed moves by several percent: a baseline of stored runs
// sees that as a change, the interleaved one does not.
import { existsSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/stats/random.js';
import { runCli } from '../helpers/cli.js';
import { commit, git, newRepo, worktrees, writeFiles } from '../helpers/gitRepo.js';
import { ROOT } from '../helpers/readme.js';
import { eventually, isRunning, readPid } from '../fixtures/services/processes.js';

let machineFile: string;
let repo: string;
let base: string;

const bench = (machine: string) => `
import { readFileSync } from 'node:fs';
const { factor, spread = 0.01, draws } = JSON.parse(readFileSync('speed.json', 'utf8'));
const machine = Number(readFileSync(${JSON.stringify(machine)}, 'utf8'));
// Normal trial-to-trial noise, 1 % unless speed.json says otherwise: its own draws, one per trial
// (PERFGATE_TRIAL counts from 1), or Box-Muller.
const trial = Number(process.env.PERFGATE_TRIAL ?? 1);
const noise = draws
  ? draws[(trial - 1) % draws.length]
  : Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
console.log(JSON.stringify({ work: { latency: { value: 10 * factor * machine * (1 + spread * noise) } } }));
`;

const CONFIG = `version: 1
trials: 6
warmupSeconds: 0
suites:
  - name: work
    kind: command
    command: node bench.mjs
`;

async function setMachineSpeed(speed: number): Promise<void> {
  await writeFile(machineFile, String(speed));
}

const check = (...args: string[]) =>
  runCli(['check', '--config', join(repo, 'perfgate.yml'), '--seed', '7', ...args], repo);

beforeAll(async () => {
  machineFile = join(await mkdtemp(join(tmpdir(), 'perfgate-machine-')), 'speed');
  await setMachineSpeed(1);
  repo = await newRepo({
    'perfgate.yml': CONFIG,
    'bench.mjs': bench(machineFile),
    'speed.json': '{"factor": 1}',
    'README.md': 'base\n',
  });
  base = git(repo, 'rev-parse', 'HEAD');
});

describe('perfgate check --against (interleaved)', () => {
  it('passes an A/A head on a machine faster than before, and flags a planted +10 %', async () => {
    git(repo, 'checkout', '--quiet', '-b', 'aa');
    await commit(repo, 'docs only', { 'README.md': 'head\n' });
    await setMachineSpeed(0.94);
    const same = await check('--against', base);
    expect(same.stderr).not.toMatch(/error/i);
    expect(same.stdout).toMatch(/measured beside the head in this run/);
    expect(same.stdout).toMatch(
      /note: interleaved: base [0-9a-f]{7} and head .*6 trials each \(seed 7\)/,
    );
    expect(same.stdout).toMatch(/work latency .* ~/);
    expect(same.code).toBe(0);

    git(repo, 'checkout', '--quiet', '-b', 'slower', base);
    await commit(repo, 'plant a 10 % slowdown', { 'speed.json': '{"factor": 1.1}' });
    await setMachineSpeed(1.05);
    const slower = await check('--against', base);
    expect(slower.stdout).toMatch(/work latency .* REGRESSION/);
    expect(slower.code).toBe(1);
    expect(worktrees(repo)).toHaveLength(1);
  }, 60_000);

  it('prints the PR comment the action would post (--format markdown) or JSON, and keeps both sides with --out', async () => {
    git(repo, 'checkout', '--quiet', '-b', 'formats', base);
    const head = await commit(repo, 'plant a 10 % slowdown', { 'speed.json': '{"factor": 1.1}' });
    const markdown = await check('--against', base, '--format', 'markdown');
    expect(markdown.code).toBe(1);
    const lines = markdown.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual(['<!-- perfgate:perfgate -->', '### perfgate', '']);
    expect(lines[3]).toMatch(/^🔴 \*\*Performance regression\*\*: 1 regressed/);
    expect(markdown.stdout).toContain(`Candidate: ${head.slice(0, 7)}`);
    expect(markdown.stdout).toMatch(/\| work latency .* \| 🔴 regression \|/);

    const json = await check('--against', base, '--format', 'json');
    expect(JSON.parse(json.stdout)).toMatchObject({
      verdict: 'regression',
      counts: { regression: 1 },
    });

    // --out keeps both sides' results, which perfgate compare reads as they are.
    const out = join(await mkdtemp(join(tmpdir(), 'perfgate-sides-')), 'sides.json');
    const written = await check('--against', base, '--out', out);
    expect(written.code).toBe(1);
    expect(written.stderr).toMatch(/results of both sides written to .*sides\.json/);
    const sides = JSON.parse(readFileSync(out, 'utf8'));
    expect(sides.base.suites[0].name).toBe('work');
    expect(sides.head.suites[0].metrics[0].samples.length).toBe(6);
    // A bad --format or an --out that cannot be written is refused before measuring.
    const bad = await check('--against', base, '--format', 'html');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--format/);
    const below = await check('--against', base, '--out', join(out, 'x.md'));
    expect(below.code).toBe(2);
    expect(below.stderr).toMatch(/--out: .*which is a file, not a folder/);
  }, 60_000);

  it('says so when the head side is a working tree with uncommitted changes', async () => {
    git(repo, 'checkout', '--quiet', base);
    await writeFiles(repo, { 'speed.json': '{"factor": 1.1}' });
    const dirty = await check('--against', 'main');
    expect(dirty.stdout).toMatch(
      /the head side is the working tree as it is, with 1 uncommitted change/,
    );
    expect(dirty.code).toBe(1);
    git(repo, 'checkout', '--quiet', '--', 'speed.json');
  }, 60_000);

  it('exits 2 naming a base revision that does not exist', async () => {
    const missing = await check('--against', 'no-such-branch');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--against: revision 'no-such-branch' does not exist/);
    expect(worktrees(repo)).toHaveLength(1);
  });

  it('exits 2 before measuring on an empty revision or a refspec (nothing fetched, no ref written)', async () => {
    const refs = git(repo, 'for-each-ref');
    for (const revision of ['', 'main:refs/heads/pwned', '+main:refs/tags/v1']) {
      const refused = await check('--against', revision);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/--against: not a revision/);
      expect(refused.stdout).not.toMatch(/trial/);
    }
    expect(git(repo, 'for-each-ref')).toBe(refs);
  });

  it('exits 2 before measuring on a setup path outside the repository, naming the field', async () => {
    git(repo, 'checkout', '--quiet', '-b', 'outside', base);
    await commit(repo, 'setup outside the tree', {
      'perfgate.yml': CONFIG.replace(
        'suites:',
        'setup:\n  - { command: "touch ran", creates: [../shared-cache] }\nsuites:',
      ),
    });
    const refused = await check('--against', base);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /perfgate\.yml: setup\[0\]\.creates: .*shared-cache lies outside the repository/,
    );
    expect(existsSync(join(repo, 'ran'))).toBe(false);
    expect(worktrees(repo)).toHaveLength(1);
  });

  it('kills a setup step that is still running when perfgate is interrupted (SIGINT), and its worktree', async () => {
    git(repo, 'checkout', '--quiet', '-b', 'slow-setup', base);
    await commit(repo, 'a setup step that takes ten minutes', {
      'perfgate.yml': CONFIG.replace(
        'suites:',
        // `$$$$`: String.replace reads `$$` as one `$`.
        'setup:\n  - { command: "echo $$$$ > setup.pid; exec sleep 600" }\nsuites:',
      ),
    });
    // A real process: signals reach a whole perfgate, not a function in this test's process.
    const perfgate = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli-entry.ts',
        'check',
        '--config',
        join(repo, 'perfgate.yml'),
        '--against',
        base,
      ],
      { cwd: ROOT, stdio: 'ignore' },
    );
    const exited = new Promise<number | null>((resolve) =>
      perfgate.on('exit', (code) => resolve(code)),
    );
    const sleeper = await readPid(join(repo, 'setup.pid'), 20_000);
    expect(isRunning(sleeper)).toBe(true);
    process.kill(perfgate.pid as number, 'SIGINT');
    // Bounded: a perfgate that ignored the signal is killed by its PID and the test fails.
    const code = await Promise.race([exited, sleep(20_000).then(() => 'hung' as const)]);
    if (code === 'hung') perfgate.kill('SIGKILL');
    expect(code).not.toBe('hung');
    await eventually(() => !isRunning(sleeper), 5000);
    expect(worktrees(repo)).toHaveLength(1);
    await rm(join(repo, 'setup.pid'), { force: true });
  }, 60_000);

  it('exits 2 before measuring when a named revision cannot be used outside a git checkout', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'perfgate-nogit-'));
    const marker = join(outside, 'measured');
    await writeFile(
      join(outside, 'perfgate.yml'),
      CONFIG.replace('node bench.mjs', `node -e "require('fs').writeFileSync('measured', '')"`),
    );
    const result = await runCli(
      ['check', '--config', join(outside, 'perfgate.yml'), '--against', 'main'],
      outside,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--against: .*not inside a git checkout/);
    expect(existsSync(marker)).toBe(false);
  });

  it('takes the policy options of compare, and exits 2 on a bad one before measuring', async () => {
    const bad = await check('--adjustment', 'bonferroni');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--adjustment: expected one of bh, holm, none/);
    expect(worktrees(repo)).toHaveLength(1);
  });

  it('exits 2 naming the file and the revision when the base tree lacks what the config needs', async () => {
    git(repo, 'checkout', '--quiet', '-b', 'moved', base);
    await commit(repo, 'move the benchmark', {
      'perfgate.yml': CONFIG.replace(
        'command: node bench.mjs',
        'command: node bench.mjs\n    cwd: tools',
      ),
      'tools/bench.mjs': bench(machineFile),
      'tools/speed.json': '{"factor": 1}',
    });
    const result = await check('--against', base);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(
        `tools: the base revision ${base.slice(0, 7)} has no tools, which the head's config needs`,
      ),
    );
    expect(worktrees(repo)).toHaveLength(1);
  });

  it('exits 3 with the log tail when a setup command fails in the base tree, and cleans up', async () => {
    git(repo, 'checkout', '--quiet', '-b', 'setup', base);
    const broken = await commit(repo, 'a setup that fails', {
      // Its output reaches the error's tail: a workflow command in it must stay text.
      'setup.sh':
        'echo preparing; echo "::add-mask::perfgate" >&2; echo "cannot build this tree" >&2; exit 4\n',
    });
    git(repo, 'checkout', '--quiet', '-b', 'setup-fixed', broken);
    await commit(repo, 'setup fixed, with a setup step', {
      'setup.sh': 'echo ready\n',
      'perfgate.yml': `${CONFIG}setup:\n  - command: sh setup.sh\n`,
    });
    const result = await check('--against', broken);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /setup command `sh setup.sh` exited with code 4 in the base \([0-9a-f]{7}\) tree/,
    );
    expect(result.stderr).toMatch(/cannot build this tree/);
    expect(result.stderr).toMatch(/^› ::add-mask::perfgate$/m);
    expect(result.stderr).not.toMatch(/^\s*::/m);
    expect(worktrees(repo)).toHaveLength(1);
    expect(existsSync(join(repo, 'perfgate-history'))).toBe(false);
  });

  it('borrows the head tree setup output when its inputs are byte-identical', async () => {
    git(repo, 'checkout', '--quiet', '-b', 'deps', base);
    const withDeps = await commit(repo, 'a dependency step', {
      'deps.lock': 'v1\n',
      'perfgate.yml': `${CONFIG}setup:\n  - command: mkdir deps && echo installed > deps/marker\n    creates: [deps]\n    inputs: [deps.lock]\n`,
      '.gitignore': 'deps/\n',
    });
    await commit(repo, 'docs only', { 'README.md': 'deps\n' });
    const result = await check('--against', withDeps);
    expect(result.stdout).toMatch(
      /setup `mkdir deps .*` skipped in the base \([0-9a-f]{7}\) tree: deps.lock identical to the head's, so it uses the head's deps/,
    );
    expect(result.code).toBe(0);
    // The head ran it (no deps/ yet); a second check finds deps/ there and skips it too.
    expect(existsSync(join(repo, 'deps', 'marker'))).toBe(true);
    const again = await check('--against', withDeps);
    expect(again.stdout).toMatch(/skipped in the head tree: deps exists/);
  }, 60_000);
});

describe('perfgate check --baseline history', () => {
  it("judges a run by the stored runs' spread: at most 1 of 10 A/A checks flags at a run CV of 6 %", async () => {
    git(repo, 'checkout', '--quiet', base);
    const store = join(await mkdtemp(join(tmpdir(), 'perfgate-store-')), 'history');
    const random = mulberry32(20261129);
    // Each run's machine speed: lognormal with a CV of about 6 %, the run effect.
    const runSpeed = () =>
      Math.exp(0.06 * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
    const withStore = ['--store', store, '--branch', 'main'];
    for (let i = 0; i < 10; i++) {
      await setMachineSpeed(runSpeed());
      const recorded = await runCli(
        ['record', '--config', join(repo, 'perfgate.yml'), ...withStore],
        repo,
      );
      expect(recorded.code).toBe(0);
    }
    const codes: number[] = [];
    for (let i = 0; i < 10; i++) {
      await setMachineSpeed(runSpeed());
      const result = await check('--baseline', 'history', ...withStore);
      expect(result.stdout).toMatch(/baseline: main: 10 stored runs \(.*\), compared run by run/);
      codes.push(result.code);
    }
    expect(codes.every((code) => code === 0 || code === 1)).toBe(true);
    expect(codes.filter((code) => code === 1).length).toBeLessThanOrEqual(1);

    // A planted +30 % is far outside a 6 % run-to-run spread.
    await setMachineSpeed(1.3);
    const slower = await check('--baseline', 'history', ...withStore);
    expect(slower.stdout).toMatch(/work latency .* REGRESSION/);
    expect(slower.code).toBe(1);
  }, 120_000);
});

describe('perfgate check with sequential trials', () => {
  const sequential = CONFIG.replace('trials: 6', 'trials: { min: 4, max: 20 }');

  it('stops an A/A head early, saying why per metric, and runs a +10 % head until it is decided', async () => {
    git(repo, 'checkout', '--quiet', '-b', 'sequential', base);
    const withLooks = await commit(repo, 'sequential trials', { 'perfgate.yml': sequential });
    await commit(repo, 'docs only', { 'README.md': 'sequential\n' });
    const same = await check('--against', withLooks);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toMatch(
      /sequential trials: stopped after (\d+) of at most 20 trials per side, every gating metric decided/,
    );
    expect(same.stdout).toMatch(/unchanged: ±[\d.]+ % inside ±5 % after \d+ trials/);

    git(repo, 'checkout', '--quiet', '-b', 'sequential-slower', withLooks);
    await commit(repo, 'plant a 10 % slowdown', { 'speed.json': '{"factor": 1.1}' });
    const slower = await check('--against', withLooks);
    expect(slower.code).toBe(1);
    expect(slower.stdout).toMatch(
      /regression: \+\d+(\.\d+)? % beyond ±5 %, significant after \d+ trials/,
    );
    expect(worktrees(repo)).toHaveLength(1);
  }, 120_000);

  it('stops an A/A head whose trials are too noisy to ever show a 5 % regression by max, as not seen', async () => {
    // ±30 % trial noise: even a +5 % regression from the first look on would be significant by
    // 20 trials with a chance of a few percent, below the default futility floor of 10 %. The
    // sides draw their noise from one seeded generator (an A/A pair in distribution), so that
    // the test does not hang on the 2.5 % false alarms an A/A check has by design.
    const normal = (random: () => number) =>
      Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const random = mulberry32(12);
    const speed = () =>
      JSON.stringify({
        factor: 1,
        spread: 0.3,
        draws: Array.from({ length: 20 }, () => normal(random)),
      });
    git(repo, 'checkout', '--quiet', '-b', 'sequential-noisy', base);
    const noisy = await commit(repo, 'noisy trials, sequential', {
      'perfgate.yml': sequential,
      'speed.json': speed(),
    });
    await commit(repo, 'the same noise, other draws', { 'speed.json': speed() });
    const same = await check('--against', noisy);
    // Not a regression, so exit 0 by default; but blind, so never called unchanged.
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toMatch(
      /sequential trials: stopped after \d+ of at most 20 trials per side, every gating metric decided or, for 1 metric, not seen even by the maximum/,
    );
    expect(same.stdout).toMatch(
      /work latency: not seen: at this noise even 20 trials per side see \d+ %, its threshold 5 % \(stopped after \d+\); max: \d+ would see it/,
    );
    expect(same.stdout).toMatch(
      /^Not seen: no regression found, but the only metric could not be seen: 0 regressed, 0 improved, 0 unchanged, 1 not seen$/m,
    );
    expect(same.stdout).toMatch(/work latency .* NOT SEEN/);
    // A team that wants blindness to fail says so.
    const strict = await check('--against', noisy, '--fail-on', 'regression-or-unseen');
    expect(strict.code).toBe(1);
  }, 120_000);
});
