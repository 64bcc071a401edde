#!/usr/bin/env node
// Both sides alive (issue #24), timed (`npm run bench:alive`, about 3 minutes): a service that
// takes 10 s to start, as a stand-in for a model server loading its weights, in a throwaway git
// repository; 8 trials per side, fixed. In one run, with the bundled CLI:
//   - `perfgate check --against BASE` with both services alive (a port per side, the default);
//   - the same check with `alive: one-at-a-time`, which restarts the service at every switch of
//     side, as every check did before;
//   - `perfgate run` of the head alone, 8 trials: what a history check measures.
// Prints the wall times, their ratios to the head alone, and the service starts each made.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, timed } from './demo-repo.mjs';

const START_SECONDS = Number(process.env.ALIVE_START_SECONDS ?? 10);

const SERVER = `import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
// Count this start, then "load the model" for START_MS before listening.
writeFileSync(join(process.env.STARTS, String(process.pid)), '');
setTimeout(() => {
  createServer((req, res) => {
    // A little CPU per request, as an API does.
    let x = 0;
    for (let i = 0; i < 20_000; i++) x += Math.sqrt(i);
    res.end(String(x));
  }).listen(Number(process.env.PORT), '127.0.0.1');
}, Number(process.env.START_MS));
`;

const CONFIG = `version: 1
service:
  command: node server.mjs
  env: { PORT: '\${PERFGATE_PORT}', START_MS: '${START_SECONDS * 1000}' }
  healthUrl: http://127.0.0.1:\${PERFGATE_PORT}/health
  startTimeoutSeconds: 60
  alive: \${ALIVE:-auto}
trials: 8
warmupSeconds: 0.5
durationSeconds: 1
suites:
  - { name: api, kind: http, connections: 4, requests: [{ path: /work }] }
`;

const repo = join(mkdtempSync(join(tmpdir(), 'perfgate-alive-')), 'repo');
mkdirSync(repo);
execFileSync('git', ['init', '--quiet', '-b', 'main', repo]);
writeFileSync(join(repo, 'server.mjs'), SERVER);
writeFileSync(join(repo, 'perfgate.yml'), CONFIG);
writeFileSync(join(repo, '.gitignore'), 'perfgate-out/\n');
git(repo, 'add', '-A');
git(repo, 'commit', '--quiet', '-m', 'base');
const base = git(repo, 'rev-parse', 'HEAD').trim();
writeFileSync(join(repo, 'README.md'), 'an A/A head\n');
git(repo, 'add', '-A');
git(repo, 'commit', '--quiet', '-m', 'docs');

const starts = join(repo, '..', 'starts');
process.env.STARTS = starts;
/** One timed CLI run, with the service starts it made. */
async function measure(title, args, alive) {
  rmSync(starts, { recursive: true, force: true });
  mkdirSync(starts);
  process.env.ALIVE = alive;
  const run = await timed(title, args, repo);
  if (run.code !== 0 && run.code !== 1) throw new Error(`${title}: exit ${run.code}`);
  return { ...run, starts: readdirSync(starts).length };
}

const check = ['check', '--config', 'perfgate.yml', '--against', base, '--seed', '7'];
const both = await measure('check, both sides alive', check, 'auto');
const one = await measure('check, one at a time', check, 'one-at-a-time');
const alone = await measure(
  'run of the head alone, 8 trials',
  ['run', '--config', 'perfgate.yml', '--out', join(repo, '..', 'head.json')],
  'auto',
);

const row = (name, r) =>
  `| ${name} | ${r.seconds.toFixed(1)} s | ${(r.seconds / alone.seconds).toFixed(2)}× | ${r.starts} |`;
console.log(`
## Both sides alive: a service that takes ${START_SECONDS} s to start, 8 trials per side

| run | wall time | × head alone | service starts |
| --- | ---: | ---: | ---: |
${row('check --against, both alive', both)}
${row('check --against, one at a time', one)}
${row('run, head alone (8 trials)', alone)}
`);
if (both.seconds / alone.seconds > 2.3) {
  console.error(
    `both alive took ${(both.seconds / alone.seconds).toFixed(2)}× the head alone, above 2.3×`,
  );
  process.exitCode = 1;
}
