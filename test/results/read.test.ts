import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { formatJsonPath, parseJson } from '../../src/json.js';
import { parseResults, readResultsFile, writeResultsFile } from '../../src/results/read.js';
import type { Results } from '../../src/results/schema.js';

const valid: Results = {
  schema: 'perfgate/results@1',
  createdAt: '2025-05-12T02:00:00Z',
  suites: [
    {
      name: 'api/search',
      metrics: [{ name: 'latency_p95', unit: 'ms', direction: 'lower', samples: [16.1, 16.4] }],
    },
  ],
};

/** `valid` with suites[2].metrics[0].samples[3] a string: a wrong type deep in the tree. */
function withBadSample(): unknown {
  const bad = { name: 'm', unit: 'ms', direction: 'lower', samples: [1, 2, 3, '4.5'] };
  const [good] = valid.suites;
  return { ...valid, suites: [good, good, { name: 's', metrics: [bad] }] };
}

function inputError(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perfgate-read-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('parseResults', () => {
  it('returns a valid results value unchanged', () => {
    expect(parseResults(valid, 'r.json')).toEqual(valid);
  });

  it('names the file, the JSON path and what was expected for a wrong type deep in the tree', () => {
    const error = inputError(() => parseResults(withBadSample(), 'base.json'));
    expect(error.file).toBe('base.json');
    expect(error.field).toBe('suites[2].metrics[0].samples[3]');
    expect(error.message).toBe(
      'base.json: suites[2].metrics[0].samples[3]: expected a number, got "4.5"',
    );
  });

  it('says a required field is missing', () => {
    const error = inputError(() => parseResults({ ...valid, suites: [{ metrics: [] }] }, 'r.json'));
    expect(error.message).toBe('r.json: suites[0].name: required: expected a string');
  });

  it('takes a target only with direction "target", and requires it there', () => {
    const util = (fields: object) => ({
      ...valid,
      suites: [{ name: 'infer', metrics: [{ name: 'util', unit: '%', samples: [80], ...fields }] }],
    });
    const parsed = parseResults(util({ direction: 'target', target: 85 }), 'r.json');
    expect(parsed.suites[0]?.metrics[0]?.target).toBe(85);
    expect(inputError(() => parseResults(util({ direction: 'target' }), 'r.json')).message).toBe(
      'r.json: suites[0].metrics[0].target: required with direction "target": the value this metric should approach',
    );
    expect(
      inputError(() => parseResults(util({ direction: 'higher', target: 85 }), 'r.json')).message,
    ).toBe('r.json: suites[0].metrics[0].direction: a target needs direction "target" beside it');
  });

  it('lists at most five issues and counts the rest', () => {
    const metric = {
      name: 'm',
      unit: 'ms',
      direction: 'lower',
      samples: ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
    };
    const error = inputError(() =>
      parseResults({ ...valid, suites: [{ name: 's', metrics: [metric] }] }, 'r.json'),
    );
    expect(error.field).toBe('suites[0].metrics[0].samples[0]');
    expect(error.message).toContain('suites[0].metrics[0].samples[4]: expected a number, got "e"');
    expect(error.message).not.toContain('samples[5]');
    expect(error.message).toMatch(/; and 2 more\)$/);
  });

  it('shows the schema tag it found when the version is not v1', () => {
    const error = inputError(() =>
      parseResults({ ...valid, schema: 'perfgate/results@2' }, 'r.json'),
    );
    expect(error.message).toBe(
      'r.json: schema: expected "perfgate/results@1", got "perfgate/results@2"',
    );
  });

  it('rejects unknown fields, naming them', () => {
    const error = inputError(() => parseResults({ ...valid, extra: 1 }, 'r.json'));
    expect(error.message).toBe('r.json: (top level): Unrecognized key: "extra"');
  });
});

describe('formatJsonPath', () => {
  it('quotes keys that are not identifiers, like BMF benchmark names', () => {
    expect(formatJsonPath(['/bin/sh -c x', 'latency', 'value'])).toBe(
      '["/bin/sh -c x"].latency.value',
    );
    expect(formatJsonPath([0, 'name'])).toBe('[0].name');
  });
});

describe('parseJson', () => {
  it('gives the line and column of a syntax error when Node reports a position', () => {
    const error = inputError(() => parseJson('{\n  "a": 1\n  "b": 2\n}', 'bad.json'));
    expect(error.message).toMatch(/^bad\.json: invalid JSON at line 3, column 3: /);
  });

  it('names the file for a truncated file', () => {
    const error = inputError(() => parseJson('{"a": [1,', 'cut.json'));
    expect(error.message).toMatch(/^cut\.json: invalid JSON.*end of JSON input/);
  });

  it("never quotes the file's first bytes (an artifact linked to /etc/passwd)", () => {
    const error = inputError(() => parseJson('root:x:0:0:root:/root:/bin/bash\n', 'passwd.json'));
    expect(error.message).toMatch(/^passwd\.json: invalid JSON: Unexpected token/);
    expect(error.message).not.toMatch(/root:x|x:0:0/);
  });

  it('accepts a leading byte-order mark', () => {
    expect(parseJson('\uFEFF{"a": 1}', 'bom.json')).toEqual({ a: 1 });
  });
});

describe('readResultsFile', () => {
  it('reads and validates a file', async () => {
    const path = join(dir, 'r.json');
    await writeFile(path, JSON.stringify(valid));
    await expect(readResultsFile(path)).resolves.toEqual(valid);
  });

  it('says when the file does not exist', async () => {
    const path = join(dir, 'missing.json');
    await expect(readResultsFile(path)).rejects.toThrow(`${path}: file not found`);
  });

  it('names the file and path of an invalid file', async () => {
    const path = join(dir, 'r.json');
    await writeFile(path, JSON.stringify(withBadSample()));
    await expect(readResultsFile(path)).rejects.toThrow(
      `${path}: suites[2].metrics[0].samples[3]: expected a number`,
    );
  });
});

describe('writeResultsFile', () => {
  it('writes a file that reads back equal and leaves no temporary file', async () => {
    const path = join(dir, 'out', 'results.json');
    await writeResultsFile(path, valid);
    await expect(readResultsFile(path)).resolves.toEqual(valid);
    expect(await readdir(join(dir, 'out'))).toEqual(['results.json']);
  });

  it('replaces an existing file whole', async () => {
    const path = join(dir, 'results.json');
    await writeFile(path, 'old contents that are much longer than nothing at all'.repeat(100));
    await writeResultsFile(path, valid);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(valid);
  });

  it('refuses invalid results and leaves the previous file untouched', async () => {
    const path = join(dir, 'results.json');
    await writeFile(path, 'previous');
    await expect(writeResultsFile(path, withBadSample() as Results)).rejects.toThrow(
      'suites[2].metrics[0].samples[3]',
    );
    expect(await readFile(path, 'utf8')).toBe('previous');
    expect(await readdir(dir)).toEqual(['results.json']);
  });

  it('refuses to replace a symbolic link, naming the file when no option named it', async () => {
    // A store or the action writes results too: a link planted there must not be replaced.
    const link = join(dir, 'results.json');
    await symlink(join(dir, 'elsewhere.json'), link);
    const refused = writeResultsFile(link, valid);
    await expect(refused).rejects.toThrow(InputError);
    await expect(refused).rejects.toThrow(`${link}: is a symbolic link, not a regular file`);
    expect(await readlink(link)).toBe(join(dir, 'elsewhere.json'));
    expect(await readdir(dir)).toEqual(['results.json']);
  });

  it('removes its temporary file when the rename fails', async () => {
    // Renaming a file onto an existing folder fails after the temporary file was written.
    const path = join(dir, 'taken');
    await writeFile(join(dir, 'keep.txt'), '');
    await mkdir(join(path, 'inside'), { recursive: true });
    await expect(writeResultsFile(path, valid)).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['keep.txt', 'taken']);
  });
});

describe('docs/results-format.md', () => {
  it('shows a complete example that is valid', async () => {
    const doc = await readFile(new URL('../../docs/results-format.md', import.meta.url), 'utf8');
    const [example] = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    const results = parseResults(parseJson(example ?? '', 'example'), 'example');
    expect(results.suites.map((s) => s.name)).toEqual(['api/search', 'inference']);
  });
});
