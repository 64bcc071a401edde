// Runs the bundled action (dist/index.js) the way a GitHub runner does: INPUT_* variables, a
// GITHUB_EVENT_PATH payload file, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and the workspace.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
export const ROOT = resolve(import.meta.dirname, '../..');

export interface ActionRun {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

/** GITHUB_OUTPUT holds `name<<DELIMITER\nvalue\nDELIMITER` blocks (as @actions/core writes them). */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const pattern = /^(.+?)<<(.+)\n([\s\S]*?)\n\2$/gm;
  for (const match of text.matchAll(pattern)) outputs[match[1] as string] = match[3] as string;
  return outputs;
}

export interface ActionJob {
  inputs: Record<string, string>;
  event: { name: string; payload: object; ref?: string; sha?: string };
  workspace: string;
  env?: Record<string, string>;
}

/** What a runner gives a step: the environment, and the event, output and summary files. */
async function prepare(options: ActionJob) {
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-runner-'));
  const [eventPath, output, summary] = ['event.json', 'output', 'summary.md'].map((f) =>
    join(dir, f),
  ) as [string, string, string];
  await writeFile(eventPath, JSON.stringify(options.event.payload));
  await writeFile(output, '');
  await writeFile(summary, '');
  const inputs = Object.fromEntries(
    Object.entries(options.inputs).map(([name, value]) => [
      `INPUT_${name.replace(/ /g, '_').toUpperCase()}`,
      value,
    ]),
  );
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.event.name,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: 'octo-org/octo-repo',
    GITHUB_SHA: options.event.sha ?? 'a'.repeat(40),
    GITHUB_REF: options.event.ref ?? 'refs/heads/main',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    ...inputs,
    ...options.env,
  };
  const finish = async (code: number, stdout: string): Promise<ActionRun> => ({
    code,
    stdout,
    outputs: parseOutputs(await readFile(output, 'utf8')),
    summary: await readFile(summary, 'utf8'),
  });
  return { env, finish };
}

/** The bundled dist/index.js in its own process, as a runner starts it. */
export async function runAction(options: ActionJob): Promise<ActionRun> {
  const { env, finish } = await prepare(options);
  const { code, stdout } = await exec(process.execPath, [join(ROOT, 'dist/index.js')], {
    cwd: options.workspace,
    env,
    maxBuffer: 64 * 1024 * 1024,
  }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );
  return finish(code, stdout);
}

/**
 * src/main.ts `run()` in this process, with the same environment: the runner's variables replace
 * process.env for the call (main.ts is the one module that reads it), and what the step writes to
 * stdout (log lines and workflow commands) is captured. Both are restored afterwards.
 */
export async function runActionInProcess(options: ActionJob): Promise<ActionRun> {
  const { env, finish } = await prepare(options);
  const { run } = await import('../../src/main.js');
  const saved = { env: process.env, write: process.stdout.write, exitCode: process.exitCode };
  let stdout = '';
  process.env = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stdout.write;
  process.exitCode = 0;
  try {
    await run();
    return await finish(Number(process.exitCode ?? 0), stdout);
  } finally {
    process.env = saved.env;
    process.stdout.write = saved.write;
    process.exitCode = saved.exitCode;
  }
}
