/**
 * Compaction of old results (`perfgate history compact --before DATE`): each metric's trials are
 * replaced by their median, with their count and spread kept beside it (`compacted`). Across runs
 * the unit is the run's median (DESIGN.md, "A run is a unit too"), so a baseline or a change-point
 * search over compacted runs sees what it saw before; only within-run detail is dropped, and the
 * git store keeps it in the branch's history, for compaction is one more commit. Pure.
 */
import { describe } from '../stats/describe.js';
import type { Metric, Results } from '../results/schema.js';

/**
 * `results` with every metric of more than one trial compacted; the same object when nothing
 * changes (already compacted, or one trial per metric), so a second compaction is a no-op.
 */
export function compactResults(results: Results): Results {
  let changed = false;
  const suites = results.suites.map((suite) => ({
    ...suite,
    metrics: suite.metrics.map((metric) => {
      const compacted = compactMetric(metric);
      changed ||= compacted !== metric;
      return compacted;
    }),
  }));
  return changed ? { ...results, suites } : results;
}

function compactMetric(metric: Metric): Metric {
  if (metric.compacted || metric.samples.length < 2) return metric;
  const { n, median, min, q1, q3, max } = describe(metric.samples);
  return { ...metric, samples: [median], compacted: { trials: n, min, q1, q3, max } };
}

/** `YYYY-MM-DD` (midnight UTC) or an ISO date-time with a zone; undefined if neither. */
export function parseCutoff(text: string): Date | undefined {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(iso)) {
    return undefined;
  }
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return undefined;
  // `new Date` rolls 2026-02-30 over to 2026-03-02: the day written must be the day read back.
  const written = iso.slice(0, 10);
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(iso);
  const minutes = offset
    ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]))
    : 0;
  const local = new Date(date.getTime() + minutes * 60_000).toISOString().slice(0, 10);
  return local === written ? date : undefined;
}
