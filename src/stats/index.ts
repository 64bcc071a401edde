// Pure statistics: no I/O, no clock, no environment. See DESIGN.md, "Statistics".
export { describe, relativeSpread, type Summary } from './describe.js';
export { hodgesLehmann, type HodgesLehmannResult } from './hodgesLehmann.js';
export {
  mannWhitneyU,
  type Alternative,
  type MannWhitneyOptions,
  type MannWhitneyResult,
} from './mannWhitney.js';
export { canReachAlpha, minTrialsFor } from './minTrials.js';
export { adjustPValues, type Adjustment } from './multipleTesting.js';
export { normalCdf, normalQuantile, normalSf } from './normal.js';
export { minAchievableP } from './uDistribution.js';
export { detectChangePoints, type ChangePoint, type ChangePointOptions } from './changePoint.js';
