/**
 * The report of `perfgate bisect`: the conclusion, the culprit and its step, and every step with
 * its commit, trials and answer. Commit subjects are other people's text: every cell goes through
 * the grid's escaping, and the lines around it through escapeTerminal / escapeMarkdown.
 */
import type { BisectOutcome, BisectStep, CommitInfo, StepChange } from '../compare/bisect.js';
import { plural, shortRevision } from '../text.js';
import { escapeMarkdown, escapeTerminal } from './escape.js';
import { formatChange } from './format.js';
import { layoutMarkdown, layoutText, type Grid } from './grid.js';

const ANSWERS: Record<BisectStep['answer'], string> = {
  same: 'same as good',
  different: 'different (regressed)',
  unknown: 'unknown (not decided by the maximum of trials)',
  skipped: 'skipped',
};

function changeText(changes: readonly StepChange[]): string {
  return changes
    .map(({ metric, change, lower, upper }) =>
      change === null
        ? `${metric} —`
        : `${metric} ${formatChange(change)}` +
          (lower !== null && upper !== null
            ? ` (${formatChange(lower)} … ${formatChange(upper)})`
            : ''),
    )
    .join(', ');
}

const commitLine = (c: CommitInfo) => `${shortRevision(c.sha)} ${c.subject}`;

function stepsGrid(outcome: BisectOutcome): Grid {
  return {
    columns: ['step', 'commit', 'trials', 'answer', 'change against good'],
    align: ['r', 'l', 'r', 'l', 'l'],
    rows: outcome.steps.map((s, i) => [
      s.kind === 'confirm' ? 'confirm' : String(i),
      commitLine(s.commit),
      String(s.trials),
      s.kind === 'confirm' && s.answer === 'different' ? 'regressed: confirmed' : ANSWERS[s.answer],
      s.reason ? `skipped: ${s.reason}` : changeText(s.changes),
    ]),
  };
}

/** The conclusion in words, one line per fact; escape is the face's. */
function conclusion(outcome: BisectOutcome, escape: (text: string) => string): string[] {
  const range =
    `${shortRevision(outcome.good.sha)}..${shortRevision(outcome.bad.sha)}: ` +
    `${plural(outcome.commits, 'first-parent commit')}`;
  if (outcome.followed.length === 0) {
    return [
      `No culprit: measured beside each other, bad did not regress against good on any ` +
        `${outcome.named.length > 0 ? `metric named (${escape(outcome.named.join(', '))})` : 'gating metric'} (${range}), so there is nothing to bisect.`,
    ];
  }
  const followed = `followed: ${escape(outcome.followed.join(', '))}`;
  if (outcome.culprit) {
    const c = outcome.culprit;
    return [
      `First bad commit: ${c.sha}`,
      `  ${escape(c.subject)} (${c.date})`,
      `  step: ${escape(changeText(outcome.step))}`,
      `${range}; ${followed}`,
    ];
  }
  const among = outcome.among.map((c) => escape(commitLine(c))).join('; ');
  return [
    `No single culprit: the regression lies among ${plural(outcome.among.length, 'commit')} ` +
      `(${among}): the commits between were unknown or skipped, or the change is spread over several`,
    `${range}; ${followed}`,
  ];
}

function totals(outcome: BisectOutcome): string {
  const trials = outcome.steps.reduce((sum, s) => sum + s.trials, 0);
  return (
    `${plural(outcome.steps.length, 'step')}, ${plural(trials, 'trial')} per side in all, ` +
    `${Math.round(outcome.seconds)} s`
  );
}

export function renderBisectText(outcome: BisectOutcome): string {
  return [
    ...conclusion(outcome, escapeTerminal),
    '',
    layoutText(stepsGrid(outcome)),
    '',
    totals(outcome),
    '',
  ].join('\n');
}

/** The merged pull request that brought the culprit in, when the action found one. */
export interface CulpritPullRequest {
  number: number;
  url: string;
  title: string;
}

export function renderBisectMarkdown(
  outcome: BisectOutcome,
  pullRequest?: CulpritPullRequest,
): string {
  const [first = '', ...rest] = conclusion(outcome, escapeMarkdown);
  // Named as a fact, with a link: no @-mention, nothing asked of its author.
  const brought = pullRequest
    ? [
        `brought in by pull request [${pullRequest.number}](${pullRequest.url}): ${escapeMarkdown(pullRequest.title)}`,
      ]
    : [];
  return [
    `### perfgate bisect`,
    '',
    `**${first}**`,
    ...[...rest, ...brought].map((line) => `${line.trim()}  `),
    '',
    layoutMarkdown(stepsGrid(outcome)),
    '',
    totals(outcome),
    '',
  ].join('\n');
}

export function renderBisectJson(outcome: BisectOutcome): string {
  const { culprit, ...rest } = outcome;
  return `${JSON.stringify({ culprit: culprit?.sha ?? null, culpritCommit: culprit, ...rest }, null, 2)}\n`;
}
