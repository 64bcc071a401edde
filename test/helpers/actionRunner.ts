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

export async function runAction(options: {
  inputs: Record<string, string>;
  event: { name: string; payload: object; ref?: string; sha?: string };
  workspace: string;
  env?: Record<string, string>;
}): Promise<ActionRun> {
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
  const env = {
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
  const { code, stdout } = await exec(process.execPath, [join(ROOT, 'dist/index.js')], {
    cwd: options.workspace,
    env,
    maxBuffer: 64 * 1024 * 1024,
  }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );
  return {
    code,
    stdout,
    outputs: parseOutputs(await readFile(output, 'utf8')),
    summary: await readFile(summary, 'utf8'),
  };
}
