import { describe, expect, it } from 'vitest';
import { compareResults } from '../../src/compare/compare.js';
import { renderComparisonMarkdown } from '../../src/report/markdown.js';
import { COMMENT_LIMIT, truncateMarkdown } from '../../src/report/truncate.js';
import { around, results } from '../helpers/results.js';

const marker = '<!-- perfgate:api -->';

describe('renderComparisonMarkdown', () => {
  it('leads with the marker and verdict, lists regressions before the collapsed table, shows environments', () => {
    const base = results([{ name: 'latency_p95', samples: around(100, 10) }]);
    const head = results([{ name: 'latency_p95', samples: around(130, 10) }]);
    const markdown = renderComparisonMarkdown(compareResults(base, head), {
      marker,
      baseLabel: 'main (3 results)',
      headLabel: 'abc123',
      environments: {
        base: { cpuModel: 'AMD EPYC', gpus: [{ index: 0, name: 'NVIDIA H100', driver: '550.54' }] },
        head: { cpuModel: 'AMD EPYC' },
      },
    });
    const lines = markdown.split('\n');
    expect(lines[0]).toBe(marker);
    expect(lines[1]).toMatch(/^🔴 \*\*Performance regression\*\*: 1 regressed/);
    expect(markdown.indexOf('**Regressions**')).toBeLessThan(
      markdown.indexOf('<details><summary>All 1 metrics'),
    );
    expect(markdown).toMatch(/\| GPUs +\| NVIDIA H100 \(driver 550\.54\) +\| +\|/);
  });

  it('escapes names from result files so they cannot mention people or inject HTML', () => {
    const evil = results([{ suite: '@octocat <script>', name: 'x|y', samples: around(1, 5) }]);
    const markdown = renderComparisonMarkdown(compareResults(evil, evil), {
      baseLabel: 'a',
      headLabel: 'b',
    });
    expect(markdown).not.toMatch(/@octocat|<script>|x\|y/);
    expect(markdown).toContain('@\u200boctocat &lt;script&gt;');
  });
});

describe('renderComparisonMarkdown when nothing could be tested', () => {
  // 20 metrics at 3 vs 3 trials: every one is insufficient, one of them 13.7 % slower.
  const names = Array.from({ length: 20 }, (_, i) => `m${i}`);
  const base = results(names.map((name) => ({ name, samples: around(100, 3) })));
  const head = results(
    names.map((name, i) => ({ name, samples: around(i === 0 ? 113.7 : 100, 3) })),
  );
  const markdown = renderComparisonMarkdown(compareResults(base, head), {
    baseLabel: 'main',
    headLabel: 'abc',
  });

  it('leads with a white headline, not a green pass', () => {
    expect(markdown.split('\n')[0]).toBe(
      '⚪ **Nothing could be tested**: 0 regressed, 0 improved, 0 unchanged, 20 not seen',
    );
    expect(markdown).not.toContain('🟢');
  });

  it('says a note shared by many metrics once, naming how many and the first few', () => {
    const notes = markdown.split('\n').filter((line) => line.includes('trials can never reach'));
    expect(notes).toEqual([
      expect.stringMatching(/^- nothing was tested: 3 vs 3 trials/),
      '- 3 vs 3 trials can never reach p &lt; 0.05; run at least 6 trials per side for 20 metrics ' +
        'tested together (20 metrics: api m0, api m1, api m2, …)',
    ]);
  });
});

describe('renderComparisonMarkdown spreads', () => {
  it('gives the spread of a zero median in the unit, never ±Infinity %', () => {
    const base = results([{ name: 'background_cpu', unit: '%', samples: [0, 0, 0, 1, 2] }]);
    const head = results([{ name: 'background_cpu', unit: '%', samples: [0, 0, 0, 0, 0] }]);
    const markdown = renderComparisonMarkdown(compareResults(base, head), {
      baseLabel: 'main',
      headLabel: 'abc',
    });
    expect(markdown).not.toMatch(/Infinity|NaN/);
    // IQR of [0, 0, 0, 1, 2] is 1: half of it, in %, beside the median.
    expect(markdown).toMatch(/\| 0 % ±0\.500 % \| +0 % ±0 % \|/);
  });
});

describe('truncateMarkdown', () => {
  it('keeps short text as it is', () => {
    expect(truncateMarkdown('short', COMMENT_LIMIT)).toBe('short');
  });

  it('cuts at a line, keeps the marker, closes an open <details> and says it truncated', () => {
    const long = [
      marker,
      '<details><summary>All</summary>',
      ...Array.from({ length: 5000 }, (_, i) => `| row ${i} |`),
    ].join('\n');
    const cut = truncateMarkdown(long, 10_000);
    expect(cut.length).toBeLessThanOrEqual(10_000);
    expect(cut.startsWith(marker)).toBe(true);
    expect(cut).toMatch(/\| row \d+ \|\n<\/details>\n\n> ⚠️ This report was truncated/);
  });
});
