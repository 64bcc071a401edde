import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { selectSuites } from '../../src/config/select.js';
import { InputError } from '../../src/errors.js';

const config = parseConfig(
  `version: 1
suites:
  - { name: api/embed, kind: command, command: a }
  - { name: api/search, kind: command, command: b }
  - { name: gpu/infer, kind: command, command: c }
`,
  '/repo/perfgate.yml',
  {},
);

describe('selectSuites', () => {
  it('keeps the named suites in config order', () => {
    const names = selectSuites(config, ['gpu/infer', 'api/embed']).suites.map((s) => s.name);
    expect(names).toEqual(['api/embed', 'gpu/infer']);
  });

  it('keeps every suite when no name is given', () => {
    expect(selectSuites(config, [])).toBe(config);
  });

  it('names an unknown suite, suggests a near one and lists the known ones', () => {
    const select = () => selectSuites(config, ['api/serch']);
    expect(select).toThrow(InputError);
    expect(select).toThrow(
      "/repo/perfgate.yml: --suite: unknown suite 'api/serch' — did you mean 'api/search'?; known suites: api/embed, api/search, gpu/infer",
    );
  });
});
