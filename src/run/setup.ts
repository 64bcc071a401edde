/**
 * The config's `setup` commands, run in a tree before it is measured. Each has a timeout, its
 * output goes to its own log section, and a failure is a RunError (exit 3) with the output's tail.
 * The base tree of an A/B run borrows what the head's setup made when the files that decide it
 * are byte-identical: installing the same lockfile twice buys nothing but minutes.
 */
import { lstat, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import type { Config, SetupStep } from '../config/index.js';
import { RunError } from '../errors.js';
import { lastLines, TailBuffer, withTail } from './logTail.js';
import { awaitGroup, describeExit, killWithPerfgate, spawnInGroup } from './processGroup.js';
import type { Progress } from './progress.js';

const OUTPUT_BYTES = 256 * 1024;
const TAIL_LINES = 30;

export interface SetupTree {
  /** How reports and errors name the tree: "head", or "base (abc1234)". */
  label: string;
  config: Config;
}

const exists = (file: string) =>
  lstat(file).then(
    () => true,
    () => false,
  );

async function sameBytes(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([readFile(a).catch(() => null), readFile(b).catch(() => null)]);
  return x !== null && y !== null && x.equals(y);
}

async function allExist(files: readonly string[]): Promise<boolean> {
  return (await Promise.all(files.map(exists))).every(Boolean);
}

/** Why a step need not run in `tree`, borrowing from `lender` where it can; undefined: run it. */
async function skipReason(
  step: SetupStep,
  lenderStep: SetupStep | undefined,
): Promise<string | undefined> {
  const created = step.creates.map((p) => path.basename(p)).join(', ');
  if (step.creates.length > 0 && (await allExist(step.creates))) return `${created} exists`;
  if (!lenderStep || step.inputs.length === 0 || step.creates.length === 0) return undefined;
  const identical = await Promise.all(
    step.inputs.map((file, i) => sameBytes(file, lenderStep.inputs[i] ?? '')),
  );
  if (!identical.every(Boolean) || !(await allExist(lenderStep.creates))) return undefined;
  for (const [i, target] of lenderStep.creates.entries()) {
    const link = step.creates[i] as string;
    if (!(await exists(link))) await symlink(target, link);
  }
  const inputs = step.inputs.map((p) => path.basename(p)).join(', ');
  return `${inputs} identical to the head's, so it uses the head's ${created}`;
}

/** What setup steps run with: where progress goes, and the environment their commands get. */
export interface SetupContext {
  progress: Progress;
  env: NodeJS.ProcessEnv;
}

async function execute(step: SetupStep, tree: SetupTree, context: SetupContext): Promise<void> {
  const { progress } = context;
  const child = await spawnInGroup(step.command, {
    cwd: step.cwd,
    env: context.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = new TailBuffer(OUTPUT_BYTES);
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      output.push(chunk);
      for (const line of chunk.split('\n')) if (line.trim()) progress.note(`  ${line}`);
    });
  }
  const release = killWithPerfgate(child.pid as number);
  const end = await awaitGroup(child, { timeoutSeconds: step.timeoutSeconds }).finally(release);
  if (!end.stopped && end.code === 0) return;
  const how = end.stopped
    ? `timed out after ${step.timeoutSeconds}s`
    : `exited ${describeExit(end)}`;
  throw new RunError(
    withTail(
      `setup command \`${step.command}\` ${how} in the ${tree.label} tree`,
      `last ${TAIL_LINES} lines of its output`,
      lastLines(output.text(), TAIL_LINES),
    ),
  );
}

/**
 * Run `tree`'s setup steps in order; `lender` is the head tree an A/B run's base may borrow from.
 * Returns notes for the report (what was skipped and why).
 */
export async function runSetup(
  tree: SetupTree,
  context: SetupContext,
  lender?: SetupTree,
): Promise<string[]> {
  const notes: string[] = [];
  for (const [i, step] of tree.config.setup.entries()) {
    const skipped = await skipReason(step, lender?.config.setup[i]);
    if (skipped) {
      notes.push(`setup \`${step.command}\` skipped in the ${tree.label} tree: ${skipped}`);
      continue;
    }
    context.progress.section(`setup (${tree.label}): ${step.command}`);
    await execute(step, tree, context);
  }
  return notes;
}
