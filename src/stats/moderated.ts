/**
 * Moderated variances: many metrics' spreads, each estimated from few runs, shrunk towards what
 * they share (Smyth 2004, "Linear models and empirical Bayes methods for assessing differential
 * expression in microarray experiments"; limma's fitFDist and squeezeVar, without covariates).
 *
 * Model: each metric's true variance σ²ᵢ is drawn from a scaled inverse χ² prior with d₀ degrees
 * of freedom around s₀²; its sample variance s²ᵢ has dᵢ degrees of freedom. Then the posterior
 * variance (d₀ s₀² + dᵢ s²ᵢ) / (d₀ + dᵢ) makes t = difference / se have Student's t with d₀ + dᵢ
 * degrees of freedom. d₀ and s₀² are estimated by moments of log s²ᵢ: the more alike the spreads,
 * the larger d₀, and a metric whose spread is its own keeps most of it (d₀ small).
 *
 * Written here because no maintained JavaScript library fits the prior (limma is R only);
 * checked against limma::squeezeVar in test/fixtures/stats/moderated.R.
 */
import digamma from '@stdlib/math-base-special-digamma';
import trigamma from '@stdlib/math-base-special-trigamma';
import fCdf from '@stdlib/stats-base-dists-f-cdf';

/** The prior the metrics share: d₀ degrees of freedom around a variance s₀². */
export interface VariancePrior {
  df: number;
  variance: number;
}

/** One metric's spread: its sample variance and that estimate's degrees of freedom. */
export interface SampleVariance {
  variance: number;
  df: number;
}

/**
 * The most the pool may weigh against a metric's own runs: d₀ ≤ this × the largest dᵢ. With twenty
 * metrics limma's moment estimate of d₀ is often infinite by chance; believed, it would make the
 * test as sure as a known spread when the spreads merely looked alike. At four times, twenty
 * metrics of one spread stay at or below the false alarms of each metric on its own, and keep most
 * of the power a known spread has (benchmarks/run-to-run.ts).
 */
const PRIOR_WEIGHT_CAP = 4;

/**
 * limma's fitFDist by moments, without covariates: null below three positive variances (the
 * spread of the spreads is then unknowable). Zero variances are left out rather than offset as
 * limma does: a metric that never moved (a count) says nothing about how the others spread.
 *
 * Unlike limma, d₀ is capped (PRIOR_WEIGHT_CAP), and never above the other metrics' degrees of
 * freedom, Σdᵢ − max dᵢ. At the cap the spreads look alike, and s₀² is their pooled variance
 * Σdᵢs²ᵢ / Σdᵢ (limma's choice for an infinite d₀).
 */
export function fitVariancePrior(samples: readonly SampleVariance[]): VariancePrior | null {
  const used = samples.filter((s) => s.variance > 0 && Number.isFinite(s.variance) && s.df > 0);
  if (used.length < 3) return null;
  const e = used.map((s) => Math.log(s.variance) - digamma(s.df / 2) + Math.log(s.df / 2));
  const eMean = e.reduce((a, b) => a + b, 0) / e.length;
  const eVar =
    e.reduce((a, b) => a + (b - eMean) ** 2, 0) / (e.length - 1) -
    used.reduce((a, s) => a + trigamma(s.df / 2), 0) / used.length;
  const dfs = used.map((s) => s.df);
  const total = dfs.reduce((a, b) => a + b, 0);
  const cap = Math.min(total - Math.max(...dfs), PRIOR_WEIGHT_CAP * Math.max(...dfs));
  const uncapped = eVar > 0 ? 2 * trigammaInverse(eVar) : Infinity;
  if (uncapped >= cap) {
    const pooled = used.reduce((a, s) => a + s.df * s.variance, 0) / total;
    return { df: cap, variance: pooled };
  }
  return {
    df: uncapped,
    variance: Math.exp(eMean + digamma(uncapped / 2) - Math.log(uncapped / 2)),
  };
}

/**
 * Under the prior a spread's ratio to s₀² has the F(dᵢ, d₀) distribution: a spread beyond its
 * upper `level` quantile is a metric's own, not the pool's.
 */
export function aboveThePool(sample: SampleVariance, prior: VariancePrior, level: number): boolean {
  return 1 - fCdf(sample.variance / prior.variance, sample.df, prior.df) < level;
}

/** Where a spread of its own is told apart from the pool's (aboveThePool). */
const OWN_SPREAD_LEVEL = 0.05;

/**
 * The prior the spreads share, and which spreads keep their own: a metric's spread is its own
 * when it lies above what the other metrics' prior predicts (aboveThePool). Shrinking such a
 * spread towards the pool would make its test too eager, and since the spread is the metric's
 * own, eager in every run. The prior stays the one fitted on all: refitted without the largest
 * spreads it would lean low whenever a spread looked large by chance.
 */
export function shareSpreads(
  samples: readonly SampleVariance[],
): { prior: VariancePrior; own: boolean[] } | null {
  const prior = fitVariancePrior(samples);
  if (!prior) return null;
  const own = samples.map((sample, i) => {
    if (sample.variance <= 0) return false;
    const others = fitVariancePrior(samples.filter((_, j) => j !== i));
    return others !== null && aboveThePool(sample, others, OWN_SPREAD_LEVEL);
  });
  return { prior, own };
}

/** limma's squeezeVar for one metric: its posterior variance and the t statistic's df. */
export function moderate(sample: SampleVariance, prior: VariancePrior): SampleVariance {
  const df = prior.df + sample.df;
  return { variance: (prior.df * prior.variance + sample.df * sample.variance) / df, df };
}

/**
 * The x > 0 with trigamma(x) = y. Bisection on log x (trigamma is strictly decreasing), since
 * stdlib has no tetragamma for limma's Newton step; 200 halvings reach the last bit.
 */
export function trigammaInverse(y: number): number {
  if (!(y > 0)) throw new RangeError(`trigammaInverse needs y > 0, got ${y}`);
  let low = Math.log(1e-8);
  let high = Math.log(1e12);
  for (let i = 0; i < 200 && high - low > 1e-15; i++) {
    const middle = (low + high) / 2;
    if (trigamma(Math.exp(middle)) > y) low = middle;
    else high = middle;
  }
  return Math.exp((low + high) / 2);
}
