/**
 * Gathers trial outcomes into results suites: one sample per trial per metric, in trial order.
 * A metric that a trial did not produce gets no invented value; the gap is noted instead.
 */
import type { Direction, SuiteResult } from '../results/schema.js';
import type { TrialMetric } from '../collect/types.js';

interface Series {
  unit: string;
  direction: Direction;
  target?: number;
  informational?: boolean;
  samples: number[];
}

interface SuiteVariant {
  suite: string;
  variant: string;
  trials: number;
  /** Wall time spent on this suite and variant: warm-up and trials. */
  seconds: number;
  metrics: Map<string, Series>;
  notes: Set<string>;
}

/** What a metric is, beside its values: the first trial's stands, a later change is noted. */
const KIND_FIELDS = ['unit', 'direction', 'target'] as const;
const LIST = new Intl.ListFormat('en', { type: 'conjunction' });

export class TrialAccumulator {
  private readonly entries = new Map<string, SuiteVariant>();

  add(
    suite: string,
    variant: string,
    metrics: readonly TrialMetric[],
    notes: readonly string[],
    seconds: number,
  ): void {
    const key = JSON.stringify([suite, variant]);
    const entry = this.entries.get(key) ?? {
      suite,
      variant,
      trials: 0,
      seconds: 0,
      metrics: new Map(),
      notes: new Set(),
    };
    this.entries.set(key, entry);
    entry.trials += 1;
    entry.seconds += seconds;
    const trialNotes = [...notes];
    for (const metric of metrics) {
      const { name, value, ...kind } = metric;
      const series = entry.metrics.get(name) ?? { ...kind, samples: [] };
      entry.metrics.set(name, series);
      series.samples.push(value);
      const changed = KIND_FIELDS.filter((field) => kind[field] !== series[field]);
      if (changed.length > 0) {
        const was = changed
          .map((field) =>
            series[field] === undefined ? `no ${field}` : `${field} ${series[field]}`,
          )
          .join(', ');
        trialNotes.push(
          `${name} changed its ${LIST.format(changed)}; kept the first trial's (${was})`,
        );
      }
    }
    for (const note of trialNotes) entry.notes.add(`trial ${entry.trials}: ${note}`);
  }

  /** Suites in first-run order; `withVariants` keeps the variant name (several variants ran). */
  suites(withVariants: boolean, knobs: ReadonlyMap<string, Record<string, string>>): SuiteResult[] {
    return [...this.entries.values()].map((entry) => {
      const gaps = [...entry.metrics]
        .filter(([, series]) => series.samples.length < entry.trials)
        .map(
          ([name, series]) =>
            `${name} is missing from ${entry.trials - series.samples.length} of ${entry.trials} trials`,
        );
      const notes = [...entry.notes, ...gaps];
      const variantKnobs = knobs.get(entry.variant) ?? {};
      return {
        name: entry.suite,
        ...(withVariants ? { variant: entry.variant } : {}),
        ...(withVariants && Object.keys(variantKnobs).length > 0 ? { knobs: variantKnobs } : {}),
        metrics: [...entry.metrics].map(([name, series]) => ({ name, ...series })),
        ...(notes.length > 0 ? { notes } : {}),
        seconds: Math.round(entry.seconds * 1000) / 1000,
      };
    });
  }
}
