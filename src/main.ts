/**
 * The GitHub Action: choose the edges (store, GitHub client) from the inputs and the event, run
 * the mode, then publish what it returned: report file, job summary, the sticky PR comment,
 * annotations and outputs. Thin on purpose: the modes and everything below are tested without it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as core from '@actions/core';
import { INPUT, readInputs } from './action/inputs.js';
import { hostSources } from './collect/doctor.js';
import { TUNE_STATE_PATH } from './pipeline/defaults.js';
import { restoreRunner, tuneRunner } from './pipeline/tune.js';
import { MODES_BY_NAME } from './action/modes.js';
import type { ActionEnv, ModeResult } from './action/types.js';
import { createClient } from './github/client.js';
import { readEventContext, type EventContext } from './github/context.js';
import { escapeLogLine, escapeTerminal } from './report/escape.js';
import { formatChange } from './report/format.js';
import { metricLabel } from './report/table.js';
import { postReport } from './pipeline/comment.js';
import { SUMMARY_LIMIT, truncateMarkdown } from './report/truncate.js';
import { gitStore } from './store/gitStore.js';

/**
 * Every message the action prints, through one door. @actions/core encodes line breaks in
 * annotations and failures (so no workflow command gets in) but passes ESC, OSC and BEL, and
 * `core.info` passes everything: text from a fork (an artifact's error, a metric's name) must
 * reach the log as escaped data.
 */
const log = {
  info: (text: string) => core.info(escapeLogLine(text)),
  warning: (text: string, properties?: core.AnnotationProperties) =>
    core.warning(escapeTerminal(text), properties),
  error: (text: string, properties?: core.AnnotationProperties) =>
    core.error(escapeTerminal(text), properties),
  failed: (text: string) => core.setFailed(escapeTerminal(text)),
};

/** GitHub shows 10 annotations per level and step; more are dropped silently. */
const ANNOTATIONS_PER_LEVEL = 10;

export async function run(): Promise<void> {
  try {
    const inputs = readInputs();
    const context = readEventContext(process.env);
    const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
    const action: ActionEnv = {
      inputs,
      context,
      workspace,
      env: process.env,
      store: gitStore({ repoDir: workspace, dataBranch: inputs.dataBranch }),
      ...(inputs.githubToken
        ? {
            github: createClient(inputs.githubToken, {
              baseUrl: process.env.GITHUB_API_URL,
              warn: log.warning,
            }),
          }
        : {}),
    };
    const result = await tunedAround(action, () => MODES_BY_NAME[inputs.mode](action));
    await publish(action, result);
  } catch (error) {
    log.failed(error instanceof Error ? error.message : String(error));
  }
}

/** With input tune, the runner tuned for the mode and put back after it, whatever happened. */
async function tunedAround<T>(action: ActionEnv, mode: () => Promise<T>): Promise<T> {
  if (!action.inputs.tune) return mode();
  const sources = hostSources(action.env, action.workspace);
  const state = path.resolve(action.workspace, TUNE_STATE_PATH);
  for (const line of await tuneRunner(sources, state, `input ${INPUT.tune}`)) log.info(line);
  try {
    return await mode();
  } finally {
    log.info(await restoreRunner(sources, state, `input ${INPUT.tune}`));
  }
}

async function publish(action: ActionEnv, result: ModeResult): Promise<void> {
  const { inputs } = action;
  const reportFile = path.resolve(action.workspace, inputs.reportPath);
  await mkdir(path.dirname(reportFile), { recursive: true });
  await writeFile(reportFile, result.markdown);
  await core.summary.addRaw(truncateMarkdown(result.markdown, SUMMARY_LIMIT)).write();

  const commentUrl = await comment(action, result);
  annotate(result);
  // Notes quote fork-controlled text (names, environment strings): one escaped line each, never
  // a line of its own that the runner would read as a workflow command.
  for (const note of result.notes) log.info(`note: ${note}`);

  core.setOutput('verdict', result.verdict);
  core.setOutput('regressions', result.comparison?.counts.regression ?? 0);
  core.setOutput('improvements', result.comparison?.counts.improvement ?? 0);
  core.setOutput('unseen', result.comparison?.counts.unseen ?? 0);
  core.setOutput('results-file', result.resultsFile ?? '');
  core.setOutput('report-file', reportFile);
  core.setOutput('comment-url', commentUrl ?? '');
  for (const [name, value] of Object.entries(result.outputs ?? {})) core.setOutput(name, value);
  if (result.failures.length > 0) log.failed(`perfgate: ${result.failures.join('; ')}`);
}

async function comment(action: ActionEnv, result: ModeResult): Promise<string | undefined> {
  const { inputs } = action;
  if (inputs.comment === 'never' || result.pullRequest === undefined) return undefined;
  if (!action.github) {
    log.info('no github-token: the report is in the job summary only');
    return undefined;
  }
  if (isForkPullRequest(action.context)) {
    log.info(
      'fork pull request: its token is read-only, so the workflow_run commenter (mode report) posts the comment',
    );
    return undefined;
  }
  // on-change: a new comment only when something changed (or could not be seen), but an existing one is always brought
  // up to date, so a fixed regression does not leave a stale red comment behind.
  // A metric not seen is news too: the reviewer must not read the silence as a pass.
  const changed = ['regression', 'improvement', 'unseen'].includes(result.verdict);
  const posted = await postReport(action.github, result.pullRequest, {
    owner: action.context.owner,
    repo: action.context.repo,
    name: inputs.name,
    markdown: result.markdown,
    botLogin: inputs.commentAuthor,
    create: inputs.comment === 'always' || changed,
  });
  if ('skipped' in posted) {
    log.info('the token cannot comment (read-only): the report is in the job summary');
    return undefined;
  }
  if (posted.action === 'none') return undefined;
  log.info(`comment ${posted.action}: ${posted.url}`);
  return posted.url;
}

function isForkPullRequest(context: EventContext): boolean {
  return context.pullRequest?.isFork === true;
}

/** The worst regressions as error annotations, the comparison's warnings as warnings. */
function annotate(result: ModeResult): void {
  const comparison = result.comparison;
  if (!comparison) return;
  const worst = comparison.metrics
    .filter((m) => m.verdict === 'regression')
    .sort((a, b) => Math.abs(b.change ?? 0) - Math.abs(a.change ?? 0))
    .slice(0, ANNOTATIONS_PER_LEVEL);
  for (const m of worst) {
    const change = m.change === null ? `${m.shift}` : formatChange(m.change);
    log.error(
      `${metricLabel(m)}: ${change} (adjusted p = ${(m.pAdjusted ?? m.p ?? 1).toPrecision(2)})`,
      {
        title: 'perfgate: performance regression',
      },
    );
  }
  for (const note of comparison.notes.slice(0, ANNOTATIONS_PER_LEVEL))
    log.warning(note, { title: 'perfgate' });
}
