// poolResults and the runner's warnings (results' environment.runnerWarnings): they vary from run
// to run on one machine, so they never make stored runs of one machine look like several.
import { describe, expect, it } from 'vitest';
import { poolResults } from '../../src/results/pool.js';
import type { Results } from '../../src/results/schema.js';

const run = (day: number, warnings?: string[]): Results => ({
  schema: 'perfgate/results@1',
  createdAt: new Date(Date.UTC(2026, 11, day)).toISOString(),
  environment: {
    cpuModel: 'AMD EPYC 7763',
    cpuCount: 2,
    ...(warnings
      ? {
          runnerWarnings: warnings.map((value) => ({
            name: 'runner.load',
            status: 'warn' as const,
            value,
          })),
        }
      : {}),
  },
  suites: [
    { name: 'api', metrics: [{ name: 'lat', unit: 'ms', direction: 'lower', samples: [day] }] },
  ],
});

describe('poolResults and runner warnings', () => {
  it('keeps the machine when only the warnings differ, and the warnings only when all agree', () => {
    const varied = poolResults([run(1), run(2, ['1.6 over 2 CPUs']), run(3)], 'stored');
    expect(varied.environment).toEqual({ cpuModel: 'AMD EPYC 7763', cpuCount: 2 });
    const same = poolResults([run(1, ['busy']), run(2, ['busy'])], 'stored');
    expect(same.environment?.runnerWarnings).toEqual([
      { name: 'runner.load', status: 'warn', value: 'busy' },
    ]);
  });

  it('drops the environment where the machines differ', () => {
    const other = { ...run(2), environment: { cpuModel: 'AMD EPYC 9V74', cpuCount: 2 } };
    expect(poolResults([run(1), other], 'stored').environment).toBeUndefined();
  });
});
