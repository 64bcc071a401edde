// A throwaway git repository of the demo stack, and the bundled CLI to run in it: shared by
// `npm run demo:pr` (the PR gate end to end) and `npm run bench:calibrate` (calibrate, then A/A
// checks with its thresholds).
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');

// The PR gate's config: the embedding API with its cache hit rate from the service's metrics.
// Sequential trials: the check looks after every ABBA block from 4 trials per side on and stops
// once every metric is decided.
const CONFIG = `# perfgate.yml of the throwaway repository the demo's PR benchmarks build.
version: 1
setup:
  - command: npm ci
    creates: [node_modules]
    inputs: [package-lock.json]
service:
  command: node server.mjs
  cwd: demo
  env: { PORT: '\${PERFGATE_PORT}' }
  healthUrl: http://127.0.0.1:\${PERFGATE_PORT}/health
  startTimeoutSeconds: 120
  alive: \${DEMO_ALIVE:-auto}
  rewarmSeconds: \${DEMO_REWARM:-0.5}
trials:
  min: 4
  max: \${DEMO_MAX_TRIALS:-12}
warmupSeconds: 1
durationSeconds: \${DEMO_DURATION:-3}
suites:
  - name: api/embed
    kind: http
    connections: 8
    bodyGenerator: demo/workload.mjs
    requests: [{ method: POST, path: /embed }]
collectors:
  prometheus:
    url: http://127.0.0.1:\${PERFGATE_PORT}/metrics
    metrics:
      - name: cache_hit_rate
        unit: '%'
        direction: higher
        numerator: [cache_hits_total]
        denominator: [cache_hits_total, cache_misses_total]
        scale: 100
compare:
  thresholds:
    - { metric: '**/latency_max', threshold: 0.5 }
    - { metric: '**/latency_p99', threshold: 0.1 }
`;

export const git = (repo, ...args) =>
  execFileSync(
    'git',
    ['-C', repo, '-c', 'user.name=demo', '-c', 'user.email=demo@example.com', ...args],
    { encoding: 'utf8' },
  ).trim();

/** The demo stack, its config and this repository's package files, committed on main. */
export function buildRepository() {
  const repo = join(mkdtempSync(join(tmpdir(), 'perfgate-demo-pr-')), 'repo');
  cpSync(join(root, 'benchmarks', 'demo'), join(repo, 'demo'), { recursive: true });
  for (const file of ['package.json', 'package-lock.json'])
    cpSync(join(root, file), join(repo, file));
  writeFileSync(join(repo, 'perfgate.yml'), CONFIG);
  writeFileSync(join(repo, 'README.md'), '# demo stack\n');
  writeFileSync(join(repo, '.gitignore'), 'node_modules\nperfgate-out/\n');
  // The head's dependencies, installed once: this repository's own (the setup step sees them).
  symlinkSync(join(root, 'node_modules'), join(repo, 'node_modules'));
  execFileSync('git', ['init', '--quiet', '-b', 'main', repo]);
  git(repo, 'add', '-A');
  git(repo, 'commit', '--quiet', '-m', 'base: the demo stack');
  // The knobs come from the code's defaults here, not the environment: a user's exported
  // OPTIMIZATION_CACHE_SIZE would reach both sides alike and hide a planted change.
  delete process.env.OPTIMIZATION_CACHE_SIZE;
  return repo;
}

export function commitOnBranch(repo, branch, message, change) {
  git(repo, 'checkout', '--quiet', '-b', branch, 'main');
  change();
  git(repo, 'commit', '--quiet', '-am', message);
}

/** Runs the bundled CLI in `cwd`; stdout is echoed and kept, stderr streams through. */
function perfgate(args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      process.stdout.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

/** One CLI run under a heading, with its exit code, output and seconds. */
export async function timed(title, args, cwd) {
  process.stdout.write(`\n=== ${title} ===\n\n`);
  const started = Date.now();
  const { code, stdout } = await perfgate(args, cwd);
  return { code, stdout, seconds: (Date.now() - started) / 1000 };
}

/** `perfgate calibrate --write` on main, the thresholds committed: the base every PR branches from. */
export async function calibrateOnMain(repo, runs) {
  const calibration = await timed(
    `calibrate: ${runs} A/A runs of 6 trials per side, thresholds written into perfgate.yml`,
    ['calibrate', '--config', 'perfgate.yml', '--runs', String(runs), '--trials', '6', '--write'],
    repo,
  );
  if (calibration.code !== 0) throw new Error(`perfgate calibrate exited ${calibration.code}`);
  git(repo, 'commit', '--quiet', '-am', 'perfgate: calibrated thresholds');
  return calibration;
}

/** "stopped after 6 of at most 12 trials per side" from a check's notes, or what it said instead. */
export function sequentialStop(stdout) {
  return /sequential trials: [^\n]*/.exec(stdout)?.[0] ?? 'no sequential note';
}
