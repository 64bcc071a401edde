// Builders for sweep tests: a parsed sweep section and measured points with synthetic samples.
import { parseConfig, type Config, type Sweep } from '../../src/config/index.js';
import type { MeasuredPoint } from '../../src/sweep/evaluate.js';
import { knobNames, variantName, type Point } from '../../src/sweep/space.js';
import { around, results } from '../helpers/results.js';

/** A config with one http suite `api/work` and the given sweep section (YAML, indented 2). */
export function sweepConfig(sweep: string, extra = ''): Config & { sweep: Sweep } {
  const config = parseConfig(
    `version: 1
suites:
  - { name: api/work, kind: http, baseUrl: "http://127.0.0.1:9", requests: [{ path: /w }] }
  - { name: api/other, kind: http, baseUrl: "http://127.0.0.1:9", requests: [{ path: /o }] }
${extra}sweep:
${sweep}`,
    '/repo/perfgate.yml',
    {},
  );
  if (!config.sweep) throw new Error('no sweep section');
  return config as Config & { sweep: Sweep };
}

/**
 * A measured point of api/work with requests/s around `rps` and p95 around `p95`; with
 * `reference` (the reference setting's point), as if measured beside it in one run, trial k of
 * each in the same block.
 */
export function measured(
  sweep: Sweep,
  knobs: Point,
  rps: number | number[],
  p95: number,
  reference?: MeasuredPoint,
): MeasuredPoint {
  const variant = variantName(knobs, knobNames(sweep));
  const samples = Array.isArray(rps) ? rps : around(rps, 5);
  const r = results([
    {
      suite: 'api/work',
      name: 'requests_per_second',
      unit: 'req/s',
      direction: 'higher',
      samples,
    },
    { suite: 'api/work', name: 'latency_p95', samples: around(p95, 5) },
  ]);
  const point = {
    knobs,
    variant,
    results: { ...r, suites: r.suites.map((s) => ({ ...s, variant })) },
  };
  return reference ? { ...point, reference: reference.results } : point;
}
