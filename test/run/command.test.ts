import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path, { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunError } from '../../src/errors.js';
import { runCommandTrial, type CommandOptions } from '../../src/run/command.js';
import { FALLBACK_PATH } from '../../src/run/processGroup.js';
import { eventually, isRunning, readPid } from '../fixtures/services/processes.js';

const fixtures = path.join(import.meta.dirname, '../fixtures/commands');
const docs = path.join(import.meta.dirname, '../../docs/command-protocol.md');

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'perfgate-command-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function trial(command: string, options: Partial<CommandOptions> = {}) {
  return runCommandTrial({
    command,
    cwd: dir,
    env: {},
    timeoutSeconds: 10,
    output: 'stdout',
    ...options,
  });
}

describe('runCommandTrial: reading BMF', () => {
  it('finds the BMF line among log lines and names, directs and units its metrics', async () => {
    const result = await trial(`sh ${fixtures}/logs-then-bmf.sh`);
    expect(result.metrics).toEqual([
      { name: 'embed.latency_p95', unit: 'ms', direction: 'lower', value: 12.5 },
      // The unit says it is a rate, so higher is better.
      { name: 'embed.tokens_s', unit: 'tokens/s', direction: 'higher', value: 900 },
      // BMF's lower_value is accepted and ignored.
      { name: 'search.db_query_ms', unit: '', direction: 'lower', value: 3 },
      { name: 'search.cache_hit_rate', unit: 'ratio', direction: 'higher', value: 0.93 },
      // "direction" beside value wins over the name, which says nothing.
      { name: 'search.recall', unit: '', direction: 'higher', value: 0.8 },
    ]);
    expect(result.notes).toEqual([]);
    expect(result.durationMs).toBeGreaterThan(0);
  });

  it('reads the last pretty-printed block, names metrics by measure alone, and notes the rest', async () => {
    const result = await trial(`sh ${fixtures}/pretty-bmf-twice.sh`);
    expect(result.metrics).toEqual([
      { name: 'latency_ms', unit: 'ms', direction: 'lower', value: 18.5 },
    ]);
    expect(result.notes).toEqual(['stdout held 2 BMF documents; perfgate used the last one']);
  });

  it('passes the env, PERFGATE_TRIAL and an explicit direction through', async () => {
    const command = `echo "{\\"t\\": {\\"n\\": {\\"value\\": $PERFGATE_TRIAL$EXTRA, \\"direction\\": \\"higher\\"}}}"`;
    const result = await trial(command, { trial: 4, env: { EXTRA: '2' } });
    expect(result.metrics).toEqual([{ name: 'n', unit: '', direction: 'higher', value: 42 }]);
  });

  it('gets only the environment it is given, and a PATH to this Node when that has none', async () => {
    // perfgate's own environment has PATH and HOME: neither may leak into the command's.
    const names =
      'node -p \'JSON.stringify({ env: { [Object.keys(process.env).sort().join(" ")]: { value: 1 } } })\'';
    const [given] = (await trial(names, { env: { ONLY: 'this' } })).metrics;
    // PWD is the shell's own.
    const expected = ['ONLY', 'PATH', 'PERFGATE_SPAWN_ID', 'PERFGATE_TRIAL', 'PWD'];
    expect(given?.name.split(' ')).toEqual(expected);
    const path = "node -p 'JSON.stringify({ env: { [process.env.PATH]: { value: 1 } } })'";
    const [fallback] = (await trial(path)).metrics;
    expect(fallback?.name).toBe(FALLBACK_PATH);
    expect(fallback?.name.split(':')[0]).toBe(dirname(process.execPath));
  });

  it('reads BMF from $PERFGATE_OUTPUT in file mode, creating its folder', async () => {
    const result = await trial(`sh ${fixtures}/write-bmf-file.sh`, {
      output: { file: 'out/bmf.json' },
      trial: 3,
    });
    expect(result.metrics).toEqual([
      { name: 'items_per_second', unit: 'items/s', direction: 'higher', value: 300 },
    ]);
    expect(await readFile(path.join(dir, 'out/bmf.json'), 'utf8')).toContain('"value": 300');
  });

  it('does not take a file left by an earlier trial for this trial’s output', async () => {
    await writeFile(path.join(dir, 'bmf.json'), '{"stale": {"ms": {"value": 1}}}');
    await expect(trial('true', { output: { file: 'bmf.json' } })).rejects.toThrow(
      /command succeeded but did not write its output file .*bmf\.json/,
    );
  });

  it('finds BMF after many lines that look like JSON objects but are not, in bounded time', async () => {
    // Unbounded, the backward search from each line parsed from every earlier `{` line: quadratic
    // (minutes here). Now a `{ not` line is no opener, and each end tries at most 20 openers.
    const begun = Date.now();
    const result = await trial(
      `yes '{"key": not json}' | head -n 5000; yes '{ not json }' | head -n 30000; ` +
        `echo '{"a": {"ms": {"value": 1}}}'`,
    );
    expect(result.metrics).toEqual([{ name: 'ms', unit: '', direction: 'lower', value: 1 }]);
    expect(Date.now() - begun).toBeLessThan(5000);
  });

  it('explains the protocol when stdout holds no BMF', async () => {
    const failing = trial('echo "latency: 12 ms"; echo "[1, 2]"');
    await expect(failing).rejects.toThrow(RunError);
    await expect(failing).rejects.toThrow(
      /^command printed no BMF JSON on stdout\. .*"value".*docs\/command-protocol\.md\.$/,
    );
  });

  it('shows why the last JSON object on stdout is not BMF', async () => {
    await expect(trial(`echo '{"latency": {"p95": 12}}'`)).rejects.toThrow(
      /The last JSON object on stdout is not BMF:\n.*\n {2}→ at latency\.p95/,
    );
    await expect(trial(`echo '{"latency": {}}'`)).rejects.toThrow(
      /a benchmark needs at least one measure/,
    );
  });

  it('rejects an output file that is not JSON, or not BMF', async () => {
    const output = { file: 'bmf.json' };
    await expect(trial('echo "{oops" > "$PERFGATE_OUTPUT"', { output })).rejects.toThrow(
      /bmf\.json is not JSON \(/,
    );
    await expect(trial('echo "{}" > "$PERFGATE_OUTPUT"', { output })).rejects.toThrow(
      /bmf\.json is not BMF:\n.*at least one benchmark/,
    );
  });
});

describe('runCommandTrial: failures', () => {
  it('fails with the exit code and the tail of stderr', async () => {
    const failing = trial('echo "CUDA out of memory" >&2; exit 3');
    await expect(failing).rejects.toThrow(RunError);
    await expect(failing).rejects.toThrow(
      /^command exited with code 3: echo .*\n--- last 20 lines of stderr ---\nCUDA out of memory$/,
    );
  });

  it('fails when the command cannot start', async () => {
    await expect(trial('true', { cwd: path.join(dir, 'missing') })).rejects.toThrow(
      /^could not start `true` in .*missing: spawn \/bin\/sh ENOENT$/,
    );
  });

  it('kills the whole group of a command that times out, grandchild included', async () => {
    const pidFile = path.join(dir, 'grandchild.pid');
    const begun = Date.now();
    await expect(
      trial(`sh ${fixtures}/hang-with-grandchild.sh`, {
        timeoutSeconds: 1,
        env: { PID_FILE: pidFile },
      }),
    ).rejects.toThrow(/^command timed out after 1s: sh .*\n.*\nstill warming up$/);
    expect(Date.now() - begun).toBeLessThan(3000);
    await eventually(async () => !isRunning(await readPid(pidFile)));
  });

  it('kills what a successful command left running in its group', async () => {
    const pidFile = path.join(dir, 'leftover.pid');
    await trial(`sleep 300 & echo $! > ${pidFile}; echo '{"a": {"ms": {"value": 1}}}'`);
    await eventually(async () => !isRunning(await readPid(pidFile)));
  });

  it('stops the command when the signal aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    await expect(
      runCommandTrial(
        { command: 'sleep 30', env: {}, timeoutSeconds: 10, output: 'stdout' },
        { signal: controller.signal },
      ),
    ).rejects.toThrow(/^command was aborted: sleep 30/);
  });

  it('stops the command when the signal aborts while it is being spawned', async () => {
    const controller = new AbortController();
    const begun = Date.now();
    const running = runCommandTrial(
      { command: 'sleep 30', env: {}, timeoutSeconds: 10, output: 'stdout' },
      { signal: controller.signal },
    );
    // runCommandTrial has called spawn and awaits its 'spawn' event: no abort listener yet.
    controller.abort();
    await expect(running).rejects.toThrow(/^command was aborted: sleep 30/);
    expect(Date.now() - begun).toBeLessThan(5000);
  });
});

describe('docs/command-protocol.md', () => {
  async function pythonExample(index: number): Promise<string> {
    const blocks = (await readFile(docs, 'utf8')).match(/```python\n[\s\S]*?```/g) ?? [];
    const script = path.join(dir, `example${index}.py`);
    await writeFile(script, blocks[index]?.slice('```python\n'.length, -3) ?? '');
    return script;
  }

  it('runs the minimal Python example as written', async () => {
    const result = await trial(`python3 ${await pythonExample(0)}`);
    expect(result.metrics.map(({ name, unit, direction }) => ({ name, unit, direction }))).toEqual([
      { name: 'latency_p50', unit: 'ms', direction: 'lower' },
      { name: 'ops_per_second', unit: 'ops/s', direction: 'higher' },
    ]);
  });

  it('has a PyTorch example that is valid Python', async () => {
    const script = await pythonExample(1);
    execFileSync('python3', ['-m', 'py_compile', script], { stdio: 'pipe' });
  });
});
