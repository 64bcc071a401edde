// The dashboard in a real browser: Debian's Chromium driven by playwright-core, the site built by
// the CLI from a stored history and served from 127.0.0.1 (every other request is refused and
// recorded). Light and dark screenshots go to perfgate-out/.
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launchChromium, serveFolder } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { folderStore } from '../../src/store/folderStore.js';
import { CPU_ONLY, HOSTILE, run, writeHistory } from './history.js';

/** The newest environment's (the GPU machine's) cards, in page order. */
const GPU_CARDS = [
  'api/latency_p95',
  'api/throughput',
  'api/gpu.util',
  'api/host.background_cpu',
  'db/query_ms',
];
const SCREENSHOTS = resolve(import.meta.dirname, '../../perfgate-out');
const REPO = 'https://github.com/octo/repo';
const executable = chromiumPath();
if (!executable) {
  console.warn(
    'SKIPPED the dashboard browser tests: no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)',
  );
}

/** The few DOM shapes the page functions below touch: the project's tsconfig has no DOM library. */
interface Card {
  hidden: boolean;
  dataset: Record<string, string | undefined>;
}
interface Canvas {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(...box: number[]): { data: ArrayLike<number> } };
}

interface Opened {
  page: Page;
  context: BrowserContext;
  /** Console errors, page errors and dialogs (alert): none may appear. */
  problems: string[];
  /** Requests to anywhere but 127.0.0.1, refused. */
  refused: string[];
}

describe.skipIf(!executable)('the dashboard in Chromium', () => {
  let browser: Browser;
  let dir: string;
  let server: Awaited<ReturnType<typeof serveFolder>>;
  const opened: Opened[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'perfgate-dashboard-browser-'));
    await writeHistory(join(dir, 'history'));
    const built = await runCli(
      ['dashboard', '--store', 'history', '--out', 'site', '--repo-url', REPO],
      dir,
    );
    expect(built.code).toBe(0);
    server = await serveFolder(join(dir, 'site'));
    browser = await launchChromium(executable!);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  afterEach(async () => {
    for (const { context, problems } of opened.splice(0)) {
      await context.close();
      expect(problems).toEqual([]);
    }
  });

  async function open(
    url = server.url,
    options: { width?: number; colorScheme?: 'light' | 'dark' } = {},
  ): Promise<Opened> {
    const context = await browser.newContext({
      viewport: { width: options.width ?? 1200, height: 900 },
      colorScheme: options.colorScheme ?? 'light',
    });
    const problems: string[] = [];
    const refused: string[] = [];
    await context.route(
      (url) => url.protocol !== 'file:' && url.hostname !== '127.0.0.1',
      async (route) => {
        refused.push(route.request().url());
        await route.abort();
      },
    );
    const page = await context.newPage();
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', async (d) => {
      problems.push(`dialog: ${d.message()}`);
      await d.dismiss();
    });
    await page.goto(url);
    await page.waitForSelector('html[data-ready="true"]');
    const result = { page, context, problems, refused };
    opened.push(result);
    return result;
  }

  const visibleCards = (page: Page) =>
    page.$$eval('.metric', (cards) =>
      (cards as unknown as Card[]).filter((c) => !c.hidden).map((c) => c.dataset.key),
    );

  /** Pixels of a chart's canvas in the regression colour (the change-point marker's). */
  const redPixels = (page: Page, key: string) =>
    page.$eval(`.metric[data-key="${key}"] canvas`, (element) => {
      const canvas = element as unknown as Canvas;
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let red = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i]! > 180 && data[i + 1]! < 90 && data[i + 2]! < 90 && data[i + 3]! > 200) red++;
      }
      return red;
    });

  /**
   * The largest share of one pixel row of a chart's canvas in the text colour, opaque: a target's
   * level line (grid lines are faint, the median is blue).
   */
  const levelLine = (page: Page, key: string) =>
    page.$eval(`.metric[data-key="${key}"] canvas`, (element) => {
      const canvas = element as unknown as Canvas;
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let longest = 0;
      for (let y = 0; y < canvas.height; y++) {
        let dark = 0;
        for (let x = 0; x < canvas.width; x++) {
          const i = (y * canvas.width + x) * 4;
          if (data[i]! < 90 && data[i + 1]! < 90 && data[i + 2]! < 90 && data[i + 3]! > 180) dark++;
        }
        longest = Math.max(longest, dark / canvas.width);
      }
      return longest;
    });

  it('draws a chart per metric of the newest environment: median and IQR band', async () => {
    const { page } = await open();
    expect(await page.inputValue('#environment')).toBe('0');
    expect(await page.textContent('#environment option:checked')).toContain('NVIDIA H200');
    // What is judged first, then the suite's context.
    expect(await visibleCards(page)).toEqual(GPU_CARDS);
    expect(await page.$$eval('section.suite h2', (h) => h.map((e) => e.textContent))).toEqual([
      'api',
      'db',
    ]);
    // uPlot's legend lists the x series (run) and the three drawn ones.
    for (const legend of await page.$$('.metric .u-legend')) {
      expect(
        await legend.$$eval('.u-series th', (s) => s.map((e) => e.textContent?.trim())),
      ).toEqual(['run', 'q1', 'q3', 'median']);
    }
    const drawn = await page.$$eval('.metric canvas', (canvases) =>
      (canvases as unknown as Canvas[]).map((c) => {
        const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
        return painted;
      }),
    );
    expect(drawn).toHaveLength(5);
    for (const painted of drawn) expect(painted).toBeGreaterThan(1000);
    // The config changed at the GPU machine's third run: marked on every chart, named below it.
    expect(
      await page.$$eval('.metric', (cards) =>
        (cards as unknown as Card[]).filter((c) => !c.hidden).map((c) => c.dataset.configChanges),
      ),
    ).toEqual(['1', '1', '1', '1', '1']);
    expect(
      await page.locator('.metric[data-key="api/latency_p95"] .config-changes').textContent(),
    ).toMatch(/^The config changed at abc0020 \(2026-11-02 02:00 UTC\)/);
    // The latest run against the runs before it, in the PR comment's words.
    const verdicts = await page.$$eval('#latest tbody td:last-child', (cells) =>
      cells.map((c) => c.textContent),
    );
    // Context is never judged: the table has no row for it.
    expect(verdicts).toHaveLength(4);
    expect(await page.textContent('#latest tbody')).not.toContain('host.background_cpu');
    for (const verdict of verdicts)
      expect(['~', '🔴 regression', '🟢 improvement']).toContain(verdict);
    // The change is measured from the column beside the latest: its heading says what that is,
    // with the count of runs (the GPU machine's 5 runs of the latest config before it).
    expect(
      await page.$$eval('#latest thead th', (cells) => cells.map((c) => c.textContent)),
    ).toEqual(['metric', 'geometric mean of the 5 runs before', 'latest run', 'change', 'verdict']);
    const latency = await page.$$eval('#latest tbody tr:first-child td', (cells) =>
      cells.map((c) => c.textContent),
    );
    expect(latency).toEqual([
      'api latency_p95',
      expect.stringMatching(/^(9\.\d+|10\.\d+) ms$/),
      expect.stringMatching(/^(9\.\d+|10\.\d+) ms$/),
      expect.stringMatching(/^[+−±]\d/),
      expect.any(String),
    ]);
    await page.selectOption('#environment', '1');
    expect(await page.textContent('#latest thead th:nth-child(2)')).toBe(
      'geometric mean of the 20 runs before',
    );
  });

  it('switches environments without mixing them, and marks the +30 % step with its commits', async () => {
    const { page } = await open();
    expect(await page.$$('.change-points li')).toHaveLength(0);
    await page.selectOption('#environment', '1');
    expect(await page.textContent('#environment option:checked')).toContain('no GPU');
    expect(await visibleCards(page)).toEqual([
      'api/latency_p95',
      'api/throughput',
      'api/host.background_cpu',
      'db/query_ms',
      `${HOSTILE}/${HOSTILE}<script>alert(2)</script>`,
    ]);
    const latency = page.locator('.metric[data-key="api/latency_p95"]');
    await latency.locator('.u-over').hover({ position: { x: 2, y: 20 } });
    // The CPU-only runs start on 1 October; the GPU machine's on 31 October.
    expect(await latency.locator('.point').textContent()).toMatch(
      /^abc0000 · 2026-10-01 02:00 UTC · median 10(\.\d+)? ms · IQR [\d.]+–[\d.]+ · AMD EPYC 7763 · 2 CPUs .* no GPU$/,
    );
    const item = latency.locator('.change-points li');
    expect(await item.count()).toBe(1);
    expect(await item.getAttribute('class')).toBe('regression');
    expect(await item.textContent()).toMatch(
      /^\+(29|30)\.\d % \(regression\): .* between abc0013…abc0014/,
    );
    const good = run(19, CPU_ONLY).commit;
    const bad = run(20, CPU_ONLY).commit;
    expect(await item.locator('a').getAttribute('href')).toBe(`${REPO}/compare/${good}...${bad}`);
    // The marker is drawn in the regression colour on this chart only.
    expect(await redPixels(page, 'api/latency_p95')).toBeGreaterThan(50);
    expect(await redPixels(page, 'api/throughput')).toBe(0);
  });

  it('narrows the charts and the table with the filter box', async () => {
    const { page } = await open();
    await page.fill('#filter', 'LATENCY');
    expect(await visibleCards(page)).toEqual(['api/latency_p95']);
    expect(await page.isHidden('section.suite[data-suite="db"]')).toBe(true);
    expect(await page.locator('#latest tbody tr:visible').count()).toBe(1);
    await page.fill('#filter', 'db query');
    expect(await visibleCards(page)).toEqual(['db/query_ms']);
    await page.fill('#filter', '');
    expect(await visibleCards(page)).toHaveLength(GPU_CARDS.length);
  });

  it('charts context unjudged, and a target metric with its target in view', async () => {
    const { page } = await open();
    const context = page.locator('.metric[data-key="api/host.background_cpu"]');
    expect(await context.locator('h3').textContent()).toBe('host.background_cpu (context)');
    expect(await context.locator('.hint').textContent()).toMatch(/^Context: .* never judged/);
    expect(await context.locator('.config-changes').textContent()).toBe(
      'The config changed at abc0020 (2026-11-02 02:00 UTC) (grey lines).',
    );
    const target = page.locator('.metric[data-key="api/gpu.util"]');
    expect(await target.locator('h3').textContent()).toBe(
      'gpu.util (target 85 %: closer is better)',
    );
    expect(await page.textContent('#latest tbody')).toContain('api gpu.util (target 85 %)');
    // The utilization runs at 60 % ± 2 %, far below 85 %: the axis reaches the target all the
    // same, and its dashed level line crosses the chart (0.40 of a row here; 0.16 without it, the
    // axis labels' row). No other chart has such a line.
    expect(await levelLine(page, 'api/gpu.util')).toBeGreaterThan(0.3);
    expect(await levelLine(page, 'api/throughput')).toBeLessThan(0.25);
    // On the CPU-only machine the background load steps from 2 % to 40 % where latency steps:
    // latency's step is a change point, the context's is not.
    await page.selectOption('#environment', '1');
    expect(await context.getAttribute('data-change-points')).toBe('0');
    expect(await context.locator('.change-points').count()).toBe(0);
    expect(await redPixels(page, 'api/host.background_cpu')).toBe(0);
    expect(await redPixels(page, 'api/latency_p95')).toBeGreaterThan(50);
  });

  it('shows a run on hover and opens its commit on click', async () => {
    const { page, context, refused } = await open();
    const over = page.locator('.metric[data-key="db/query_ms"] .u-over');
    const box = (await over.boundingBox())!;
    await over.hover({ position: { x: box.width - 2, y: 20 } });
    const point = page.locator('.metric[data-key="db/query_ms"] .point');
    const newest = run(37, CPU_ONLY).commit!;
    expect(await point.textContent()).toMatch(
      /^abc0025 · 2026-11-07 02:00 UTC · median 3\.\d+ ms · IQR .* NVIDIA H200 \(driver 570\.1\)$/,
    );
    const popup = context.waitForEvent('page');
    await over.click({ position: { x: box.width - 2, y: 20 } });
    await (await popup).waitForLoadState().catch(() => undefined);
    expect(refused).toContain(`${REPO}/commit/${newest}`);
    expect(await point.locator('a').getAttribute('href')).toBe(`${REPO}/commit/${newest}`);
  });

  it('renders hostile names as text: no element, no script', async () => {
    const { page } = await open();
    await page.selectOption('#environment', '1');
    const suites = await page.$$eval('section.suite h2', (h) => h.map((e) => e.textContent));
    expect(suites).toContain(HOSTILE);
    expect(await page.$$('img')).toHaveLength(0);
    expect(await page.$$('main script, b')).toHaveLength(0);
    expect(await page.textContent('#latest tbody')).toContain(`${HOSTILE} ${HOSTILE}<script>`);
    // The open() listeners record any alert; afterEach asserts there was none.
  });

  it('says what was skipped, fits a phone, and works opened from disk', async () => {
    const { page } = await open(`file://${join(dir, 'site', 'index.html')}`, { width: 390 });
    expect(await page.textContent('#notes')).toMatch(/corrupt-000000\.json: invalid JSON/);
    const widths = await page.evaluate<number[]>(
      '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
    );
    expect(widths[0]).toBeLessThanOrEqual(widths[1]!);
    expect(await visibleCards(page)).toHaveLength(GPU_CARDS.length);
  });

  it('follows the reader’s theme (screenshots in perfgate-out/)', async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    const background: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page } = await open(server.url, { colorScheme });
      await page.selectOption('#environment', '1');
      await page.fill('#filter', 'api');
      background.push(
        await page.evaluate<string>('getComputedStyle(document.body).backgroundColor'),
      );
      await page.screenshot({
        path: join(SCREENSHOTS, `dashboard-${colorScheme}.png`),
        fullPage: true,
      });
    }
    expect(background).toEqual(['rgb(255, 255, 255)', 'rgb(13, 17, 23)']);
  });

  it('names each row’s reference where the rows differ in it', async () => {
    // An error rate that is 0 in some runs is centred by its mean (the geometric mean needs
    // positive values), and a metric new in the last 3 runs has 2 runs before it.
    const store = folderStore(join(dir, 'mixed'));
    for (let i = 0; i < 6; i++) {
      const r = run(i, CPU_ONLY);
      const [latency] = r.suites[0]!.metrics;
      const errors = { name: 'errors', unit: '%', direction: 'lower' as const };
      const extra = i >= 3 ? [{ ...errors, name: 'retries', samples: [1 + i, 2 + i] }] : [];
      r.suites = [
        {
          name: 'api',
          metrics: [latency!, { ...errors, samples: [i % 3, i % 3] }, ...extra],
        },
      ];
      await store.append(r, { branch: 'main' });
    }
    const built = await runCli(['dashboard', '--store', 'mixed', '--out', 'mixed-site'], dir);
    expect(built.code).toBe(0);
    const { page } = await open(`file://${join(dir, 'mixed-site', 'index.html')}`);
    expect(await page.textContent('#latest thead th:nth-child(2)')).toBe('the runs before');
    const rows = await page.$$eval('#latest tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 3).map((td) => td.textContent)),
    );
    expect(rows).toEqual([
      [
        'api latency_p95',
        expect.stringMatching(/^(9\.\d+|10\.\d+) ms \(geometric mean of the 5 runs before\)$/),
        expect.stringMatching(/ ms$/),
      ],
      ['api errors', '0.800 % (mean of the 5 runs before)', '2.00 %'],
      ['api retries', '4.97 % (geometric mean of the 2 runs before)', '6.50 %'],
    ]);
  });

  it('tells how to record a history when there is none', async () => {
    await mkdir(join(dir, 'none'), { recursive: true });
    const empty = await runCli(['dashboard', '--store', 'none', '--out', 'empty'], dir);
    expect(empty.code).toBe(0);
    const site = await serveFolder(join(dir, 'empty'));
    try {
      const { page } = await open(site.url);
      expect(await page.textContent('#empty')).toContain(
        'perfgate record --config perfgate.yml --store DIR',
      );
      expect(await page.isHidden('.controls')).toBe(true);
    } finally {
      await site.close();
    }
  });
});
