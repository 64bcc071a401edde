/**
 * The search space of a sweep: knobs with their values, points (one value per knob), and the
 * config that measures one point. Pure.
 */
import type { Config, Sweep } from '../config/schema.js';
import { selectSuites } from '../config/select.js';

/** One value per knob, as the environment strings the service and command suites receive. */
export type Point = Readonly<Record<string, string>>;

/** The knobs in declared order: the order of the coordinate search and of every label. */
export function knobNames(sweep: Sweep): string[] {
  return Object.keys(sweep.knobs);
}

/** Identity of a point, whatever the order its keys were written in (resume files, baselines). */
export function pointKey(point: Point, names: readonly string[]): string {
  return JSON.stringify(names.map((name) => point[name] ?? null));
}

/** `BATCH=8 TURBO=0`: what a reader sets. */
export function pointLabel(point: Point, names: readonly string[]): string {
  return names.map((name) => `${name}=${point[name] ?? ''}`).join(' ');
}

/** `8/0`: short enough for a chart axis; tables say which knob each position is. */
export function shortLabel(point: Point, names: readonly string[]): string {
  return names.map((name) => point[name] ?? '').join('/');
}

/** A variant name (letters, digits, `_ . -`) naming the point's values, for logs and results. */
export function variantName(point: Point, names: readonly string[]): string {
  const safe = (text: string) => text.replace(/[^A-Za-z0-9_.-]+/g, '_');
  return names.map((name) => `${safe(name)}-${safe(point[name] ?? '')}`).join('.');
}

/** The cartesian product in declared order, the last knob varying fastest. */
export function gridPoints(sweep: Sweep): Point[] {
  return Object.entries(sweep.knobs).reduce<Point[]>(
    (points, [name, values]) =>
      points.flatMap((point) => values.map((value) => ({ ...point, [name]: value }))),
    [{}],
  );
}

/**
 * The config that measures one point: a single variant whose env is the point, only the sweep's
 * suites, and the sweep's trials when it overrides them.
 */
export function pointConfig(config: Config, sweep: Sweep, point: Point): Config {
  const names = knobNames(sweep);
  const selected = selectSuites(config, sweep.suites ?? []);
  const trials = sweep.trials;
  return {
    ...selected,
    variants: [{ name: variantName(point, names), env: { ...point } }],
    suites: trials === undefined ? selected.suites : selected.suites.map((s) => ({ ...s, trials })),
  };
}
