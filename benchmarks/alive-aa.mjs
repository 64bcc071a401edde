#!/usr/bin/env node
// Does the idle neighbour disturb the loaded side? (issue #24; `npm run bench:alive-aa`, about
// 12 minutes on 2 cores.) A/A pull requests of the demo stack (a README change only), checked
// with `perfgate check --against BASE` alternately with both services alive and one at a time,
// the same sequential design (4 to 8 trials per side, 1 s trials), CHECKS of each. Every flag is
// a false alarm. Prints per mode: the wall time, false alarms, and the spread of the A/A changes
// per metric (the median |change|), side by side.
// ALIVE_AA_MODES picks the modes compared, in turn: `both`, `one-at-a-time`, or `both@S` for both
// alive with a re-warm of S seconds before each trial after a switch (service.rewarmSeconds;
// `both` is the default's), e.g. ALIVE_AA_MODES=both@0,both@0.5,both@1 to choose that default.
import { buildRepository, calibrateOnMain, commitOnBranch, git, timed } from './demo-repo.mjs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CHECKS = Number(process.env.ALIVE_AA_CHECKS ?? 10);
process.env.DEMO_DURATION ??= '1';
process.env.DEMO_MAX_TRIALS ??= '8';

const repo = buildRepository();
// ALIVE_AA_CALIBRATE=3: thresholds from 3 A/A runs first, as `npm run demo:pr` sets them (with
// DEMO_DURATION=3 DEMO_MAX_TRIALS=12, its design): that script's A/A check, CHECKS times per mode.
if (process.env.ALIVE_AA_CALIBRATE) {
  await calibrateOnMain(repo, Number(process.env.ALIVE_AA_CALIBRATE));
}
const base = git(repo, 'rev-parse', 'HEAD');
commitOnBranch(repo, 'aa', 'docs: README only', () =>
  writeFileSync(join(repo, 'README.md'), '# demo stack\n\nNothing here changes performance.\n'),
);
git(repo, 'checkout', '--quiet', 'aa');

const names = (process.env.ALIVE_AA_MODES ?? 'both,one-at-a-time').split(',');
const modes = Object.fromEntries(names.map((name) => [name, []]));
for (let i = 0; i < CHECKS; i++) {
  // In turn, each round in the other order, so that drift of this machine reaches all alike.
  for (const mode of i % 2 === 0 ? names : [...names].reverse()) {
    const [alive, rewarm] = mode.split('@');
    process.env.DEMO_ALIVE = alive;
    if (rewarm === undefined) delete process.env.DEMO_REWARM;
    else process.env.DEMO_REWARM = rewarm;
    const args = ['check', '--config', 'perfgate.yml', '--against', base, '--format', 'json'];
    const run = await timed(`A/A check ${i + 1} of ${CHECKS}, ${mode}`, args, repo);
    if (run.code !== 0 && run.code !== 1) throw new Error(`check exited ${run.code}`);
    const json = JSON.parse(run.stdout);
    modes[mode].push({ seconds: run.seconds, verdict: json.verdict, metrics: json.metrics });
  }
}

const median = (values) => {
  // Rates that moved from 0 have a change in points, not a relative one: none to take.
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const gating = modes[names[0]][0].metrics.filter((m) => !m.informational).map((m) => m.key);
const changes = (mode, key) =>
  modes[mode]
    .map((c) => c.metrics.find((m) => m.key === key)?.change)
    .filter((c) => typeof c === 'number');
// The spread of the A/A changes, and their lean: a mode that biases a metric shifts its median.
const spread = (mode, key) => median(changes(mode, key).map(Math.abs));
const lean = (mode, key) => median(changes(mode, key));
const pct = (x) => (x === undefined ? '—' : `${(x * 100).toFixed(2)} %`);
const row = (label, cell) => `| ${label} | ${names.map(cell).join(' | ')} |`;
const lines = [
  `## A/A checks of the demo, ${CHECKS} per mode, in turn`,
  '',
  row('', (name) => name),
  row('---', () => '---:'),
  row('median wall time', (name) => `${median(modes[name].map((c) => c.seconds)).toFixed(1)} s`),
  row(
    'false alarms (red)',
    (name) => `${modes[name].filter((c) => c.verdict === 'regression').length} of ${CHECKS}`,
  ),
  ...gating.map((key) => row(`median abs A/A change, ${key}`, (name) => pct(spread(name, key)))),
  ...gating.map((key) => row(`median A/A change, ${key}`, (name) => pct(lean(name, key)))),
  '',
];
console.log(lines.join('\n'));
