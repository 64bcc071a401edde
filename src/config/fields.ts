/**
 * Field types shared by the config's schemas: strict mappings with suggestions, numbers and
 * flags that arrive as strings after `${VAR}` substitution, environment blocks.
 */
import { z } from 'zod';
import { unknownKeys } from './messages.js';

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
export const seconds = () => numeric(z.number().positive());
export const httpUrl = z.url({ protocol: /^https?$/ });
export const relativePath = z.string().min(1);

/** Environment blocks: YAML `PORT: 8080` is a number, but a process environment holds strings. */
export const envBlock = z
  .record(
    z.string(),
    z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string' }),
  )
  .transform((env) => Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])))
  .default({});
