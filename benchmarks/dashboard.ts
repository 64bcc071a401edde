/**
 * The history dashboard at scale (issue #14): a folder store of 2,000 runs × 50 metrics, built
 * into a site with `perfgate dashboard`'s pipeline, and the page loaded in headless Chromium.
 * Run: npm run bench:dashboard   (= tsx benchmarks/dashboard.ts [runs=2000] [metrics=50] [steps=5])
 *
 * History: 5 suites × 10 metrics, 5 trials per metric and run, trial CV 3 % and run-to-run CV 2 %
 * (log-normal, seeded); `steps` metrics step up 30 % 100 runs before the newest, which the
 * change-point search (newest 250 runs of each series) must find. One environment.
 * Measured, median of 3:
 * - build: buildDashboard from the folder store: listing and validating every file, the data
 *   (series, change points, latest verdicts), writing the site (acceptance < 5 s);
 * - data.js bytes (acceptance < 5 MB);
 * - interactive: navigation start to the page's `perfgate:ready` mark (every chart drawn, filter
 *   and selector listening), from 127.0.0.1 (acceptance < 1.5 s); then a filter keystroke's
 *   response (input event to the next frame).
 */
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildDashboard } from '../src/pipeline/dashboard.js';
import type { Results } from '../src/results/schema.js';
import { folderStore } from '../src/store/folderStore.js';
import { resultPath } from '../src/store/history.js';
import { chromiumPath, launchChromium, serveFolder } from '../test/helpers/browser.js';
import { logNormalNoise } from './detection/noise.js';

const RUNS = Number(process.argv[2] ?? 2000);
const METRICS = Number(process.argv[3] ?? 50);
const STEPS = Number(process.argv[4] ?? 5);
const SUITE_SIZE = 10;
const REPEATS = 3;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The stored history: one results file per run, laid out as the store lays them out. */
async function writeStore(dir: string): Promise<void> {
  const trial = logNormalNoise(0.03, 1);
  const run = logNormalNoise(0.02, 2);
  const start = Date.UTC(2021, 0, 1);
  for (let i = 0; i < RUNS; i++) {
    const suites = Array.from({ length: Math.ceil(METRICS / SUITE_SIZE) }, (_, s) => ({
      name: `suite_${s}`,
      metrics: Array.from({ length: Math.min(SUITE_SIZE, METRICS - s * SUITE_SIZE) }, (_, m) => {
        const index = s * SUITE_SIZE + m;
        const stepped = index < STEPS && i >= RUNS - 100;
        const level = (run.trials(1, 0)[0]! / 100) * (1 + index / 10);
        return {
          name: `metric_${m}_latency`,
          unit: 'ms',
          direction: 'lower' as const,
          samples: trial.trials(5, stepped ? 0.3 : 0).map((v) => Number((v * level).toFixed(4))),
        };
      }),
    }));
    const results: Results = {
      schema: 'perfgate/results@1',
      createdAt: new Date(start + i * 3_600_000).toISOString(),
      commit: (0x10000000 + i).toString(16).padEnd(40, 'f'),
      ref: 'refs/heads/main',
      environment: { os: 'linux', arch: 'x64', cpuModel: 'AMD EPYC 7763', cpuCount: 2 },
      suites,
    };
    const file = join(dir, resultPath(results, 'main', i.toString(16).padStart(6, '0')));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(results));
  }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-bench-dashboard-'));
  try {
    await writeStore(join(dir, 'history'));
    const builds: number[] = [];
    let found: { planted: boolean; near: boolean; any: boolean }[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const started = performance.now();
      const { data } = await buildDashboard({
        store: folderStore(join(dir, 'history')),
        branch: 'main',
        out: join(dir, 'site'),
        outField: 'out',
        overrides: {},
        repoUrl: 'https://github.com/octo/repo',
        now: new Date(),
      });
      builds.push(performance.now() - started);
      found = data.series.map((s) => {
        const [, suite, metric] = /^suite_(\d+)\/metric_(\d+)_/.exec(s.key)!.map(Number);
        const planted = suite! * SUITE_SIZE + metric! < STEPS;
        // The step's first run is the 100th from the end: found when a point lies within 2 of it.
        const near = s.changePoints.some((cp) => Math.abs(cp.at - (s.run.length - 100)) <= 2);
        return { planted, near, any: s.changePoints.length > 0 };
      });
    }
    const bytes = (await stat(join(dir, 'site', 'data.js'))).size;
    console.log(`history: ${RUNS} runs × ${METRICS} metrics, ${STEPS} with a +30 % step`);
    console.log(
      `build: ${builds.map((ms) => ms.toFixed(0)).join(', ')} ms (median ${median(builds).toFixed(0)})`,
    );
    const steps = found.filter((f) => f.planted);
    const stationary = found.filter((f) => !f.planted);
    console.log(`data.js: ${(bytes / 1e6).toFixed(2)} MB`);
    console.log(
      `steps marked at their run: ${steps.filter((f) => f.near).length} of ${steps.length}; ` +
        `stationary series with a change point: ${stationary.filter((f) => f.any).length} of ${stationary.length}`,
    );

    const executable = chromiumPath();
    if (!executable) {
      console.log('interactive: not measured, no Chromium (apt-get install chromium)');
      return;
    }
    const browser = await launchChromium(executable);
    const server = await serveFolder(join(dir, 'site'));
    try {
      const ready: number[] = [];
      const filter: number[] = [];
      for (let r = 0; r < REPEATS; r++) {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        await page.goto(server.url);
        await page.waitForSelector('html[data-ready="true"]', { timeout: 60_000 });
        ready.push(
          await page.evaluate<number>(
            `performance.getEntriesByName('perfgate:ready')[0].startTime`,
          ),
        );
        filter.push(
          await page.evaluate<number>(`new Promise((done) => {
            const input = document.getElementById('filter');
            const started = performance.now();
            input.value = 'metric_3';
            input.dispatchEvent(new Event('input'));
            requestAnimationFrame(() => done(performance.now() - started));
          })`),
        );
        await page.close();
      }
      console.log(
        `interactive: ${ready.map((ms) => ms.toFixed(0)).join(', ')} ms (median ${median(ready).toFixed(0)})`,
      );
      console.log(`filter keystroke to next frame: median ${median(filter).toFixed(0)} ms`);
    } finally {
      await browser.close();
      await server.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
