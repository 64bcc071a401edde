#!/usr/bin/env node
// Does the idle neighbour disturb the loaded side? (issue #24; `npm run bench:alive-aa`, about
// 12 minutes on 2 cores.) A/A pull requests of the demo stack (a README change only), checked
// with `perfgate check --against BASE` alternately with both services alive and one at a time,
// the same sequential design (4 to 8 trials per side, 1 s trials), CHECKS of each. Every flag is
// a false alarm. Prints per mode: the wall time, false alarms, and the spread of the A/A changes
// per metric (the median |change|), side by side.
import { buildRepository, commitOnBranch, git, timed } from './demo-repo.mjs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CHECKS = Number(process.env.ALIVE_AA_CHECKS ?? 10);
process.env.DEMO_DURATION ??= '1';
process.env.DEMO_MAX_TRIALS ??= '8';

const repo = buildRepository();
const base = git(repo, 'rev-parse', 'HEAD');
commitOnBranch(repo, 'aa', 'docs: README only', () =>
  writeFileSync(join(repo, 'README.md'), '# demo stack\n\nNothing here changes performance.\n'),
);
git(repo, 'checkout', '--quiet', 'aa');

const modes = { both: [], 'one-at-a-time': [] };
for (let i = 0; i < CHECKS; i++) {
  // Alternating, so that drift of this machine reaches both modes alike.
  for (const mode of i % 2 === 0 ? ['both', 'one-at-a-time'] : ['one-at-a-time', 'both']) {
    process.env.DEMO_ALIVE = mode;
    const args = ['check', '--config', 'perfgate.yml', '--against', base, '--format', 'json'];
    const run = await timed(`A/A check ${i + 1} of ${CHECKS}, ${mode}`, args, repo);
    if (run.code !== 0 && run.code !== 1) throw new Error(`check exited ${run.code}`);
    const json = JSON.parse(run.stdout);
    modes[mode].push({ seconds: run.seconds, verdict: json.verdict, metrics: json.metrics });
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const gating = modes.both[0].metrics.filter((m) => !m.informational).map((m) => m.key);
const spread = (mode, key) =>
  median(
    modes[mode]
      .map((c) => c.metrics.find((m) => m.key === key)?.change)
      .filter((c) => typeof c === 'number')
      .map(Math.abs),
  );
const pct = (x) => (x === undefined ? '—' : `${(x * 100).toFixed(2)} %`);
const lines = [
  `## A/A checks of the demo, ${CHECKS} per mode, alternating`,
  '',
  '| | both alive | one at a time |',
  '| --- | ---: | ---: |',
  `| median wall time | ${median(modes.both.map((c) => c.seconds)).toFixed(1)} s | ${median(modes['one-at-a-time'].map((c) => c.seconds)).toFixed(1)} s |`,
  `| false alarms (red) | ${modes.both.filter((c) => c.verdict === 'regression').length} of ${CHECKS} | ${modes['one-at-a-time'].filter((c) => c.verdict === 'regression').length} of ${CHECKS} |`,
  ...gating.map(
    (key) =>
      `| median abs A/A change, ${key} | ${pct(spread('both', key))} | ${pct(spread('one-at-a-time', key))} |`,
  ),
  '',
];
console.log(lines.join('\n'));
