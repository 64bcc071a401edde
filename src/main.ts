/**
 * The GitHub Action: read inputs, run the shared pipeline, write the report, set outputs.
 * Thin on purpose: everything it calls is tested without GitHub.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as core from '@actions/core';
import { readInputs } from './action/inputs.js';
import { compareSides, policyFrom } from './commands/compare.js';
import { overallVerdict } from './report/json.js';
import { renderComparisonMarkdown } from './report/markdown.js';
import { SUMMARY_LIMIT, truncateMarkdown } from './report/truncate.js';

export async function run(): Promise<void> {
  try {
    const inputs = readInputs();
    const cwd = process.env.GITHUB_WORKSPACE ?? process.cwd();
    const policy = await policyFrom(
      {
        config: inputs.config,
        alpha: inputs.alpha?.toString(),
        threshold: inputs.threshold?.toString(),
        adjustment: inputs.adjustment,
      },
      { cwd, env: process.env, stdout: () => {}, stderr: () => {} },
    );
    const comparison = await compareSides(inputs.base, inputs.head, policy, cwd);
    const markdown = renderComparisonMarkdown(comparison, {
      title: inputs.name,
      baseLabel: inputs.base,
      headLabel: inputs.head,
    });
    const reportFile = resolve(cwd, inputs.reportPath);
    await writeFile(reportFile, markdown);
    await core.summary.addRaw(truncateMarkdown(markdown, SUMMARY_LIMIT)).write();

    const verdict = overallVerdict(comparison);
    core.setOutput('verdict', verdict);
    core.setOutput('regressions', comparison.counts.regression);
    core.setOutput('improvements', comparison.counts.improvement);
    core.setOutput('report-file', reportFile);
    if (verdict === 'regression' && inputs.failOnRegression) {
      const names = comparison.metrics.filter((m) => m.verdict === 'regression').map((m) => m.key);
      core.setFailed(`perfgate: ${names.length} metric(s) regressed: ${names.join(', ')}`);
    }
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}
