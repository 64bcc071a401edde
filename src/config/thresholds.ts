/**
 * Writing threshold rules back into a config file (`perfgate calibrate --write`). The YAML is
 * edited as a document, in place: the rules list keeps its node (so comments on it and on the
 * rules kept stay), nothing is re-folded (no line width), line endings and a byte-order mark are
 * kept, and a JSON config stays JSON. What cannot be edited safely is refused before measuring
 * (assertThresholdsEditable). The result is validated as a config before anything is written.
 */
import { isMap, isSeq, parseDocument, visit, type Document } from 'yaml';
import { InputError } from '../errors.js';
import type { ThresholdRule } from './schema.js';

const BOM = '\uFEFF';

function parse(text: string, file: string): Document {
  const doc = parseDocument(text.replace(/^\uFEFF/, ''));
  if (doc.errors.length > 0 || !isMap(doc.contents)) {
    throw new InputError('is not a YAML mapping: fix it before writing thresholds into it', {
      file,
    });
  }
  const existing = doc.getIn(['compare', 'thresholds'], true);
  if (existing !== undefined && !isSeq(existing)) {
    throw new InputError('expected a list of { metric, threshold } rules', {
      file,
      field: 'compare.thresholds',
    });
  }
  return doc;
}

/**
 * Refuse, before minutes of measuring, a config `--write` could not edit safely: one that is not a
 * mapping, or whose rules list defines anchors (`metric: &m api/x`): a replaced rule's anchor used
 * elsewhere (`targets: [{ metric: *m }]`) would leave an alias to nothing.
 */
export function assertThresholdsEditable(text: string, file: string): void {
  if (file.endsWith('.json')) return;
  const rules = parse(text, file).getIn(['compare', 'thresholds'], true);
  let anchored = false;
  if (isSeq(rules)) {
    visit(rules, (_key, node) => {
      if (!(node as { anchor?: string } | null)?.anchor) return undefined;
      anchored = true;
      return visit.BREAK;
    });
  }
  if (anchored) {
    throw new InputError(
      'a rule here carries a YAML anchor (&name), which --write cannot keep if it replaces the rule: ' +
        'remove the anchor, or write the thresholds calibrate prints yourself',
      { file, field: 'compare.thresholds' },
    );
  }
}

/**
 * `text` with `rules` first in `compare.thresholds` (the first matching rule wins, so they take
 * precedence), replacing the rules already there for exactly the same metric names.
 */
export function withThresholdRules(
  text: string,
  rules: readonly ThresholdRule[],
  file: string,
): string {
  if (file.endsWith('.json')) return withJsonThresholdRules(text, rules, file);
  const doc = parse(text, file);
  const replaced = new Set(rules.map((rule) => rule.metric));
  const written = rules.map((rule) => {
    const node = doc.createNode({ metric: rule.metric, threshold: rule.threshold });
    node.flow = true;
    return node;
  });
  const existing = doc.getIn(['compare', 'thresholds'], true);
  if (isSeq(existing)) {
    existing.items = [
      ...written,
      ...existing.items.filter(
        (item) => !(isMap(item) && replaced.has(String(item.get('metric')))),
      ),
    ];
  } else {
    doc.setIn(['compare', 'thresholds'], doc.createNode(written));
  }
  const out = doc.toString({ lineWidth: 0 });
  const crlf = text.includes('\r\n');
  return `${text.startsWith(BOM) ? BOM : ''}${crlf ? out.replace(/\r?\n/g, '\r\n') : out}`;
}

/** A JSON config stays JSON: the rules put first, indentation and line endings as they were. */
function withJsonThresholdRules(
  text: string,
  rules: readonly ThresholdRule[],
  file: string,
): string {
  let config: unknown;
  try {
    config = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw new InputError('is not valid JSON: fix it before writing thresholds into it', { file });
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new InputError('is not a JSON object: fix it before writing thresholds into it', {
      file,
    });
  }
  const root = config as { compare?: { thresholds?: unknown } };
  const compare = root.compare ?? {};
  const existing = compare.thresholds ?? [];
  if (!Array.isArray(existing)) {
    throw new InputError('expected a list of { metric, threshold } rules', {
      file,
      field: 'compare.thresholds',
    });
  }
  const replaced = new Set(rules.map((rule) => rule.metric));
  const kept = existing.filter((rule: { metric?: unknown }) => !replaced.has(String(rule?.metric)));
  root.compare = { ...compare, thresholds: [...rules.map((r) => ({ ...r })), ...kept] };
  const indent = /^[ \t]+(?=")/m.exec(text)?.[0] ?? '  ';
  const out = `${JSON.stringify(root, null, indent)}\n`;
  const crlf = text.includes('\r\n');
  return `${text.startsWith(BOM) ? BOM : ''}${crlf ? out.replace(/\n/g, '\r\n') : out}`;
}
