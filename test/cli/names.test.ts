// Benchmark names are input, and for fork PRs untrusted: whatever they hold, `perfgate compare`
// must gate on them and show them as text, never as issue links, terminal control or nothing.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const TRIALS = 8;

/** BMF measures of one trial: name → value, written as JSON text so `__proto__` stays a key. */
type Trial = Record<string, Record<string, number>>;

/** One BMF file per trial per side; `head(i)` and `base(i)` give trial i's values. */
async function sides(base: (i: number) => Trial, head: (i: number) => Trial): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-names-'));
  const paths = [join(dir, 'base'), join(dir, 'head')];
  for (const [side, trial] of [base, head].entries()) {
    await mkdir(paths[side] as string);
    for (let i = 0; i < TRIALS; i++) {
      await writeFile(join(paths[side] as string, `trial-${i}.json`), bmfText(trial(i)));
    }
  }
  return paths;
}

/**
 * JSON.stringify of an object literal would lose `__proto__` before the file is written (it
 * sets the prototype), so the JSON text is built from entries, as a hostile file would be.
 */
function bmfText(trial: Trial): string {
  const object = (entries: [string, string][]) =>
    `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(', ')}}`;
  return object(
    Object.entries(trial).map(([benchmark, measures]) => [
      benchmark,
      object(
        Object.entries(measures).map(([slug, value]) => [
          slug,
          `{"value": ${value}, "unit": "ms"}`,
        ]),
      ),
    ]),
  );
}

/** An entry named `__proto__` in an object built for a test, as JSON.parse makes it. */
function withProto<T>(value: T, rest: Record<string, T>): Record<string, T> {
  return Object.defineProperty({ ...rest }, '__proto__', { value, enumerable: true });
}

describe('a benchmark or measure named __proto__', () => {
  it('is compared like any other: a 10x regression in it fails the gate', async () => {
    const trial = (scale: number) => (i: number) =>
      withProto(
        { latency: (100 + i) * scale },
        { api: withProto((50 + i) * scale, { ok: 20 + i }) },
      );
    const [base, head] = (await sides(trial(1), trial(10))) as [string, string];
    const run = await runCli(['compare', base, head]);
    const regressed = run.stdout.split('\n').filter((line) => line.includes('REGRESSION'));
    expect(regressed.map((line) => line.split(/\s{2,}/)[0]).sort()).toEqual([
      '__proto__ latency',
      'api __proto__',
    ]);
    expect(run.code).toBe(1);
  });
});

describe('names that look like issue references', () => {
  let base: string;
  let head: string;
  beforeAll(async () => {
    const trial = (i: number) => ({
      'fix #123': { 'GH-45': 10 + i },
      'octo/repo#678': { latency: 10 + i },
    });
    // A measure only in the baseline: its name reaches the notes too.
    [base, head] = (await sides((i) => ({ ...trial(i), 'see #9': { gone: 1 + i } }), trial)) as [
      string,
      string,
    ];
  });

  it('do not link or cross-reference issues in the markdown report', async () => {
    const run = await runCli(['compare', base, head, '--format', 'markdown']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('see #\u200b9 gone: not in the candidate');
    // GitHub links a # or GH- directly followed by digits.
    expect(run.stdout).not.toMatch(/#\d|GH-\d/i);
  });

  it('show as written in the text report', async () => {
    const run = await runCli(['compare', base, head]);
    expect(run.stdout).toMatch(/^octo\/repo#678 latency /m);
    expect(run.stdout).toContain('fix #123 GH-45');
  });
});

describe('names with terminal control characters', () => {
  it('cannot erase the REGRESSION line above them in --format text', async () => {
    const erase = 'ok\x1b[1A\x1b[2K';
    const trial = (scale: number) => (i: number) => ({
      api: { slow: (10 + i) * scale, [erase]: 10 + i },
    });
    const [base, head] = (await sides(
      (i) => ({ ...trial(1)(i), 'a\rb\nc': { gone: 1 } }),
      trial(10),
    )) as [string, string];
    const run = await runCli(['compare', base, head]);
    expect(run.code).toBe(1);
    // Nothing a terminal would obey: no ESC, no carriage return, no line from a name.
    expect(run.stdout).not.toContain('\x1b');
    expect(run.stdout).not.toContain('\r');
    expect(run.stdout).toMatch(/^api slow .* REGRESSION$/m);
    expect(run.stdout).toMatch(/^api ok\\x1b\[1A\\x1b\[2K /m);
    expect(run.stdout).toContain('  - a\\x0db\\x0ac gone: not in the candidate');
  });
});

describe('a target that matches no metric', () => {
  it('is named as text in both the terminal and the markdown note', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'perfgate-names-'));
    const config = join(dir, 'perfgate.yml');
    // YAML's \e is ESC: a config can hold any character. The bracket is closed, so the glob is
    // valid (a glob with an unclosed '[' is refused at load), and ESC [2K still erases a line.
    await writeFile(
      config,
      'version: 1\nsuites:\n  - { name: a, kind: command, command: "true" }\n' +
        'targets:\n  - { metric: "gone#12\\e[2K]", max: 1 }\n',
    );
    const text = await runCli(['analyze', 'examples/head', '--config', config]);
    expect(text.stdout).toContain("note: no metric matches target 'gone#12\\x1b[2K]'");
    const markdown = await runCli([
      'analyze',
      'examples/head',
      '--config',
      config,
      '--format',
      'markdown',
    ]);
    // Rendered: gone#12\x1b[2K], with a zero-width space after the #.
    expect(markdown.stdout).toContain(
      "note: no metric matches target 'gone#\u200b12\\\\x1b\\[2K\\]'",
    );
  });
});
