// A git repository for bisection tests (test/cli/bisect.test.ts, test/action/bisect.test.ts):
// commits of a command suite (bench.mjs) printing three metrics, each 10 × its factor in
// speed.json × 2 % trial noise. The noise is seeded by the tree's seed.txt (every commit writes a
// new one) and the trial number, so every commit has noise of its own and the tests repeat. The
// config's setup runs setup.mjs, which fails in a tree that has a file named `broken`.
import { commit, git, newRepo } from './gitRepo.js';

const BENCH = `
import { readFileSync } from 'node:fs';
const factors = JSON.parse(readFileSync('speed.json', 'utf8'));
// mulberry32 seeded by this tree's seed and the trial (PERFGATE_TRIAL counts from 1 per side).
let state = (Number(readFileSync('seed.txt', 'utf8')) * 7919 + Number(process.env.PERFGATE_TRIAL ?? 1)) >>> 0;
const uniform = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
const metrics = Object.fromEntries(
  ['m0', 'm1', 'm2'].map((name) => [name, { value: 10 * (factors[name] ?? 1) * Math.exp(0.02 * normal()) }]),
);
console.log(JSON.stringify({ work: metrics }));
`;

const SETUP = `
import { existsSync } from 'node:fs';
if (existsSync('broken')) {
  console.error('setup: this tree is broken');
  process.exit(1);
}
`;

const CONFIG = `version: 1
warmupSeconds: 0
trials: { min: 6, max: 30 }
setup:
  - command: node setup.mjs
suites:
  - name: work
    kind: command
    command: node bench.mjs
`;

/**
 * Commits 1 (good) to `count` (default 12, bad). `plant` puts +10 % on m1 from that commit on;
 * `broken` makes the setup fail at that commit only. Returns the repository and its commits,
 * oldest first.
 */
export async function bisectHistory(options: {
  plant?: number;
  broken?: number;
  count?: number;
}): Promise<{ repo: string; commits: string[] }> {
  const repo = await newRepo({
    'perfgate.yml': CONFIG,
    'bench.mjs': BENCH,
    'setup.mjs': SETUP,
    'speed.json': '{}',
    'seed.txt': '1',
  });
  const commits = [git(repo, 'rev-parse', 'HEAD')];
  for (let n = 2; n <= (options.count ?? 12); n++) {
    const files: Record<string, string> = { 'seed.txt': String(n) };
    if (options.plant === n) files['speed.json'] = '{"m1": 1.1}';
    if (options.broken === n) files.broken = 'yes\n';
    if (options.broken === n - 1) git(repo, 'rm', '--quiet', 'broken');
    commits.push(await commit(repo, `commit ${n}`, files));
  }
  return { repo, commits };
}
