/** A target of perfgate.yml (analyze, validate) and a sweep constraint: a glob and its bounds. */
import { z } from 'zod';
import { COMPONENTS } from '../compare/targets.js';
import { metricGlob, numeric, strict } from './fields.js';

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
