/** A target of perfgate.yml (analyze, validate) and a sweep constraint: a glob and its bounds. */
import { z } from 'zod';
import { metricGlob, numeric, strict } from './fields.js';

/** The parts of the system a target belongs to, in the order reports list them. */
export const COMPONENTS = ['api', 'gpu', 'database', 'cache', 'system'] as const;

export const TargetSchema = strict({
  /** Glob on `<suite>/<metric>`. */
  metric: metricGlob,
  min: numeric(z.number()).optional(),
  max: numeric(z.number()).optional(),
  component: z.enum(COMPONENTS).default('api'),
})
  .refine((t) => t.min !== undefined || t.max !== undefined, {
    message: 'expected min, max or both',
  })
  .refine((t) => t.min === undefined || t.max === undefined || t.min <= t.max, {
    message: 'expected min ≤ max',
    path: ['max'],
  });
export type Target = z.infer<typeof TargetSchema>;
