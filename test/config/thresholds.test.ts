// Writing calibrated thresholds back into a config (perfgate calibrate --write): what must survive.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { assertThresholdsEditable, withThresholdRules } from '../../src/config/thresholds.js';

const LONG = `node bench.mjs --an argument list that goes past eighty columns, which must not be re-folded`;

const COMMENTED = `# perfgate.yml: top comment
version: 1
trials: 6 # inline comment
suites:
  - { name: work, kind: command, command: "${LONG}" }
compare:
  # before thresholds
  thresholds:
    # before the first rule
    - metric: other/*
      threshold: 0.2
    - { metric: work/jumpy, threshold: 0.1 }
  # at the end of compare
# at the end of the file
`;

const rule = { metric: 'work/jumpy', threshold: 0.15 };
const comments = (text: string) => text.split(/\r?\n/).filter((line) => line.includes('#'));

describe('withThresholdRules', () => {
  it('keeps every comment and untouched line, and puts the new rule first, replacing the old', () => {
    const text = withThresholdRules(COMMENTED, [rule], 'perfgate.yml');
    expect(comments(text).map((line) => line.trim())).toEqual(
      comments(COMMENTED).map((line) => line.trim()),
    );
    expect(text).toContain(`command: "${LONG}"`);
    const config = parseConfig(text, '/repo/perfgate.yml', {});
    expect(config.compare.thresholds).toEqual([rule, { metric: 'other/*', threshold: 0.2 }]);
  });

  it('keeps CRLF line endings and a byte-order mark', () => {
    const windows = `\uFEFF${COMMENTED.replace(/\n/g, '\r\n')}`;
    const text = withThresholdRules(windows, [rule], 'perfgate.yml');
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    expect(parseConfig(text.slice(1), '/repo/perfgate.yml', {}).compare.thresholds[0]).toEqual(
      rule,
    );
  });

  it('keeps a JSON config JSON, with its indentation', () => {
    const json = `${JSON.stringify({ version: 1, suites: [{ name: 'work', kind: 'command', command: 'true' }], compare: { thresholds: [{ metric: 'work/jumpy', threshold: 0.1 }] } }, null, 4)}\n`;
    const text = withThresholdRules(json, [rule], 'perfgate.json');
    expect(JSON.parse(text).compare.thresholds).toEqual([rule]);
    expect(text).toMatch(/^\{\n {4}"version": 1,/);
  });
});

describe('assertThresholdsEditable', () => {
  it('refuses a rules list that defines an anchor another part of the config uses', () => {
    const anchored = `version: 1
suites: [{ name: s1, kind: command, command: 'true' }]
compare:
  thresholds:
    - { metric: &m s1/m, threshold: 0.1 }
targets: [{ metric: *m, max: 5 }]
`;
    expect(() => assertThresholdsEditable(anchored, 'perfgate.yml')).toThrow(
      /perfgate\.yml: compare\.thresholds: a rule here carries a YAML anchor/,
    );
    expect(() => assertThresholdsEditable(COMMENTED, 'perfgate.yml')).not.toThrow();
  });
});
