/**
 * One variant of a run as a side of a comparison: `results.json#baseline` vs
 * `results.json#candidate` compares two variants measured interleaved in the same run. Pure.
 */
import { InputError } from '../errors.js';
import type { Results } from './schema.js';

/**
 * `api#fast`: a suite and its variant, written as a side names a variant (`results.json#fast`),
 * in every table, message and metric key.
 */
export function suiteLabel(suite: string, variant: string | undefined): string {
  return variant ? `${suite}#${variant}` : suite;
}

/** `path#variant` → [path, variant]; a `#` is rare in paths, so the last one separates. */
export function splitVariant(spec: string): [string, string | undefined] {
  const at = spec.lastIndexOf('#');
  return at <= 0 ? [spec, undefined] : [spec.slice(0, at), spec.slice(at + 1)];
}

/** The suites of one variant, without the variant name, so both sides' metric keys match. */
export function selectVariant(results: Results, variant: string, label: string): Results {
  const suites = results.suites.filter((suite) => suite.variant === variant);
  if (suites.length === 0) {
    const known = [...new Set(results.suites.flatMap((s) => (s.variant ? [s.variant] : [])))];
    throw new InputError(
      `no variant '${variant}' in these results (variants: ${known.join(', ') || 'none'})`,
      { file: label },
    );
  }
  return { ...results, suites: suites.map(({ variant: _variant, ...suite }) => suite) };
}
