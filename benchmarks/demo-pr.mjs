#!/usr/bin/env node
// The same-runner A/B as a pull request sees it, end to end (`npm run demo:pr`, about 6 minutes
// on 2 cores). Builds a throwaway git repository of the demo stack (demo-repo.mjs), calibrates
// its thresholds on main (`perfgate calibrate --write`: 3 A/A runs), and branches:
//
//   base     the demo as it is (cache size 1000 by default), with the calibrated thresholds
//   aa       a README change only: an A/A pull request, which must pass
//   planted  the demo's default cache size 1000 → 100: a regression, which must be caught
//
// and runs `perfgate check --against <base>` on each head: perfgate checks the base out in a
// temporary git worktree, borrows the head's node_modules (package-lock.json is identical, so the
// config's `npm ci` setup step is skipped), and measures both trees on this machine with trials
// interleaved in ABBA/BAAB blocks, looking after each block and stopping once every metric is
// decided (sequential trials, 4 to 12 per side). Then one plain `perfgate run` of the A/A head,
// which is all a history-mode check measures, for the cost of interleaving. Uses the committed
// bundle.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  buildRepository,
  calibrateOnMain,
  commitOnBranch,
  git,
  sequentialStop,
  timed,
} from './demo-repo.mjs';

const repo = buildRepository();
const calibration = await calibrateOnMain(repo, 3);
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
console.log(`calibration:    ${calibration.seconds.toFixed(0)} s for 3 A/A runs`);
console.log(
  `A/A check:      exit ${aa.code} in ${aa.seconds.toFixed(0)} s (0 = passed); ${sequentialStop(aa.stdout)}`,
);
console.log(
  `planted check:  exit ${planted.code} in ${planted.seconds.toFixed(0)} s (1 = regression caught); ${sequentialStop(planted.stdout)}`,
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
