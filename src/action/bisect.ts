/**
 * Mode bisect (workflow_dispatch, perf-bisect.yml): `perfgate bisect` between the inputs good and
 * bad, and one comment on the tracking issue naming the culprit and the merged pull request that
 * brought it in. It names facts only: nobody is mentioned or asked anything.
 */
import { InputError } from '../errors.js';
import { mergedPullRequestOf } from '../github/pulls.js';
import { bisect } from '../pipeline/bisect.js';
import { postReport } from '../pipeline/comment.js';
import { renderBisectMarkdown } from '../report/bisect.js';
import { INPUT } from './inputs.js';
import { actionProgress, loadActionConfig } from './shared.js';
import type { ActionEnv, ModeResult } from './types.js';

export async function bisectMode(action: ActionEnv): Promise<ModeResult> {
  const { inputs, context, github } = action;
  if (!inputs.good || !inputs.bad) {
    throw new InputError(`mode bisect needs inputs ${INPUT.good} and ${INPUT.bad}`, {
      field: 'input mode',
    });
  }
  const config = await loadActionConfig(action);
  const outcome = await bisect({
    config,
    good: inputs.good,
    bad: inputs.bad,
    metrics: inputs.metric ?? [],
    overrides: inputs.policy,
    env: action.env,
    progress: actionProgress(),
    fields: { good: `input ${INPUT.good}`, bad: `input ${INPUT.bad}` },
  });
  const repo = { owner: context.owner, repo: context.repo };
  const pull =
    outcome.culprit && github
      ? await mergedPullRequestOf(github, { ...repo, sha: outcome.culprit.sha })
      : undefined;
  const markdown = renderBisectMarkdown(outcome, pull);
  const notes: string[] = [];
  if (inputs.issue !== undefined && github) {
    // One comment per issue and range: a rerun of the same bisection updates it.
    const range = `${outcome.good.sha.slice(0, 12)}.${outcome.bad.sha.slice(0, 12)}`;
    const posted = await postReport(github, inputs.issue, {
      ...repo,
      name: `${inputs.name}.bisect.${range}`,
      markdown,
      botLogin: inputs.commentAuthor,
    });
    if ('url' in posted) notes.push(`issue comment ${posted.action}: ${posted.url}`);
    else if ('skipped' in posted)
      notes.push('the token cannot comment: the result is in the job summary');
  } else if (inputs.issue !== undefined) {
    notes.push('no github-token: the result is in the job summary only');
  }
  return {
    verdict: 'bisected',
    markdown,
    failures: [],
    notes,
    outputs: { culprit: outcome.culprit?.sha ?? '', 'culprit-pr': pull ? String(pull.number) : '' },
  };
}
