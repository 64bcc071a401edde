// Issue #21's acceptance, end to end through the bundled CLI: does a verdict mean what it says on a
// loaded runner? A throwaway git repository holds a small HTTP service (service.mjs: /hash does
// HASH_ROUNDS rounds of SHA-256 per request, /light answers at once) and a perfgate.yml with NO
// `trials` key, so the defaults decide (sequential trials). Two heads:
//   - `slower`: HASH_ROUNDS 2000 → 4000, twice the CPU work of /hash: must never be green;
//   - `aa`: a README change only: must never be red.
// Each is checked `runs` times with `perfgate check --against <base>` (seeds 1…runs), once on a
// quiet machine and once with one CPU burner per core beside it (`while (true)` loops this script
// starts and kills by PID). Prints one markdown table: exit codes and verdicts per case.
// Run: npm run package && node benchmarks/verdicts/run.mjs [runs=10] [cases=all|quiet|burners]
import { execFileSync, spawn } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const runs = Number(process.argv[2] ?? 10);
const which = process.argv[3] ?? 'all';
// A copy of the bundle: rebuilding dist/ while this runs must not change what it measures.
const cli = join(mkdtempSync(join(tmpdir(), 'perfgate-verdicts-cli-')), 'cli.js');
copyFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli.js'), cli);
const port = 18000 + (process.pid % 1000);

const service = (rounds) => `import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
const HASH_ROUNDS = ${rounds};
const payload = Buffer.alloc(256, 7);
createServer((req, res) => {
  if (req.url === '/hash') {
    let digest = payload;
    for (let i = 0; i < HASH_ROUNDS; i++) digest = createHash('sha256').update(digest).digest();
    res.end(digest.toString('hex'));
  } else res.end('ok');
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

const CONFIG = `version: 1
service:
  command: node service.mjs
  env: { PORT: '${port}' }
  healthUrl: http://127.0.0.1:${port}/light
warmupSeconds: 0.5
durationSeconds: 1
collectors: { process: {} }
suites:
  - { name: api/hash, kind: http, connections: 4, requests: [{ path: /hash }] }
  - { name: api/light, kind: http, connections: 4, requests: [{ path: /light }] }
`;

const git = (repo, ...args) =>
  execFileSync(
    'git',
    ['-C', repo, '-c', 'user.name=b', '-c', 'user.email=b@example.com', ...args],
    {
      encoding: 'utf8',
    },
  ).trim();

function repository() {
  const repo = join(mkdtempSync(join(tmpdir(), 'perfgate-verdicts-')), 'repo');
  execFileSync('git', ['init', '--quiet', '-b', 'main', repo]);
  writeFileSync(join(repo, 'perfgate.yml'), CONFIG);
  writeFileSync(join(repo, 'service.mjs'), service(2000));
  writeFileSync(join(repo, 'README.md'), 'base\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '--quiet', '-m', 'base');
  const base = git(repo, 'rev-parse', 'HEAD');
  const head = (name, file, text) => {
    git(repo, 'checkout', '--quiet', '-b', name, base);
    writeFileSync(join(repo, file), text);
    git(repo, 'commit', '--quiet', '-am', name);
  };
  head('slower', 'service.mjs', service(4000));
  head('aa', 'README.md', 'head\n');
  return { repo, base };
}

function burners(count) {
  return Array.from({ length: count }, () =>
    spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
  );
}

function check(repo, base, seed) {
  const started = performance.now();
  let code = 0;
  let stdout;
  try {
    stdout = execFileSync(
      process.execPath,
      [cli, 'check', '--config', 'perfgate.yml', '--against', base, '--seed', String(seed)],
      { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } catch (error) {
    code = error.status ?? 3;
    if (code === 2) process.stderr.write(String(error.stderr));
    stdout = error.stdout ?? '';
  }
  // The text report's headline (report/text.ts) and the interleaving note's trial count.
  const headline =
    /^(Performance regression|No performance regression|Not seen|Nothing could be tested)/m.exec(
      stdout,
    )?.[1];
  const verdict =
    {
      'Performance regression': 'regression',
      'No performance regression': 'green',
      'Not seen': 'unseen',
      'Nothing could be tested': 'insufficient',
    }[headline] ?? 'error';
  const trials = Number(/(\d+) trials each/.exec(stdout)?.[1] ?? 0);
  return { code, verdict, trials, seconds: (performance.now() - started) / 1000 };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const { repo, base } = repository();
const rows = [];
const cases = [
  ...(which !== 'burners' ? [['quiet', 0]] : []),
  ...(which !== 'quiet' ? [['2 burners', cpus().length]] : []),
];
for (const [label, count] of cases) {
  const running = burners(count);
  try {
    for (const head of ['slower', 'aa']) {
      git(repo, 'checkout', '--quiet', head);
      const results = [];
      for (let seed = 1; seed <= runs; seed++) {
        const result = check(repo, base, seed);
        results.push(result);
        process.stderr.write(
          `${label} ${head} ${seed}: exit ${result.code} ${result.verdict} ${result.trials} trials ${result.seconds.toFixed(0)} s\n`,
        );
      }
      const count = (verdicts) => results.filter((r) => verdicts.includes(r.verdict)).length;
      rows.push(
        `| ${label} | ${head === 'slower' ? 'HASH_ROUNDS ×2' : 'A/A'} | ${runs} | ${count(['regression'])} | ${count(['unseen', 'insufficient'])} | ${count(['green'])} | ${results.filter((r) => r.code === 0).length} | ${median(results.map((r) => r.trials))} | ${median(results.map((r) => r.seconds)).toFixed(0)} s |`,
      );
    }
  } finally {
    for (const burner of running) process.kill(burner.pid, 'SIGKILL');
  }
}
console.log(
  `node ${process.version}, ${cpus().length} cores, no \`trials\` key (the default sequential design), 1 s trials`,
);
console.log(
  '| machine | head | checks | 🔴 regression | 🟡 not seen | 🟢 green | exit 0 | median trials per side | median wall |',
);
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) console.log(row);
