/**
 * Field types shared by the config's schemas: strict mappings with suggestions, numbers and
 * flags that arrive as strings after `${VAR}` substitution, environment blocks.
 */
import { z } from 'zod';
import { globProblem } from './glob.js';
import { unknownKeys } from './messages.js';
import { isHttpUrl } from './port.js';

/** A mapping that rejects unknown keys, naming the closest known one. */
export function strict<Shape extends z.ZodRawShape>(shape: Shape) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? unknownKeys(issue.keys, known) : undefined,
  });
}

/** After `${VAR}` substitution a number arrives as a string; accept it when it is plainly numeric. */
export function numeric<Schema extends z.ZodNumber>(schema: Schema) {
  return z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v),
    schema,
  );
}

/** Same for booleans: `${FLAG:-false}` arrives as the string 'false'. */
export const flag = z.preprocess(
  (v) => (v === 'true' ? true : v === 'false' ? false : v),
  z.boolean(),
);

export const count = () => numeric(z.number().int().min(1));

/** A whole number from 1 to `max`; `why` says what the limit protects, for the message. */
export const countAtMost = (max: number, why: string) =>
  numeric(
    z
      .number()
      .int()
      .min(1)
      .max(max, {
        error: (issue) => `expected at most ${max} (${why}), got ${String(issue.input)}`,
      }),
  );

/**
 * Node's timers hold a delay in a signed 32-bit count of milliseconds; a longer one fires at
 * once (with only a warning), so a 2,147,484 s timeout would kill a command immediately and
 * such a duration would end a trial before it began. Every duration is bounded here instead.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** 2,147,483 s, about 24.8 days: the longest whole number of seconds a timer can wait. */
export const MAX_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

const timerLimit = (limit: number, unit: string) => ({
  error: (issue: { input?: unknown }) =>
    `expected at most ${limit} ${unit} (about 24.8 days, the longest a timer can wait), got ${String(issue.input)}`,
});

/** A duration in seconds: more than 0, at most MAX_SECONDS. */
export const seconds = () =>
  numeric(z.number().positive().max(MAX_SECONDS, timerLimit(MAX_SECONDS, 's')));
/** A duration in seconds that may be 0 (no warm-up, no grace): at most MAX_SECONDS. */
export const secondsOrZero = () =>
  numeric(z.number().min(0).max(MAX_SECONDS, timerLimit(MAX_SECONDS, 's')));
/** An interval in whole milliseconds: at least 1, at most MAX_TIMER_MS. */
export const milliseconds = () =>
  numeric(z.number().int().min(1).max(MAX_TIMER_MS, timerLimit(MAX_TIMER_MS, 'ms')));
/**
 * A glob on `<suite>/<metric>` (thresholds, targets, sweep): the one place globs are checked
 * (glob.ts says what is refused and why).
 */
export const metricGlob = z
  .string()
  .min(1)
  .superRefine((glob, ctx) => {
    const problem = globProblem(glob);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** An http(s) URL, which may leave its port to perfgate (`${PERFGATE_PORT}`, port.ts). */
export const httpUrl = z
  .string()
  .refine(isHttpUrl, { error: 'expected an http:// or https:// URL' });
export const relativePath = z.string().min(1);

/** Environment blocks: YAML `PORT: 8080` is a number, but a process environment holds strings. */
export const envBlock = z
  .record(
    z.string(),
    z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string' }),
  )
  .transform((env) => Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])))
  .default({});
