#!/usr/bin/env node
// The README's main job, end to end: run the demo stack (benchmarks/demo/) in two variants,
// interleaved (as configured, and a candidate whose cache is ten times smaller), compare them,
// check the targets, and write the reports. Uses the committed bundle, so no build is needed.
//
//   npm run demo                      # about 3 minutes on 2 cores
//   DEMO_TRIALS=10 npm run demo       # more trials, more power
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'perfgate-out', 'demo');
const results = join(out, 'results.json');
const config = join(root, 'benchmarks', 'perfgate.yml');

/** Runs the bundled CLI; stdout is captured (and echoed when `echo`), stderr streams through. */
function perfgate(args, { echo = true } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'dist', 'cli.js'), ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (echo) process.stdout.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

function heading(text) {
  process.stdout.write(`\n=== ${text} ===\n\n`);
}

await mkdir(out, { recursive: true });
const started = Date.now();

heading('run: both variants, interleaved');
const run = await perfgate(['run', '--config', config, '--out', results]);
if (run.code !== 0) process.exit(run.code ?? 3);

// Relative to the repository (the CLI's working folder), so the report names them readably.
const base = `${relative(root, results)}#configured`;
const head = `${relative(root, results)}#small-cache`;
heading('compare: configured (baseline) vs small-cache (candidate)');
const compare = await perfgate(['compare', base, head, '--config', config]);
heading('targets of the candidate');
const analyze = await perfgate(['analyze', head, '--config', config]);

const markdown = await perfgate(
  ['compare', base, head, '--config', config, '--format', 'markdown'],
  { echo: false },
);
const targets = await perfgate(['analyze', head, '--config', config, '--format', 'markdown'], {
  echo: false,
});
const report = join(out, 'report.md');
await writeFile(report, `${markdown.stdout}\n### Targets (candidate)\n\n${targets.stdout}`);

const seconds = Math.round((Date.now() - started) / 1000);
heading('done');
console.log(`results: ${relative(root, results)}`);
console.log(`report:  ${relative(root, report)} (the markdown a pull request comment would show)`);
console.log(`time:    ${seconds} s`);
// The candidate carries a real regression: the demo succeeds when perfgate catches it (exit 1).
if (compare.code === 1 && analyze.code === 0) {
  console.log('perfgate caught the planted regression (a ten times smaller cache), as it should.');
} else {
  console.log(
    `unexpected: compare exited ${compare.code} (1 = regression found), analyze ${analyze.code}`,
  );
  process.exitCode = 1;
}
