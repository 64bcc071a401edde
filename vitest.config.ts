import { defineConfig } from 'vitest/config';

/**
 * Test files whose assertions depend on how fast things run on this machine: real services under
 * load whose latencies, throughputs or ratios are asserted, CPU and background-load collectors,
 * process timeouts, and the timed change-point search. On a 2-core runner, files running side by
 * side would measure each other, so these run one at a time, after the rest. The bundled action's
 * end-to-end test is not among them: its A/A check runs beside a CPU burner on purpose, since the
 * interleaved gate must hold under load.
 */
const MEASURED = [
  'test/cli/faster.test.ts',
  'test/cli/init.test.ts',
  'test/cli/out.test.ts',
  'test/cli/run.test.ts',
  'test/collect/gpu.test.ts',
  'test/collect/host.test.ts',
  'test/collect/process.test.ts',
  'test/collect/prometheus.test.ts',
  'test/demo/knobs.test.ts',
  'test/demo/server.test.ts',
  'test/dist/bundle.test.ts',
  'test/readme.test.ts',
  'test/run/command.test.ts',
  'test/run/http.test.ts',
  'test/run/service.test.ts',
  'test/stats/changePoint.test.ts',
  'test/stats/pairwiseDifferences.test.ts',
  'test/sweep/coordinate.test.ts',
  'test/sweep/grid.test.ts',
];

/**
 * Whole runs through the CLI or the bundled action that repeat a check many times to measure what
 * a user relies on (false alarms, power, bisection's culprit, the A/A gate under load), and the
 * git store's races: minutes of real measuring, so `npm test` leaves them to `npm run test:e2e`,
 * which CI runs after it (.ci/run). They run side by side, as the quick files do.
 */
const END_TO_END = [
  'test/action/bisect.test.ts',
  'test/cli/alive.test.ts',
  'test/cli/bisect.test.ts',
  'test/cli/calibrate.test.ts',
  'test/cli/check.test.ts',
  'test/cli/historyPower.test.ts',
  'test/dashboard/browser.test.ts',
  'test/dist/action.test.ts',
  'test/dist/shards.test.ts',
  'test/store/gitStore.compact.test.ts',
  'test/store/gitStore.concurrency.test.ts',
  'test/sweep/drift.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    // vitest leaves one core free by default: on a 2-core runner that is no parallelism at all.
    // Most files wait on child processes, git and sockets, so a third worker still gains: the
    // suite took 178 s with 3 workers against 199 s with 2 on this 2-core machine.
    maxWorkers: 3,
    coverage: { provider: 'v8', include: ['src/**'] },
    projects: [
      {
        extends: true,
        test: {
          name: 'quick',
          include: ['test/**/*.test.ts'],
          exclude: [...MEASURED, ...END_TO_END],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'end-to-end',
          include: END_TO_END,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'measured',
          include: MEASURED,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
