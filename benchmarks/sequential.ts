/**
 * Sequential trials against the fixed design (issue #12): false-alarm PRs, power and trials per
 * side, and the minimum detectable effect against simulated power.
 * Run: npm run bench:sequential [-- A/A-PRs shifted-PRs seed alpha]
 *      (or: npx tsx benchmarks/sequential.ts [A/A PRs=900] [shifted PRs=500] [seed=1] [alpha=0.05])
 *
 * Model (detection/noise.ts): trial value = 100 × (1 + shift) × log-normal factor of mean 1 and
 * coefficient of variation 3 % or 10 %, 20 lower-is-better metrics, mulberry32 + Box-Muller,
 * seeded. A/A PRs change nothing; shifted PRs slow metric 0 by 10 %. Each PR draws DRAWN trials
 * per side once, and every design sees the first trials of the same draws (common random
 * numbers): a fixed design of n compares the first n (compareResults, default policy: alpha 0.05
 * unless given, BH across the 20 metrics, 5 % threshold); a sequential one looks at min (4, or 6 for
 * the default design), min + 2, …, max (sequentialLook,
 * same policy, one ABBA block of 2 trials per side between looks) and stops when it says so.
 *
 * Issue #12's mix is 90 % A/A and 10 % shifted PRs. Power needs more shifted PRs than a tenth of a
 * thousand gives (± 4.6 pp at 100), so the two kinds are simulated apart and the mix's average
 * trials weigh them 0.9 and 0.1.
 * Rates: "false-alarm PRs" = A/A PRs with any regression; "power" = shifted PRs whose metric 0 is
 * a regression; "early-stop losses" = shifted PRs whose metric 0 was stopped before max as
 * unchanged, out of reach or not seen (the power the stops cost); "A/A green" and "A/A not seen"
 * = A/A PRs whose overall verdict (compare/verdict.ts) is green (every metric seen, none worse)
 * or not seen (issue #21: blindness is never green). Trials: per side at the end, averaged
 * over the mix, and as a share of the fixed design of the same max. "Fixed at equal power": the
 * trials per side a fixed design needs for the sequential one's power, interpolated on the fixed
 * designs' power curve (same draws), and the sequential average as a share of it: the
 * acceptance's "≤ 80 % of the fixed design's trials at the same power". Where the fixed designs'
 * power is flat (every one of them catches nearly every shifted PR) it is not defined: "–".
 *
 * MDE check: for a design of n trials per side, the detectable change compareResults reports
 * (median over PRS_MDE A/A draws of metric 0's `detectable`) against the simulated power of the
 * fixed design at that change and at ±2 percentage points of it (metric 0 significant after BH).
 * The MDE agrees with simulation within 2 pp when power(MDE − 2 pp) ≤ 80 % ≤ power(MDE + 2 pp).
 */
import { performance } from 'node:perf_hooks';
import { compareResults } from '../src/compare/compare.js';
import {
  lookSchedule,
  sequentialComparison,
  sequentialLook,
  type SequentialDesign,
  type SequentialLook,
} from '../src/compare/sequential.js';
import { overallVerdict, type OverallVerdict } from '../src/compare/verdict.js';
import { logNormalNoise, type TrialNoise } from './detection/noise.js';
import { simResults } from './detection/results.js';

const AA_PRS = Number(process.argv[2] ?? 900);
const SHIFTED_PRS = Number(process.argv[3] ?? 500);
const SEED = Number(process.argv[4] ?? 1);
const POLICY = { alpha: Number(process.argv[5] ?? 0.05) };
const METRICS = 20;
const CVS = [0.03, 0.1] as const;
const SHIFT = 0.1;
const AA_SHARE = 0.9;
/** The fixed designs: the power curve that "fixed at equal power" is read from. */
const FIXED = [6, 8, 10, 14, 20, 24, 30, 36, 40, 48] as const;
/** The sequential designs: max and the conditional power floor (0: no futility stop). */
const SEQUENTIAL = [
  // The default of a config without `trials` (issue #21).
  { min: 6, max: 20, futility: 0.1 },
  { min: 6, max: 30, futility: 0.1 },
  { max: 30, futility: 0 },
  { max: 30, futility: 0.1 },
  { max: 40, futility: 0.1 },
  { max: 48, futility: 0.1 },
  { max: 48, futility: 0.2 },
] as const;
const DRAWN = Math.max(...FIXED, ...SEQUENTIAL.map((d) => d.max));
const PRS_MDE = 400;
/** (CV, trials per side) of the MDE check: a small design, where discreteness matters, and MAX. */
const MDE_DESIGNS = [
  [0.03, 6],
  [0.03, 20],
  [0.1, 10],
  [0.1, 30],
] as const;

type Side = number[][];

function draw(noise: TrialNoise, trials: number, shift: number): { base: Side; head: Side } {
  const base = Array.from({ length: METRICS }, () => noise.trials(trials, 0));
  const head = Array.from({ length: METRICS }, (_, i) => noise.trials(trials, i === 0 ? shift : 0));
  return { base, head };
}

const first = (side: Side, n: number): Side => side.map((trials) => trials.slice(0, n));

/** Per design: flagged PRs (any regression, or metric 0's), early-stop losses, trials summed. */
interface Tally {
  anyFlagged: number;
  targetFlagged: number;
  earlyStopLosses: number;
  trials: number;
  /** PRs whose overall verdict is green (unchanged or improvement), and not seen. */
  green: number;
  unseen: number;
}

const emptyTally = (): Tally => ({
  anyFlagged: 0,
  targetFlagged: 0,
  earlyStopLosses: 0,
  trials: 0,
  green: 0,
  unseen: 0,
});

interface Cell {
  fixed: Tally[];
  sequential: Tally[];
}

function simulate(cv: number, prs: number, shift: number, seed: number): Cell {
  const noise = logNormalNoise(cv, seed);
  const cell: Cell = { fixed: FIXED.map(emptyTally), sequential: SEQUENTIAL.map(emptyTally) };
  for (let pr = 0; pr < prs; pr++) {
    const { base, head } = draw(noise, DRAWN, shift);
    FIXED.forEach((n, i) => {
      const comparison = compareResults(
        simResults(first(base, n)),
        simResults(first(head, n)),
        POLICY,
      );
      const verdicts = comparison.metrics.map((m) => m.verdict);
      count(
        cell.fixed[i] as Tally,
        n,
        verdicts[0] === 'regression',
        verdicts.includes('regression'),
        false,
        overallVerdict(comparison),
      );
    });
    SEQUENTIAL.forEach((planned, i) => {
      const { max, futility } = planned;
      const design: SequentialDesign = { min: minOf(planned), max, block: 2, futility };
      let look: SequentialLook | undefined;
      for (const trials of lookSchedule(design)) {
        look = sequentialLook(
          simResults(first(base, trials)),
          simResults(first(head, trials)),
          {
            design,
            trials,
            ...(look ? { previous: look } : {}),
          },
          POLICY,
        );
        if (look.stop) break;
      }
      const { decisions, trials } = look as SequentialLook;
      const target = decisions[0];
      const stopped = ['unchanged', 'futile', 'unseen'] as const;
      count(
        cell.sequential[i] as Tally,
        trials,
        target?.decision === 'regression',
        decisions.some((d) => d.decision === 'regression'),
        trials < max && stopped.some((decision) => target?.decision === decision),
        overallVerdict(sequentialComparison(look as SequentialLook, design)),
      );
    });
  }
  return cell;
}

/** A design's first look: 4 unless it names its own. */
const minOf = (design: (typeof SEQUENTIAL)[number]): number => ('min' in design ? design.min : 4);

function count(
  t: Tally,
  trials: number,
  targetFlagged: boolean,
  anyFlagged: boolean,
  earlyStopLoss: boolean,
  verdict: OverallVerdict,
): void {
  t.trials += trials;
  if (verdict === 'unchanged' || verdict === 'improvement') t.green++;
  if (verdict === 'unseen' || verdict === 'insufficient') t.unseen++;
  if (targetFlagged) t.targetFlagged++;
  if (anyFlagged) t.anyFlagged++;
  if (earlyStopLoss) t.earlyStopLosses++;
}

type PowerCurve = readonly { trials: number; power: number }[];

/**
 * The fixed design with this power, and the sequential average as a share of it: trials per side
 * linear on the fixed power curve at its first crossing. Where the smallest fixed design already
 * has the power (at CV 3 % nearly every design catches every shifted PR), the equal-power design
 * is at most that one: "≤ n", and the share at least the one against it.
 */
function atEqualPower(power: number, curve: PowerCurve, trials: number): [string, string] {
  const smallest = curve[0] as PowerCurve[number];
  if (power <= smallest.power) {
    return [`≤ ${smallest.trials}`, `≥ ${percent(trials / smallest.trials)}`];
  }
  for (let i = 1; i < curve.length; i++) {
    const lo = curve[i - 1] as PowerCurve[number];
    const hi = curve[i] as PowerCurve[number];
    if (lo.power < power && power <= hi.power) {
      const equal =
        lo.trials + ((power - lo.power) / (hi.power - lo.power)) * (hi.trials - lo.trials);
      return [equal.toFixed(1), percent(trials / equal)];
    }
  }
  return ['–', '–'];
}

/** Median `detectable` of metric 0 over A/A draws, and power at it and ±2 pp. */
function mdeCheck(cv: number, trials: number, seed: number): string[] {
  const detectables: number[] = [];
  const noise = logNormalNoise(cv, seed);
  for (let i = 0; i < PRS_MDE; i++) {
    const { base, head } = draw(noise, trials, 0);
    const d = compareResults(simResults(base), simResults(head)).metrics[0]?.detectable;
    if (d !== null && d !== undefined) detectables.push(d);
  }
  detectables.sort((a, b) => a - b);
  const mde = detectables[Math.floor(detectables.length / 2)] as number;
  const power = (shift: number): number => {
    const shiftedNoise = logNormalNoise(cv, seed + 1);
    let hits = 0;
    for (let i = 0; i < PRS_MDE; i++) {
      const { base, head } = draw(shiftedNoise, trials, shift);
      if (compareResults(simResults(base), simResults(head)).metrics[0]?.significant) hits++;
    }
    return hits / PRS_MDE;
  };
  const [below, at, above] = [mde - 0.02, mde, mde + 0.02].map((s) => (s > 0 ? power(s) : 0)) as [
    number,
    number,
    number,
  ];
  const holds = below <= 0.8 && above >= 0.8;
  return [
    percent(cv),
    String(trials),
    percent(mde),
    percent(below),
    percent(at),
    percent(above),
    holds ? 'yes' : 'no',
  ];
}

const percent = (x: number): string => `${(100 * x).toFixed(1)} %`;

function main(): void {
  for (const [name, value] of [
    ['A/A PRs', AA_PRS],
    ['shifted PRs', SHIFTED_PRS],
    ['seed', SEED],
  ] as const) {
    if (!Number.isInteger(value) || value < (name === 'seed' ? 0 : 1))
      throw new Error(`${name} must be a whole number, got ${value}`);
  }
  if (!(POLICY.alpha > 0 && POLICY.alpha <= 0.5)) throw new Error('alpha must be in (0, 0.5]');
  const started = performance.now();
  console.log(
    `${AA_PRS} A/A PRs and ${SHIFTED_PRS} with metric 0 of ${METRICS} +10 % per CV, seed ${SEED}, alpha ${POLICY.alpha}; ` +
      `trials averaged over the mix of ${percent(AA_SHARE)} A/A\n`,
  );
  console.log(
    '| CV | design | false-alarm PRs | power | early-stop losses | A/A green | A/A not seen | trials/side (mix) | A/A PRs | ÷ fixed, same max | fixed at equal power | ÷ that |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  CVS.forEach((cv, c) => {
    const aa = simulate(cv, AA_PRS, 0, (SEED * 1000 + c * 100) >>> 0);
    const shifted = simulate(cv, SHIFTED_PRS, SHIFT, (SEED * 1000 + c * 100 + 1) >>> 0);
    const row = (aaTally: Tally, shiftedTally: Tally) => ({
      falseAlarms: aaTally.anyFlagged / AA_PRS,
      power: shiftedTally.targetFlagged / SHIFTED_PRS,
      losses: shiftedTally.earlyStopLosses / SHIFTED_PRS,
      aaTrials: aaTally.trials / AA_PRS,
      aaGreen: aaTally.green / AA_PRS,
      aaUnseen: aaTally.unseen / AA_PRS,
      mixTrials:
        AA_SHARE * (aaTally.trials / AA_PRS) + (1 - AA_SHARE) * (shiftedTally.trials / SHIFTED_PRS),
    });
    const fixedRows = FIXED.map((n, i) => ({
      n,
      ...row(aa.fixed[i] as Tally, shifted.fixed[i] as Tally),
    }));
    const curve = fixedRows.map((r) => ({ trials: r.n, power: r.power }));
    for (const r of fixedRows) {
      console.log(
        `| ${percent(cv)} | fixed ${r.n} | ${percent(r.falseAlarms)} | ${percent(r.power)} | – | ` +
          `${percent(r.aaGreen)} | ${percent(r.aaUnseen)} | ` +
          `${r.mixTrials.toFixed(1)} | ${r.aaTrials.toFixed(1)} | – | – | – |`,
      );
    }
    SEQUENTIAL.forEach((planned, i) => {
      const { max, futility } = planned;
      const r = row(aa.sequential[i] as Tally, shifted.sequential[i] as Tally);
      const [equal, share] = atEqualPower(r.power, curve, r.mixTrials);
      const label = `sequential ${minOf(planned)}–${max}, ${futility === 0 ? 'no futility' : `futility ${futility}`}`;
      console.log(
        `| ${percent(cv)} | ${label} | ${percent(r.falseAlarms)} | ${percent(r.power)} | ` +
          `${percent(r.losses)} | ${percent(r.aaGreen)} | ${percent(r.aaUnseen)} | ` +
          `${r.mixTrials.toFixed(1)} | ${r.aaTrials.toFixed(1)} | ` +
          `${percent(r.mixTrials / max)} | ${equal} | ${share} |`,
      );
    });
  });
  console.log(
    `\nMDE (median over ${PRS_MDE} A/A draws) against simulated power of the fixed design (${PRS_MDE} draws each):\n`,
  );
  console.log(
    '| CV | trials/side | MDE | power at MDE − 2 pp | at MDE | at MDE + 2 pp | within 2 pp |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---|');
  MDE_DESIGNS.forEach(([cv, trials], i) => {
    console.log(`| ${mdeCheck(cv, trials, (SEED * 7919 + i) >>> 0).join(' | ')} |`);
  });
  console.log(`\n(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

main();
