/**
 * Warnings for suites whose requests failed or were answered with errors: an endpoint that
 * answers 500 quickly looks fast, and its numbers are not the service's. Pure.
 */
import { median } from 'simple-statistics';
import type { Results } from '../results/schema.js';
import { suiteLabel } from '../results/variant.js';

/** "api/search: 50 % of responses were not 2xx, 0 % of requests failed (median over 5 trials)" */
export function requestHealthWarnings(results: Results): string[] {
  return results.suites.flatMap((suite) => {
    const share = (name: string) => {
      const samples = suite.metrics.find((m) => m.name === name)?.samples ?? [];
      return samples.length > 0 ? median([...samples]) : 0;
    };
    const [non2xx, failed] = [share('non2xx_rate'), share('error_rate')];
    if (non2xx === 0 && failed === 0) return [];
    const trials = suite.metrics.find((m) => m.name === 'non2xx_rate')?.samples.length ?? 0;
    return [
      `${suiteLabel(suite.name, suite.variant)}: ${+non2xx.toPrecision(3)} % of responses were not 2xx, ` +
        `${+failed.toPrecision(3)} % of requests failed (median over ${trials} trials): is the endpoint failing?`,
    ];
  });
}
