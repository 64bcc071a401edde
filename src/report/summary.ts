/**
 * The action's job summaries other than the gate's (gate.ts): what a record, a shard plan, a
 * shard job, a sweep and a dashboard build did. Each takes the report's title (input `name`) and
 * the data, and escapes every piece of text that came from outside here, in one place.
 */
import type { Results } from '../results/schema.js';
import { plural } from '../text.js';
import { escapeMarkdown } from './escape.js';
import { layoutMarkdown } from './grid.js';
import { resultsTable } from './table.js';

/** A file perfgate wrote or stored, as inline code; names come from branches and suites. */
const code = (file: string): string => `\`${file.replace(/`/g, "'")}\``;

const heading = (title: string, what?: string): string =>
  `### ${escapeMarkdown(title)}${what ? `: ${escapeMarkdown(what)}` : ''}`;

export interface RecordedRuns {
  branch: string;
  /** One per results, in order; absent when nothing was stored (`note` says why). */
  stored?: readonly string[];
  note?: string;
  results: readonly Results[];
  /** Sharded runs: the shard each results came from, named in the list of stored files. */
  shards?: readonly string[];
}

/** Results recorded to the history (modes record, nightly, merge on a push), or why not. */
export function recordedSummary(title: string, recorded: RecordedRuns): string {
  const { stored, shards } = recorded;
  const branch = escapeMarkdown(recorded.branch);
  const where = !stored
    ? [`⚠️ ${escapeMarkdown(recorded.note ?? 'not recorded')}`]
    : shards
      ? [
          `Recorded for ${branch}, one result per shard:`,
          ...stored.map((file, i) => `- shard ${escapeMarkdown(shards[i] ?? '?')}: ${code(file)}`),
        ]
      : [`Recorded for ${branch}: ${stored.map(code).join(', ')}`];
  return [
    heading(title),
    '',
    ...where,
    '',
    ...recorded.results.map((r) => layoutMarkdown(resultsTable(r))),
    '',
  ].join('\n');
}

export interface PlannedShardRow {
  shard: string;
  'runs-on': readonly string[];
  suites: readonly string[];
  seconds: number;
}

/** Mode shards: the matrix it planned. */
export function shardPlanSummary(title: string, shards: readonly PlannedShardRow[]): string {
  const grid = {
    columns: ['shard', 'runs on', 'suites', 'expected s'],
    align: ['l', 'l', 'l', 'r'] as ('l' | 'r')[],
    rows: shards.map((s) => [
      s.shard,
      s['runs-on'].join(', '),
      s.suites.join(', '),
      `${s.seconds}`,
    ]),
  };
  return [heading(title, plural(shards.length, 'shard')), '', layoutMarkdown(grid), ''].join('\n');
}

/** A shard job: what it measured; the merge job gives the verdict. */
export function shardJobSummary(
  title: string,
  job: { shard: string; suites: readonly string[]; baseline: string; head: Results },
): string {
  return [
    heading(title, `shard ${job.shard}`),
    '',
    `Suites ${job.suites.map(escapeMarkdown).join(', ')}; baseline: ${escapeMarkdown(job.baseline)}. ` +
      'The merge job judges all shards together, as one family of metrics.',
    '',
    layoutMarkdown(resultsTable(job.head)),
    '',
  ].join('\n');
}

/** Mode sweep: the sweep's own report (sweep/report.ts renders it) under the title. */
export function sweepSummary(title: string, sweep: { report: string; measured: number }): string {
  return `${heading(title, 'sweep')}\n\n${sweep.report}\n${plural(sweep.measured, 'point')} measured.\n`;
}

/** Mode dashboard: what the site shows and where it was written. */
export function dashboardSummary(
  title: string,
  site: {
    branch: string;
    runs: number;
    charts: number;
    changePoints: number;
    environments: number;
    out: string;
  },
): string {
  return [
    heading(title, 'dashboard'),
    '',
    `${plural(site.runs, 'run')} of ${escapeMarkdown(site.branch)}, ` +
      `${plural(site.charts, 'chart')} (${site.changePoints} with change points), ` +
      `${plural(site.environments, 'environment')}: ${code(site.out)}`,
    '',
  ].join('\n');
}
