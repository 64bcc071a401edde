#!/usr/bin/env node
// The same-runner A/B as a pull request sees it, end to end (`npm run demo:pr`, about 4 minutes
// on 2 cores). Builds a throwaway git repository of the demo stack with three commits:
//
//   base     the demo as it is (cache size 1000 by default)
//   aa       a README change only: an A/A pull request, which must pass
//   planted  the demo's default cache size 1000 → 100: a regression, which must be caught
//
// and runs `perfgate check --against <base>` on each head: perfgate checks the base out in a
// temporary git worktree, borrows the head's node_modules (package-lock.json is identical, so the
// config's `npm ci` setup step is skipped), and measures both trees on this machine with trials
// interleaved in ABBA/BAAB blocks. Then one plain `perfgate run` of the A/A head, which is all a
// history-mode check measures, for the cost of interleaving. Uses the committed bundle.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');
const port = process.env.DEMO_PORT ?? '18182';

// The PR gate's config: the embedding API with its cache hit rate from the service's metrics.
const CONFIG = `# perfgate.yml of the throwaway repository that npm run demo:pr builds.
version: 1
setup:
  - command: npm ci
    creates: [node_modules]
    inputs: [package-lock.json]
service:
  command: node server.mjs
  cwd: demo
  env: { PORT: '${port}' }
  healthUrl: http://127.0.0.1:${port}/health
  startTimeoutSeconds: 120
trials: \${DEMO_TRIALS:-6}
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
    url: http://127.0.0.1:${port}/metrics
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

const git = (repo, ...args) =>
  execFileSync(
    'git',
    ['-C', repo, '-c', 'user.name=demo', '-c', 'user.email=demo@example.com', ...args],
    {
      encoding: 'utf8',
    },
  ).trim();

function buildRepository() {
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
  return repo;
}

function commitOnBranch(repo, branch, message, change) {
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

async function timed(title, args, cwd) {
  process.stdout.write(`\n=== ${title} ===\n\n`);
  const started = Date.now();
  const { code, stdout } = await perfgate(args, cwd);
  return { code, stdout, seconds: (Date.now() - started) / 1000 };
}

const repo = buildRepository();
const base = git(repo, 'rev-parse', 'HEAD');
const knobs = join(repo, 'demo', 'knobs.mjs');
commitOnBranch(repo, 'aa', 'docs: README only', () =>
  writeFileSync(join(repo, 'README.md'), '# demo stack\n\nNothing here changes performance.\n'),
);
commitOnBranch(repo, 'planted', 'demo: default cache size 1000 → 100', () =>
  writeFileSync(
    knobs,
    readFileSync(knobs, 'utf8').replace(
      "cacheSize: { env: 'OPTIMIZATION_CACHE_SIZE', default: 1000,",
      "cacheSize: { env: 'OPTIMIZATION_CACHE_SIZE', default: 100,",
    ),
  ),
);
if (!git(repo, 'diff', 'main', 'planted', '--stat').includes('knobs.mjs')) {
  throw new Error('demo:pr could not plant the regression: benchmarks/demo/knobs.mjs changed');
}

// The knobs come from the code's defaults here, not the environment: a user's exported
// OPTIMIZATION_CACHE_SIZE would reach both sides alike and hide the planted change.
delete process.env.OPTIMIZATION_CACHE_SIZE;
const check = ['check', '--config', 'perfgate.yml', '--against', base];
git(repo, 'checkout', '--quiet', 'aa');
const aa = await timed(
  'A/A pull request (README only): perfgate check --against base',
  check,
  repo,
);
git(repo, 'checkout', '--quiet', 'planted');
const planted = await timed(
  'pull request with a planted regression (cache 1000 → 100)',
  check,
  repo,
);
git(repo, 'checkout', '--quiet', 'aa');
const single = await timed(
  'the head alone (what a history-mode check measures): perfgate run',
  ['run', '--config', 'perfgate.yml', '--out', 'perfgate-out/head.json'],
  repo,
);
const worktrees = git(repo, 'worktree', 'list').split('\n').length;
const namesCacheHitRate = /cache_hit_rate .*REGRESSION/.test(planted.stdout);
rmSync(dirname(repo), { recursive: true, force: true });

process.stdout.write('\n=== done ===\n\n');
console.log(`A/A check:      exit ${aa.code} in ${aa.seconds.toFixed(0)} s (0 = passed)`);
console.log(
  `planted check:  exit ${planted.code} in ${planted.seconds.toFixed(0)} s (1 = regression caught)`,
);
console.log(
  `interleaved vs history cost: ${(aa.seconds / single.seconds).toFixed(2)}x ` +
    `(the A/A check's ${aa.seconds.toFixed(0)} s vs ${single.seconds.toFixed(0)} s for the same head alone)`,
);
console.log(`git worktrees left: ${worktrees - 1}`);
console.log(`cache hit rate named as a regression: ${namesCacheHitRate ? 'yes' : 'no'}`);
if (
  aa.code === 0 &&
  planted.code === 1 &&
  namesCacheHitRate &&
  single.code === 0 &&
  worktrees === 1
) {
  console.log(
    'perfgate passed the A/A pull request and caught the planted regression, as it should.',
  );
} else {
  console.log('unexpected: see the exit codes above');
  process.exitCode = 1;
}
