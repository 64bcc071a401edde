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
 * Robustly (Phipson, Lee, Majewski, Alexander & Smyth 2016, "Robust hyperparameter estimation
 * protects against hypervariable genes and improves power to detect differential expression";
 * limma's fitFDistRobustly, squeezeVar(robust = TRUE)): the prior is fitted on winsorized log
 * spreads, and a spread that lies further out than its rank explains gets a smaller d₀ of its
 * own, so that one noisy metric neither widens the others' prior nor leans on it.
 *
 * Written here because no maintained JavaScript library fits the prior (limma is R only);
 * checked against limma::squeezeVar in test/fixtures/stats/moderated.R, and against
 * limma::fitFDistRobustly and squeezeVar(robust = TRUE) in test/fixtures/stats/moderated.robust.R.
 */
import digamma from '@stdlib/math-base-special-digamma';
import trigamma from '@stdlib/math-base-special-trigamma';
import fCdf from '@stdlib/stats-base-dists-f-cdf';

/** The prior the metrics share: d₀ degrees of freedom around a variance s₀². */
export interface VariancePrior {
  df: number;
  variance: number;
  /**
   * shareSpreads only: the weight for a spread above s₀², at most d₀ (priorDfOf). Shrinking a
   * spread down is what makes a test eager, so there the prior weighs no more than the spreads
   * support at the lower end of its confidence (smallestSupportedDf).
   */
  dfAbove?: number;
  /**
   * Robust fits only (shareSpreads): the smaller weights of spreads that lie above the pool.
   * Steps in order of their upper tail probability under F(dᵢ, d₀) (aboveThePool's), the weight
   * not decreasing: a spread as far out as a step's or further has at most that step's weight.
   * A spread less far out than every step has d₀ (priorDfOf).
   */
  tail?: readonly PriorTailStep[];
}

/** One outlying metric's place in a robust prior: its spread's tail probability and weight. */
export interface PriorTailStep {
  p: number;
  df: number;
}

/** One metric's spread: its sample variance and that estimate's degrees of freedom. */
export interface SampleVariance {
  variance: number;
  df: number;
}

/**
 * The most the pool may weigh against a metric's own runs: d₀ ≤ this × the largest dᵢ. With twenty
 * metrics limma's moment estimate of d₀ is often infinite by chance; believed, it would make the
 * test as sure as a known spread when the spreads merely looked alike. A spread above the pool
 * is held to the weight the spreads support (VariancePrior.dfAbove), so the cap weighs mostly on
 * spreads shrunk up: at eight times, twenty metrics of one spread stay below the false alarms of
 * each metric on its own, and keep most of the power a known spread has (at four, before the
 * bound, a +25 % change was found in 62.5 % of 10,000 simulated checks; at eight with it, 61.7 %:
 * benchmarks/run-to-run.ts).
 */
const PRIOR_WEIGHT_CAP = 8;

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
  const used = samples.filter(isPositive);
  if (used.length < 3) return null;
  const fit = fitFDist(used);
  const dfs = used.map((s) => s.df);
  const total = dfs.reduce((a, b) => a + b, 0);
  const cap = capOf(dfs);
  if (fit.df >= cap) {
    const pooled = used.reduce((a, s) => a + s.df * s.variance, 0) / total;
    return { df: cap, variance: pooled };
  }
  return fit;
}

/** A spread that says how the metrics spread: a positive, finite variance with degrees of freedom. */
function isPositive(sample: SampleVariance): boolean {
  return sample.variance > 0 && Number.isFinite(sample.variance) && sample.df > 0;
}

/** PRIOR_WEIGHT_CAP and the other metrics' degrees of freedom, Σdᵢ − max dᵢ. */
function capOf(dfs: readonly number[]): number {
  const total = dfs.reduce((a, b) => a + b, 0);
  return Math.min(total - Math.max(...dfs), PRIOR_WEIGHT_CAP * Math.max(...dfs));
}

/**
 * limma's moments of the log spreads: their mean and sample variance after the log χ² bias is
 * taken out, and the part of that variance that sampling alone gives (mean trigamma(dᵢ / 2)).
 */
function logSpreadMoments(used: readonly SampleVariance[]) {
  const e = used.map((s) => Math.log(s.variance) - digamma(s.df / 2) + Math.log(s.df / 2));
  const mean = e.reduce((a, b) => a + b, 0) / e.length;
  return {
    mean,
    variance: e.reduce((a, b) => a + (b - mean) ** 2, 0) / (e.length - 1),
    sampling: used.reduce((a, s) => a + trigamma(s.df / 2), 0) / used.length,
  };
}

/** limma's fitFDist without covariates, on positive variances: d₀ may be infinite. */
function fitFDist(used: readonly SampleVariance[]): VariancePrior {
  const moments = logSpreadMoments(used);
  const eMean = moments.mean;
  const eVar = moments.variance - moments.sampling;
  if (!(eVar > 0)) {
    return { df: Infinity, variance: used.reduce((a, s) => a + s.variance, 0) / used.length };
  }
  const df = 2 * trigammaInverse(eVar);
  return { df, variance: Math.exp(eMean + digamma(df / 2) - Math.log(df / 2)) };
}

/**
 * Under the prior a spread's ratio to s₀² has the F(dᵢ, d₀) distribution: a spread beyond its
 * upper `level` quantile is a metric's own, not the pool's.
 */
export function aboveThePool(sample: SampleVariance, prior: VariancePrior, level: number): boolean {
  return 1 - fCdf(sample.variance / prior.variance, sample.df, prior.df) < level;
}

/**
 * Where a spread of its own is told apart from the pool's (aboveThePool). Each level trades one
 * error for the other: a metric of the pool's spread that lies this far out by chance keeps its
 * own (9 degrees of freedom instead of up to 81: in a suite of alike spreads it loses most of its
 * power to see a change), while an odd metric whose spread happens to look ordinary is pooled
 * (its test too eager). With 20 metrics of 10 stored runs (benchmarks/run-to-run.ts, 10,000 PRs,
 * seeds 1–5, with the cap at 4× and before dfAbove): at 5 % one metric in every suite kept its
 * own by chance and a +25 % change was found in 61.6 % of checks; at 2 %, 62.5 %. With one metric at three times the others' spread, A/A pull requests
 * alarmed in 1.9 % at 5 %, 2.1 % at 2 %, 2.2 % at 1 % and 2.3 % without the switch: at 2 % the
 * odd metric's false alarms are three times its share, and the suite's stay below alpha / 2.
 */
const OWN_SPREAD_LEVEL = 0.02;

/**
 * The prior the spreads share, and which spreads keep their own.
 *
 * The prior: from ROBUST_MIN_METRICS positive spreads on, limma's robust fit
 * (fitSpreadsRobustly), so that an outlying metric neither widens the others' prior nor leans on
 * it with the others' weight; with fewer, the plain fit (limma's robust fit is then its plain one).
 *
 * Own spreads: a spread whose robust weight is 0, and any spread above what the other metrics'
 * plain prior predicts (aboveThePool, leave one out). Shrinking such a spread towards the pool
 * would make its test too eager, and since the spread is the metric's own, eager in every run.
 * The robust weights alone leave such a spread part of the pool often enough to show: with one
 * metric at three times the others' run-to-run spread, its false alarms were five times its
 * share without this switch, three times with it (OWN_SPREAD_LEVEL).
 *
 * The prior's weight above s₀² (dfAbove): what the pooled spreads, the own ones left out, support
 * at their bound (smallestSupportedDf), so that spreads which merely look alike do not shrink a
 * noisier metric's spread down with a weight they cannot vouch for.
 */
export function shareSpreads(
  samples: readonly SampleVariance[],
): { prior: VariancePrior; own: boolean[] } | null {
  const positive = samples.filter(isPositive);
  const robust = positive.length >= ROBUST_MIN_METRICS;
  const prior = robust ? fitSpreadsRobustly(samples) : fitVariancePrior(samples);
  if (!prior) return null;
  const own = samples.map((sample, i) => {
    if (sample.variance <= 0) return false;
    if (robust && priorDfOf(sample, prior) === 0) return true;
    const others = fitVariancePrior(samples.filter((_, j) => j !== i));
    return others !== null && aboveThePool(sample, others, OWN_SPREAD_LEVEL);
  });
  const pooled = samples.filter((s, i) => !own[i] && isPositive(s));
  return { prior: { ...prior, dfAbove: Math.min(prior.df, smallestSupportedDf(pooled)) }, own };
}

/**
 * The one-sided confidence with which smallestSupportedDf bounds the spread of the spreads: z of
 * the normal at 90 %. Twenty metrics of ten runs cannot tell spreads that differ twofold from
 * alike ones drawn by chance, and where they differ, a spread above the pool shrunk with limma's
 * d₀ makes its test eager (benchmarks/run-to-run.ts: 3.3 % of A/A pull requests alarmed with
 * spreads from 4.2 % to 8.5 %, 2.8 % at this bound, as many as with each metric's own spread).
 */
const SUPPORTED_DF_Z = 1.2815515655446004;

/**
 * The smallest prior weight the spreads support: limma's moment estimate of d₀ with the excess
 * variance of the log spreads at its upper confidence bound (SUPPORTED_DF_Z; the sample
 * variance's standard error taken as √(2 / (n − 1)) times itself, its normal-theory value).
 * 0 below three spreads, where the spread of the spreads is unknowable; infinite where even the
 * bound finds no excess.
 */
export function smallestSupportedDf(samples: readonly SampleVariance[]): number {
  if (samples.length < 3) return 0;
  const moments = logSpreadMoments(samples);
  const bound =
    moments.variance * (1 + SUPPORTED_DF_Z * Math.sqrt(2 / (samples.length - 1))) -
    moments.sampling;
  return bound > 0 ? 2 * trigammaInverse(bound) : Infinity;
}

/**
 * The prior weight for one metric's spread: d₀, or less where a robust prior finds it outlying,
 * and no more than dfAbove where it lies above s₀².
 */
export function priorDfOf(sample: SampleVariance, prior: VariancePrior): number {
  const above = sample.variance > prior.variance ? (prior.dfAbove ?? Infinity) : Infinity;
  if (!prior.tail || prior.tail.length === 0) return Math.min(prior.df, above);
  const p = upperTail(sample, prior);
  return Math.min(prior.tail.find((step) => step.p >= p)?.df ?? prior.df, above);
}

/** A spread's upper tail probability under the prior: its ratio to s₀² against F(dᵢ, d₀). */
function upperTail(sample: SampleVariance, prior: VariancePrior): number {
  return 1 - fCdf(sample.variance / prior.variance, sample.df, prior.df);
}

/** limma's squeezeVar for one metric: its posterior variance and the t statistic's df. */
export function moderate(sample: SampleVariance, prior: VariancePrior): SampleVariance {
  const priorDf = priorDfOf(sample, prior);
  const df = priorDf + sample.df;
  return { variance: (priorDf * prior.variance + sample.df * sample.variance) / df, df };
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

/**
 * limma's robust fit needs this many spreads: below it its winsorized tails (WINSOR_TAIL) hold
 * no whole spread, and limma falls back to the plain fit.
 */
const ROBUST_MIN_METRICS = 10;

/** limma's winsor.tail.p: the lower and upper shares of the log spreads that are winsorized. */
const WINSOR_TAIL = [0.05, 0.1] as const;

/** limma::fitFDistRobustly's answer: the scale s₀², the typical d₀, and each spread's own d₀. */
export interface RobustFit {
  variance: number;
  df: number;
  /** Per positive spread, in the order given: d₀ shrunk where the spread is an outlier. */
  shrunk: number[];
}

/**
 * The robust prior of shareSpreads: limma's fitFDistRobustly, then the cap of fitVariancePrior on
 * every weight. Where no weight falls below the cap the spreads look alike, and the prior is the
 * plain capped one (their pooled variance); otherwise the robust scale, with the outlying
 * spreads' weights as steps (VariancePrior.tail). Null below three positive spreads.
 */
export function fitSpreadsRobustly(samples: readonly SampleVariance[]): VariancePrior | null {
  const used = samples.filter(isPositive);
  if (used.length < 3) return null;
  const fit = fitFDistRobustly(used);
  const cap = capOf(used.map((s) => s.df));
  const shrunk = fit.shrunk.map((df) => Math.min(df, cap));
  const df = Math.min(fit.df, cap);
  if (shrunk.every((d) => d >= cap)) return fitVariancePrior(used);
  const prior: VariancePrior = { df, variance: fit.variance };
  const tail = used
    .map((sample, i) => ({ p: upperTail(sample, prior), df: shrunk[i] as number }))
    .filter((step) => step.df < df)
    .sort((a, b) => a.p - b.p || a.df - b.df);
  return tail.length > 0 ? { ...prior, tail } : prior;
}

/**
 * limma's fitFDistRobustly without covariates (Phipson, Lee, Majewski, Alexander & Smyth 2016),
 * on positive variances: the log variances are winsorized (WINSOR_TAIL), d₀ and s₀² found by
 * matching their moments to those of a winsorized log F, and a spread whose upper tail
 * probability under the prior is smaller than its rank explains is an outlier with a probability,
 * and a d₀ that falls with it. Checked against limma in test/fixtures/stats/moderated.robust.R.
 */
export function fitFDistRobustly(used: readonly SampleVariance[]): RobustFit {
  const n = used.length;
  const plain = fitFDist(used);
  if (WINSOR_TAIL.every((p) => p < 1 / n)) return { ...plain, shrunk: used.map(() => plain.df) };
  let x = used.map((s) => s.variance);
  const dfMax = Math.max(...used.map((s) => s.df));
  // Spreads with fewer degrees of freedom: the spread of the largest df at the same tail.
  x = x.map((v, i) => {
    const df1 = (used[i] as SampleVariance).df;
    if (!(df1 < dfMax - 1e-14)) return v;
    const f = v / plain.variance;
    const upper = fUpper(f, df1, plain.df);
    const lower = 1 - upper;
    return (
      plain.variance *
      (upper < lower ? fQuantile(1 - upper, dfMax, plain.df) : fQuantile(lower, dfMax, plain.df))
    );
  });
  const z = x.map(Math.log);
  const zTrend = trimmedMean(z, WINSOR_TAIL[1]);
  const zResid = z.map((v) => v - zTrend);
  const sorted = [...zResid].sort((a, b) => a - b);
  const low = quantile(sorted, WINSOR_TAIL[0]);
  const high = quantile(sorted, 1 - WINSOR_TAIL[1]);
  const wins = zResid.map((v) => Math.min(Math.max(v, low), high));
  const wMean = wins.reduce((a, b) => a + b, 0) / n;
  const wVar = wins.reduce((a, b) => a + (b - wMean) ** 2, 0) / (n - 1);
  const momentsInf = winsorizedMoments(dfMax, Infinity);
  if (Math.log(wVar / momentsInf.variance) <= 0) {
    const scale = Math.exp(zTrend + wMean - momentsInf.mean);
    const fStat = z.map((v) => Math.exp(v) / scale);
    const tailP = fStat.map((f) => fUpper(f, dfMax, Infinity));
    const ranks = rank(fStat);
    const notOutlier = tailP.map((p, i) => Math.min(p / ((n - (ranks[i] as number) + 0.5) / n), 1));
    const shrunk = notOutlier.map((q) => (q < 1 ? q * n * dfMax : Infinity));
    const order = orderOf(tailP);
    let running = -Infinity;
    for (const i of order) {
      running = Math.max(running, shrunk[i] as number);
      shrunk[i] = running;
    }
    return { variance: scale, df: Infinity, shrunk };
  }
  if (plain.df === Infinity) return { ...plain, shrunk: used.map(() => Infinity) };
  const link = (d: number) => d / (1 + d);
  const linkInverse = (u: number) => u / (1 - u);
  const gap = (u: number) => Math.log(wVar / winsorizedMoments(dfMax, linkInverse(u)).variance);
  const start = link(plain.df);
  const atStart = gap(start);
  const df = atStart >= 0 ? plain.df : linkInverse(findRoot(gap, start, 1, atStart));
  const moments = winsorizedMoments(dfMax, df);
  const scale = Math.exp(zTrend + wMean - moments.mean);
  const fStat = z.map((v) => Math.exp(v) / scale);
  const logTailP = fStat.map((f) => Math.log(fUpper(f, dfMax, df)));
  const ranks = rank(fStat);
  const logNotOutlier = logTailP.map((lp, i) =>
    Math.min(lp - (Math.log(n - (ranks[i] as number) + 0.5) - Math.log(n)), 0),
  );
  if (!logNotOutlier.some((v) => v < 0)) return { variance: scale, df, shrunk: used.map(() => df) };
  const minLogTailP = Math.min(...logTailP);
  let shrunk: number[];
  if (minLogTailP === -Infinity) {
    shrunk = logNotOutlier.map((v) => Math.exp(v) * df);
  } else {
    let outlierDf = (Math.log(0.5) / minLogTailP) * df;
    outlierDf *= Math.log(0.5) / Math.log(fUpper(Math.max(...fStat), dfMax, outlierDf));
    shrunk = logNotOutlier.map((v) => Math.exp(v) * df - Math.expm1(v) * outlierDf);
  }
  const order = orderOf(logTailP);
  const ordered = order.map((i) => shrunk[i] as number);
  let sum = 0;
  let best = Infinity;
  let bestAt = 0;
  ordered.forEach((d, j) => {
    sum += d;
    if (sum / (j + 1) < best) [best, bestAt] = [sum / (j + 1), j];
  });
  let running = -Infinity;
  order.forEach((i, j) => {
    running = Math.max(running, j <= bestAt ? best : (ordered[j] as number));
    shrunk[i] = running;
  });
  return { variance: scale, df, shrunk };
}

/** Where both degrees of freedom are this large, F(d₁, d₂) is F(d₁, ∞) = χ²(d₁) / d₁ to 1e-9. */
const DF_INFINITE = 1e10;

/** P(F > f) for F(d₁, d₂), d₂ possibly infinite. */
function fUpper(f: number, df1: number, df2: number): number {
  return 1 - fCdf(f, df1, Math.min(df2, DF_INFINITE));
}

/**
 * The F(d₁, d₂) quantile at p: Newton's steps on log f, kept inside a bracket that halves where a
 * step would leave it.
 */
function fQuantile(p: number, df1: number, df2: number): number {
  const logNorm = fLogNorm(df1, df2);
  let [low, high] = [Math.log(1e-300), Math.log(1e300)];
  let y = 0;
  for (let i = 0; i < 200; i++) {
    const f = Math.exp(y);
    const gap = 1 - fUpper(f, df1, df2) - p;
    if (gap === 0) return f;
    if (gap < 0) low = y;
    else high = y;
    const step = gap / Math.exp(fLogDensity(f, df1, df2, logNorm) + y);
    let next = y - step;
    if (!(next > low && next < high)) next = (low + high) / 2;
    if (Math.abs(next - y) < 1e-14 * Math.max(1, Math.abs(y)) || high - low < 1e-14)
      return Math.exp(next);
    y = next;
  }
  return Math.exp(y);
}

/** log of the F(d₁, d₂) density at f > 0 (χ²(d₁) / d₁'s where d₂ is infinite), given fLogNorm. */
function fLogDensity(f: number, df1: number, df2: number, logNorm: number): number {
  const a = df1 / 2;
  if (df2 === Infinity) return logNorm + (a - 1) * Math.log(df1 * f) - (df1 * f) / 2;
  return logNorm + (a - 1) * Math.log(f) - (a + df2 / 2) * Math.log1p((df1 * f) / df2);
}

/** The parts of fLogDensity that do not depend on f. */
function fLogNorm(df1: number, df2: number): number {
  const a = df1 / 2;
  if (df2 === Infinity) return Math.log(df1) - a * Math.LN2 - logGamma(a);
  const b = df2 / 2;
  return a * Math.log(df1 / df2) - (logGamma(a) + logGamma(b) - logGamma(a + b));
}

/** log Γ(x) for x > 0: Lanczos (g = 7, 9 terms), good to about 1e-15 relative. */
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  const y = x - 1;
  let sum = c[0] as number;
  for (let i = 1; i < 9; i++) sum += (c[i] as number) / (y + i);
  const t = y + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Gauss-Legendre nodes and weights on [0, 1] (statmod::gauss.quad.prob(128, "uniform")). */
const QUADRATURE = gaussLegendre(128);

function gaussLegendre(n: number): { nodes: number[]; weights: number[] } {
  const nodes: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < n; i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let derivative = 0;
    for (let step = 0; step < 100; step++) {
      let [p0, p1] = [1, x];
      for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k];
      derivative = (n * (x * p1 - p0)) / (x * x - 1);
      const next = x - p1 / derivative;
      const done = Math.abs(next - x) < 1e-16;
      x = next;
      if (done) break;
    }
    nodes.push((1 - x) / 2);
    weights.push(1 / ((1 - x * x) * derivative * derivative));
  }
  return { nodes, weights };
}

/**
 * Mean and variance of log F(d₁, d₂) winsorized at WINSOR_TAIL, by limma's quadrature on the
 * scale f / (1 + f).
 */
function winsorizedMoments(df1: number, df2: number): { mean: number; variance: number } {
  const key = `${df1}`;
  const known = df2 === Infinity ? MOMENTS_INFINITE.get(key) : undefined;
  if (known) return known;
  const [pLow, pHigh] = WINSOR_TAIL;
  const logNorm = fLogNorm(df1, df2);
  const fq = [fQuantile(pLow, df1, df2), fQuantile(1 - pHigh, df1, df2)] as const;
  const zq = fq.map(Math.log) as [number, number];
  const q = fq.map((f) => f / (1 + f)) as [number, number];
  const width = q[1] - q[0];
  const points = QUADRATURE.nodes.map((node, i) => {
    const u = q[0] + width * node;
    const f = u / (1 - u);
    const density = Math.exp(fLogDensity(f, df1, df2, logNorm)) / (1 - u) ** 2;
    return { z: Math.log(f), weight: (QUADRATURE.weights[i] as number) * density };
  });
  const mean =
    width * points.reduce((a, pt) => a + pt.weight * pt.z, 0) + zq[0] * pLow + zq[1] * pHigh;
  const variance =
    width * points.reduce((a, pt) => a + pt.weight * (pt.z - mean) ** 2, 0) +
    (zq[0] - mean) ** 2 * pLow +
    (zq[1] - mean) ** 2 * pHigh;
  if (df2 === Infinity) MOMENTS_INFINITE.set(key, { mean, variance });
  return { mean, variance };
}

/** winsorizedMoments(d₁, ∞) by d₁: the same for every suite of one history length. */
const MOMENTS_INFINITE = new Map<string, { mean: number; variance: number }>();

/** A root of an increasing-through-zero `fn` on [low, high], fn(low) < 0: Illinois regula falsi. */
function findRoot(fn: (u: number) => number, low: number, high: number, atLow: number): number {
  let [a, fa] = [low, atLow];
  let [b, fb] = [high, fn(high)];
  let side = 0;
  for (let i = 0; i < 200 && Math.abs(b - a) > 1e-12; i++) {
    const c = (a * fb - b * fa) / (fb - fa);
    const fc = fn(c);
    if (fc === 0) return c;
    if (fc < 0 === fa < 0) {
      [a, fa] = [c, fc];
      if (side === -1) fb /= 2;
      side = -1;
    } else {
      [b, fb] = [c, fc];
      if (side === 1) fa /= 2;
      side = 1;
    }
  }
  return (a + b) / 2;
}

/** R's mean(x, trim): the mean of what is left after floor(n·trim) values off each end. */
function trimmedMean(values: readonly number[], trim: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const cut = Math.floor(sorted.length * trim);
  const kept = sorted.slice(cut, sorted.length - cut);
  return kept.reduce((a, b) => a + b, 0) / kept.length;
}

/** R's quantile(type 7) of sorted values. */
function quantile(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const below = Math.floor(h);
  const a = sorted[below] as number;
  const b = sorted[Math.min(below + 1, sorted.length - 1)] as number;
  return a + (h - below) * (b - a);
}

/** Ranks from 1, ties given their average rank (R's rank). */
function rank(values: readonly number[]): number[] {
  const order = orderOf(values);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length;) {
    let end = start;
    while (
      end + 1 < order.length &&
      values[order[end + 1] as number] === values[order[start] as number]
    )
      end++;
    for (let k = start; k <= end; k++) ranks[order[k] as number] = (start + end) / 2 + 1;
    start = end + 1;
  }
  return ranks;
}

/** Indices in ascending order of their values, ties in index order (R's order). */
function orderOf(values: readonly number[]): number[] {
  return values
    .map((_, i) => i)
    .sort((i, j) => (values[i] as number) - (values[j] as number) || i - j);
}
