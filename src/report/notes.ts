/**
 * Per-metric notes, grouped: the same note on twenty metrics (e.g. "3 vs 3 trials can never reach
 * p < 0.05") is said once, with the metrics it concerns, instead of twenty times.
 */
import type { MetricComparison } from '../compare/comparison.js';
import { metricLabel } from './table.js';

/** How many metric names a grouped note spells out before it says "…". */
const NAMED = 3;

/** One note and the metrics (their labels) that carry it, in the order the metrics come. */
export interface NoteGroup {
  note: string;
  labels: string[];
}

export function metricNoteGroups(metrics: readonly MetricComparison[]): NoteGroup[] {
  const groups = new Map<string, string[]>();
  for (const m of metrics) {
    for (const note of new Set(m.notes)) {
      const labels = groups.get(note) ?? [];
      labels.push(metricLabel(m));
      groups.set(note, labels);
    }
  }
  return [...groups].map(([note, labels]) => ({ note, labels }));
}

/**
 * `label: note` for one metric, `note (20 metrics: a, b, c, …)` for several. `escape` is applied
 * to every piece of input text (names and notes), never to the words added here.
 */
export function noteGroupText(
  { note, labels }: NoteGroup,
  escape: (text: string) => string = (text) => text,
): string {
  if (labels.length === 1) return `${escape(labels[0] as string)}: ${escape(note)}`;
  const named = labels.slice(0, NAMED).map(escape);
  const more = labels.length > NAMED ? ', …' : '';
  return `${escape(note)} (${labels.length} metrics: ${named.join(', ')}${more})`;
}
