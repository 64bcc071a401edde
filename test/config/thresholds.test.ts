// Writing calibrated thresholds back into a config (perfgate calibrate --write): what must survive.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { assertThresholdsEditable, withThresholdRules } from '../../src/config/thresholds.js';

const LONG = `node bench.mjs --an argument list that goes past eighty columns, which must not be re-folded`;

const COMMENTED = `# perfgate.yml: top comment
version: 1
trials: 6       # inline comment, aligned
suites:
  - { name: work, kind: command, command: "${LONG}" }
compare:
  # before thresholds
  thresholds:   # on the key
    # before the first rule
    - metric: other/*    # on a kept rule
      threshold: 0.2
    - { metric: work/jumpy, threshold: 0.1 }   # on the replaced rule

    # after the last rule
  # at the end of compare
# at the end of the file
`;

const rule = { metric: 'work/jumpy', threshold: 0.15 };

describe('withThresholdRules', () => {
  it('changes only the lines of the rules: every other byte stays, comments in their columns', () => {
    const text = withThresholdRules(COMMENTED, [rule], 'perfgate.yml');
    expect(text).toBe(
      COMMENTED.replace(
        '    - metric: other/*',
        '    - { metric: work/jumpy, threshold: 0.15 }\n    - metric: other/*',
      ).replace('    - { metric: work/jumpy, threshold: 0.1 }   # on the replaced rule\n', ''),
    );
    const config = parseConfig(text, '/repo/perfgate.yml', {});
    expect(config.compare.thresholds).toEqual([rule, { metric: 'other/*', threshold: 0.2 }]);
  });

  it('adds the list where there is none: after the last entry of compare, or a compare at the end', () => {
    const base = `version: 1\nsuites: [{ name: work, kind: command, command: 'true' }]\n`;
    const withCompare = `${base}compare:\n    alpha: 0.01   # strict\n# end\n`;
    expect(withThresholdRules(withCompare, [rule], 'perfgate.yml')).toBe(
      `${base}compare:\n    alpha: 0.01   # strict\n    thresholds:\n        - { metric: work/jumpy, threshold: 0.15 }\n# end\n`,
    );
    // No final newline: one comes before the new lines. The file's indentation step is kept.
    expect(withThresholdRules(base.trimEnd(), [rule], 'perfgate.yml')).toBe(
      `${base}compare:\n  thresholds:\n    - { metric: work/jumpy, threshold: 0.15 }\n`,
    );
  });

  it('edits a flow list in place, and renders a flow compare map through the document', () => {
    const base = `version: 1\nsuites: [{ name: work, kind: command, command: 'true' }]   # one\n`;
    const flowList = `${base}compare:\n  thresholds: [{ metric: other/*, threshold: 0.2 }, {metric: work/jumpy, threshold: 0.1}]  # rules\n`;
    expect(withThresholdRules(flowList, [rule], 'perfgate.yml')).toBe(
      `${base}compare:\n  thresholds: [{ metric: work/jumpy, threshold: 0.15 }, { metric: other/*, threshold: 0.2 }]  # rules\n`,
    );
    const flowMap = `${base}compare: { alpha: 0.01 }\n`;
    const config = parseConfig(withThresholdRules(flowMap, [rule], 'perfgate.yml'), 'p.yml', {});
    expect(config.compare.thresholds).toEqual([rule]);
    expect(config.compare.alpha).toBe(0.01);
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
