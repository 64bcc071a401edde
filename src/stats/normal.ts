/**
 * The standard normal distribution: tails and quantile, accurate to double precision.
 *
 * Why hand-written: simple-statistics' `cumulativeStdNormalProbability` is a lookup table and its
 * `errorFunction` is accurate to about 1e-7 absolute, so a p-value of 1e-12 would come out as 0
 * or as noise. The gate compares p-values after multiple-testing adjustment, where tiny values
 * matter, so we use W. J. Cody's erfc (rational Chebyshev approximations, relative error below
 * 1e-15, "Rational Chebyshev approximation for the error function", Math. Comp. 1969; netlib
 * specfun CALERF) and compute each tail directly, never as 1 - cdf, which would cancel to 0.
 * The quantile is M. J. Wichura's AS 241 PPND16 (Applied Statistics 37, 1988), also used by R's
 * qnorm, with relative error about 1e-16.
 */

// Coefficients are the published ones (given to 18-20 digits) written as the nearest doubles,
// which is all the runtime ever sees.
// Cody's coefficients for erf on |x| <= 0.46875, erfc on 0.46875 < |x| <= 4, and erfc beyond.
const ERF_A = [
  3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315,
];
const ERF_B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
const ERFC_C = [
  0.5641884969886701, 8.883149794388375, 66.11919063714163, 298.6351381974001, 881.952221241769,
  1712.0476126340707, 2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8,
];
const ERFC_D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597,
  4362.619090143247, 3439.3676741437216, 1230.3393548037493,
];
const ERFC_P = [
  0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.01608378514874228,
  0.0006587491615298378, 0.016315387137302097,
];
const ERFC_Q = [
  2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132,
  0.0023352049762686918,
];
const ONE_OVER_SQRT_PI = 0.5641895835477563;
/** Beyond this, erfc(x) underflows to 0 in double precision. */
const ERFC_UNDERFLOW = 26.543;

/** exp(-y²) computed as exp(-a²) exp(-(y - a)(y + a)) with a = y rounded down to 1/16, as Cody
 * does: y² itself would lose the low bits that matter once it is large. */
function expMinusSquare(y: number): number {
  const a = Math.trunc(y * 16) / 16;
  return Math.exp(-a * a) * Math.exp(-(y - a) * (y + a));
}

/** The complementary error function erfc(x) = 1 - erf(x), with full relative accuracy for x > 0. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  let result: number;
  if (y <= 0.46875) {
    const ysq = y * y;
    let num = ERF_A[4]! * ysq;
    let den = ysq;
    for (let i = 0; i < 3; i++) {
      num = (num + ERF_A[i]!) * ysq;
      den = (den + ERF_B[i]!) * ysq;
    }
    // Near 0, erfc is about 1 and 1 - erf loses nothing; return without the sign fix-up.
    return 1 - (x * (num + ERF_A[3]!)) / (den + ERF_B[3]!);
  } else if (y <= 4) {
    let num = ERFC_C[8]! * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + ERFC_C[i]!) * y;
      den = (den + ERFC_D[i]!) * y;
    }
    result = (expMinusSquare(y) * (num + ERFC_C[7]!)) / (den + ERFC_D[7]!);
  } else if (y < ERFC_UNDERFLOW) {
    const ysq = 1 / (y * y);
    let num = ERFC_P[5]! * ysq;
    let den = ysq;
    for (let i = 0; i < 4; i++) {
      num = (num + ERFC_P[i]!) * ysq;
      den = (den + ERFC_Q[i]!) * ysq;
    }
    const scaled = (ONE_OVER_SQRT_PI - (ysq * (num + ERFC_P[4]!)) / (den + ERFC_Q[4]!)) / y;
    result = expMinusSquare(y) * scaled;
  } else {
    result = 0;
  }
  return x < 0 ? 2 - result : result;
}

/** P(Z > z) for a standard normal Z, accurate in relative terms far into the upper tail. */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** P(Z <= z) for a standard normal Z, accurate in relative terms far into the lower tail. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

// Wichura's AS 241 coefficients, lowest degree first: central region |p - 0.5| <= 0.425 (A/B),
// then r = sqrt(-log(min(p, 1 - p))) <= 5 (C/D) and r > 5 (E/F).
const PPND_A = [
  3.3871328727963665, 133.14166789178438, 1971.5909503065513, 13731.69376550946, 45921.95393154987,
  67265.7709270087, 33430.57558358813, 2509.0809287301227,
];
const PPND_B = [
  1, 42.31333070160091, 687.1870074920579, 5394.196021424751, 21213.794301586597, 39307.89580009271,
  28729.085735721943, 5226.495278852854,
];
const PPND_C = [
  1.4234371107496835, 4.630337846156546, 5.769497221460691, 3.6478483247632045, 1.2704582524523684,
  0.2417807251774506, 0.022723844989269184, 0.0007745450142783414,
];
const PPND_D = [
  1, 2.053191626637759, 1.6763848301838038, 0.6897673349851, 0.14810397642748008,
  0.015198666563616457, 0.0005475938084995345, 1.0507500716444169e-9,
];
const PPND_E = [
  6.657904643501103, 5.463784911164114, 1.7848265399172913, 0.29656057182850487,
  0.026532189526576124, 0.0012426609473880784, 0.000027115555687434876, 2.0103343992922881e-7,
];
const PPND_F = [
  1, 0.599832206555888, 0.1369298809227358, 0.014875361290850615, 0.0007868691311456133,
  0.000018463183175100548, 1.421511758316446e-7, 2.0442631033899397e-15,
];

/** Horner evaluation of the polynomial with the given coefficients (lowest degree first). */
function polynomial(coefficients: readonly number[], x: number): number {
  let value = 0;
  for (let i = coefficients.length - 1; i >= 0; i--) value = value * x + coefficients[i]!;
  return value;
}

/** The standard normal quantile: z with P(Z <= z) = p. Infinite at p = 0 and p = 1. */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * polynomial(PPND_A, r)) / polynomial(PPND_B, r);
  }
  const r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  const tail =
    r <= 5
      ? polynomial(PPND_C, r - 1.6) / polynomial(PPND_D, r - 1.6)
      : polynomial(PPND_E, r - 5) / polynomial(PPND_F, r - 5);
  return q < 0 ? -tail : tail;
}
