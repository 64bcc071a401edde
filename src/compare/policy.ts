/**
 * The comparison policy: one typed object with defaults, user options as a Partial.
 * "Regression" needs both statistical evidence (adjusted p < alpha) and a practically
 * relevant size (relative change beyond the metric's threshold).
 */
import { matchesGlob } from '../config/glob.js';
import { CompareSchema, type CompareOptions, type ThresholdRule } from '../config/schema.js';

/** The config's `compare` section (its defaults are the policy's), and the intervals' level. */
export type ComparePolicy = CompareOptions & { confLevel: number };

const DEFAULT_POLICY: ComparePolicy = { ...CompareSchema.parse({}), confLevel: 0.95 };

/**
 * Merge policy layers, later ones winning, where an undefined entry means "not set here": the
 * config's `compare` section, then command-line options or action inputs.
 */
export function layerPolicies(...layers: Partial<ComparePolicy>[]): Partial<ComparePolicy> {
  return Object.assign(
    {},
    ...layers.map((layer) =>
      Object.fromEntries(Object.entries(layer).filter(([, v]) => v !== undefined)),
    ),
  ) as Partial<ComparePolicy>;
}

/** Fill in defaults; `{ alpha: undefined }` keeps the default. */
export function resolvePolicy(options: Partial<ComparePolicy> = {}): ComparePolicy {
  return { ...DEFAULT_POLICY, thresholds: [], ...layerPolicies(options) };
}

/**
 * The two-sided level a lone regression among `family` gating metrics must reach: alpha over the
 * family under BH or Holm (both reject a lone hypothesis exactly there), alpha without adjustment.
 */
export function loneRegressionLevel(policy: ComparePolicy, family: number): number {
  return policy.adjustment === 'none' ? policy.alpha : policy.alpha / Math.max(1, family);
}

/** The relative threshold that applies to a metric key: the first matching rule, else the default. */
export function thresholdFor(policy: ComparePolicy, metricKey: string): number {
  const rule = policy.thresholds.find((r) => ruleMatches(r, metricKey));
  return rule?.threshold ?? policy.threshold;
}

function ruleMatches(rule: ThresholdRule, metricKey: string): boolean {
  // Rules are written on `<suite>/<metric>`; a variant's key `<suite>#<variant>/<metric>` matches
  // them too (and rules that name the variant still can). Names hold no `#`, variants no `/`.
  const keys = [metricKey, metricKey.replace(/#[^/]*\//, '/')];
  return keys.some((key) => matchesGlob(key, rule.metric));
}

/**
 * Notes for the threshold rules that match none of the compared metrics: almost always a typo
 * in the glob, and otherwise a rule that silently does nothing.
 */
export function unmatchedRuleNotes(policy: ComparePolicy, metricKeys: readonly string[]): string[] {
  return policy.thresholds.flatMap((rule, index) =>
    metricKeys.some((key) => ruleMatches(rule, key))
      ? []
      : [
          `threshold rule ${index + 1} ('${rule.metric}') matches no compared metric, so its ` +
            `threshold applies to nothing; rules match <suite>/<metric>`,
        ],
  );
}
