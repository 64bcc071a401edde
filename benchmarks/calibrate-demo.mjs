#!/usr/bin/env node
// Issue #12's acceptance for `perfgate calibrate`: on the demo, its recommended thresholds, used
// in A/A checks (a README-only pull request, sequential trials 4 to 12 per side), produce no
// false alarm. `npm run bench:calibrate [checks=10]`, about 15 minutes on 2 cores: calibrate
// (3 A/A runs of 6 trials per side) and commit the thresholds on main, then `checks` times
// `perfgate check --against main` on the A/A branch. Uses the committed bundle.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  buildRepository,
  calibrateOnMain,
  commitOnBranch,
  sequentialStop,
  timed,
} from './demo-repo.mjs';

const checks = Number(process.argv[2] ?? 10);
const repo = buildRepository();
const calibration = await calibrateOnMain(repo, 3);
const rules = /thresholds:\n((?:\s+- .*\n(?:\s+threshold: .*\n)?)+)/.exec(
  readFileSync(join(repo, 'perfgate.yml'), 'utf8'),
)?.[1];
commitOnBranch(repo, 'aa', 'docs: README only', () =>
  writeFileSync(join(repo, 'README.md'), '# demo stack\n\nNothing here changes performance.\n'),
);
const outcomes = [];
for (let i = 1; i <= checks; i++) {
  const check = await timed(
    `A/A check ${i} of ${checks}`,
    ['check', '--config', 'perfgate.yml', '--against', 'main'],
    repo,
  );
  outcomes.push({ code: check.code, seconds: check.seconds, stop: sequentialStop(check.stdout) });
}
rmSync(dirname(repo), { recursive: true, force: true });

process.stdout.write('\n=== done ===\n\n');
console.log(
  `calibration: ${calibration.seconds.toFixed(0)} s; thresholds written:\n${rules ?? '(none)'}`,
);
outcomes.forEach((o, i) =>
  console.log(`A/A check ${i + 1}: exit ${o.code} in ${o.seconds.toFixed(0)} s; ${o.stop}`),
);
const alarms = outcomes.filter((o) => o.code === 1).length;
const failed = outcomes.filter((o) => o.code !== 0 && o.code !== 1).length;
console.log(`false alarms: ${alarms} of ${checks}; checks that failed to run: ${failed}`);
if (alarms > 0 || failed > 0) process.exitCode = 1;
