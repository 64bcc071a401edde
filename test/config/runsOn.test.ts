// A suite's runsOn: a label or a list of runner labels, checked like runs-on, outside the config hash.
import { describe, expect, it } from 'vitest';
import { configHash, parseConfig } from '../../src/config/index.js';

const config = (runsOn: string) =>
  parseConfig(
    [
      'version: 1',
      'suites:',
      `  - { name: infer, kind: command, command: 'true'${runsOn} }`,
      '',
    ].join('\n'),
    '/repo/perfgate.yml',
    {},
  );

describe('runsOn', () => {
  it('takes one label or a list, and leaves the config hash alone', () => {
    expect(config(', runsOn: gpu').suites[0]?.runsOn).toEqual(['gpu']);
    const pinned = config(', runsOn: [self-hosted, gpu-h100]');
    expect(pinned.suites[0]?.runsOn).toEqual(['self-hosted', 'gpu-h100']);
    expect(configHash(pinned)).toBe(configHash(config('')));
  });

  it('refuses what runs-on would not take, naming the field', () => {
    expect(() => config(", runsOn: ['${{ matrix.x }}']")).toThrow(
      /suites\[0\]\.runsOn\[0\]: expected a runner label/,
    );
  });
});
