// The layout docs/architecture.md promises, read from the real source files: no import cycle
// (type imports included, which the lint rule import-x/no-cycle does not follow), every shared
// default written once (pipeline/defaults.ts), and no markdown assembled in the action's face.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const files = sourceFiles(SRC);
const text = new Map(files.map((file) => [file, readFileSync(file, 'utf8')]));
const shown = (file: string) => relative(SRC, file);

/** Relative imports and re-exports, `import type` included, as the files they name. */
function importsOf(file: string): string[] {
  const found = [
    ...(text.get(file) ?? '').matchAll(/(?:import|export)[^'";]*?from\s+'(\.[^']+)'/g),
  ];
  return found.map((m) => normalize(join(dirname(file), (m[1] as string).replace(/\.js$/, '.ts'))));
}

function cycles(): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of importsOf(file)) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return found.map((cycle) => cycle.map(shown));
}

describe('the source layout', () => {
  it('has no import cycle, type imports included', () => {
    expect(cycles()).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    const a = join(SRC, 'zz-a.ts');
    const b = join(SRC, 'zz-b.ts');
    files.push(a, b);
    text.set(a, "import type { B } from './zz-b.js';");
    text.set(b, "import type { A } from './zz-a.js';");
    try {
      expect(cycles()).toEqual([['zz-a.ts', 'zz-b.ts', 'zz-a.ts']]);
    } finally {
      files.splice(files.indexOf(a), 2);
      text.delete(a);
      text.delete(b);
    }
  });

  it('writes each shared default once, in pipeline/defaults.ts', () => {
    const defaults = [
      "'perfgate-history'",
      "'ubuntu-latest'",
      "'perfgate-out/results.json'",
      "'perfgate-out/shard.json'",
    ];
    for (const literal of defaults) {
      const holders = files.filter((file) => text.get(file)?.includes(literal)).map(shown);
      expect(holders, literal).toEqual(['pipeline/defaults.ts']);
    }
  });

  it('builds no markdown in the action: its reports are rendered in report/', () => {
    const action = files.filter((file) => shown(file).startsWith('action/'));
    for (const file of action) {
      const code = (text.get(file) ?? '').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      expect(code, shown(file)).not.toMatch(/['`]#{2,} |\| --- \||escapeMarkdown|layoutMarkdown/);
    }
  });
});
