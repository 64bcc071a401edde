/**
 * Writing threshold rules back into a config file (`perfgate calibrate --write`). The YAML text is
 * spliced: only the lines of replaced rules go, the new rules' lines come in, and every other
 * byte (comments and their columns, folding, blank lines, line endings, a byte-order mark) stays.
 * A JSON config stays JSON. What cannot be edited safely is refused before measuring
 * (assertThresholdsEditable). The result is validated as a config before anything is written.
 */
import {
  isMap,
  isSeq,
  parseDocument,
  stringify,
  visit,
  type Document,
  type Node,
  type YAMLSeq,
} from 'yaml';
import { isDeepStrictEqual } from 'node:util';
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
  const bom = text.startsWith(BOM) ? BOM : '';
  const body = text.slice(bom.length);
  const doc = parse(body, file);
  const edited = editedDocument(doc.clone(), rules);
  const spliced = applyEdits(body, spliceEdits(doc, body, rules));
  // The splice covers the layouts configs have; should it ever mean anything else than the
  // document edit, the document's own rendering (comments kept, columns not) is written instead.
  const reread = parseDocument(spliced);
  const same = reread.errors.length === 0 && isDeepStrictEqual(reread.toJS(), edited.toJS());
  return bom + (same ? spliced : withLineEndings(edited.toString({ lineWidth: 0 }), body));
}

/** The edit on the document model: what the spliced text must mean. */
function editedDocument(doc: Document, rules: readonly ThresholdRule[]): Document {
  const replaced = new Set(rules.map((rule) => rule.metric));
  const written = rules.map((rule) => {
    const node = doc.createNode({ metric: rule.metric, threshold: rule.threshold });
    node.flow = true;
    return node;
  });
  const existing = doc.getIn(['compare', 'thresholds'], true);
  if (isSeq(existing)) {
    existing.items = [...written, ...existing.items.filter((item) => !replaces(item, replaced))];
  } else {
    doc.setIn(['compare', 'thresholds'], doc.createNode(written));
  }
  return doc;
}

const replaces = (item: unknown, metrics: ReadonlySet<string>) =>
  isMap(item) && metrics.has(String(item.get('metric')));

interface Edit {
  from: number;
  to: number;
  insert: string;
}

function applyEdits(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.from - a.from)) {
    out = out.slice(0, edit.from) + edit.insert + out.slice(edit.to);
  }
  return out;
}

const flowRule = (rule: ThresholdRule) =>
  stringify({ metric: rule.metric, threshold: rule.threshold }, { collectionStyle: 'flow' }).trim();

const lineStart = (text: string, at: number) => text.lastIndexOf('\n', at - 1) + 1;
/** Just past the newline that ends the line holding `at - 1` (a node's end), or the text's end. */
const lineEnd = (text: string, end: number) => {
  const newline = text.indexOf('\n', Math.max(0, end - 1));
  return newline < 0 ? text.length : newline + 1;
};
const indentOf = (text: string, at: number) => /^[ \t]*/.exec(text.slice(lineStart(text, at)))![0];

/** The text edits that put `rules` first in the rules list, wherever and however it is written. */
function spliceEdits(doc: Document, text: string, rules: readonly ThresholdRule[]): Edit[] {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const replaced = new Set(rules.map((rule) => rule.metric));
  const compare = doc.get('compare', true) as Node | undefined;
  const existing = doc.getIn(['compare', 'thresholds'], true);
  if (isSeq(existing) && existing.flow) {
    const kept = existing.items
      .filter((item) => !replaces(item, replaced))
      .map((item) => text.slice(...(item as Node).range!.slice(0, 2)));
    const [from, to] = existing.range!;
    return [{ from, to, insert: `[${[...rules.map(flowRule), ...kept].join(', ')}]` }];
  }
  if (isSeq(existing) && existing.items.length > 0) {
    return blockListEdits(existing, text, rules, eol);
  }
  const step = indentUnit(text);
  // At the end of a file without a final newline, one comes before the new lines.
  const newlineAt = (at: number) => (at > 0 && text[at - 1] !== '\n' ? eol : '');
  if (isMap(compare) && !compare.flow && compare.items.length > 0) {
    // After the last entry of compare, at its keys' indentation.
    const last = compare.items.at(-1)!;
    const end = lineEnd(text, ((last.value ?? last.key) as Node).range![1]);
    const indent = indentOf(text, (compare.items[0]!.key as Node).range![0]);
    return [{ from: end, to: end, insert: newlineAt(end) + ruleLines(rules, indent, step, eol) }];
  }
  if (compare === undefined) {
    const end = text.length;
    const insert = `${newlineAt(end)}compare:${eol}${ruleLines(rules, step, step, eol)}`;
    return [{ from: end, to: end, insert }];
  }
  return []; // a flow or empty compare map: the document edit renders it
}

/** Replaced items' lines go; the new rules go where the first item's line starts. */
function blockListEdits(
  list: YAMLSeq,
  text: string,
  rules: readonly ThresholdRule[],
  eol: string,
): Edit[] {
  const replaced = new Set(rules.map((rule) => rule.metric));
  const itemLines = list.items.map((item) => {
    const [start, end] = (item as Node).range!;
    // The item's "- " sits before its value, possibly on a line of its own.
    const dash = text.lastIndexOf('-', start);
    return { from: lineStart(text, dash), to: lineEnd(text, end), item };
  });
  const first = itemLines[0]!;
  const dashIndent = indentOf(text, first.from);
  const insert = rules.map((rule) => `${dashIndent}- ${flowRule(rule)}${eol}`).join('');
  return itemLines.map((lines, index) => ({
    from: lines.from,
    to: replaces(lines.item, replaced) ? lines.to : lines.from,
    insert: index === 0 ? insert : '',
  }));
}

/** `thresholds:` at `indent` and the rules one `step` further, as whole lines. */
function ruleLines(
  rules: readonly ThresholdRule[],
  indent: string,
  step: string,
  eol: string,
): string {
  const items = rules.map((rule) => `${indent}${step}- ${flowRule(rule)}${eol}`).join('');
  return `${indent}thresholds:${eol}${items}`;
}

/** The file's indentation step: its first indented line's, else two spaces. */
const indentUnit = (text: string) => /^( +)\S/m.exec(text)?.[1] ?? '  ';

/** The document's rendering with the original's line endings. */
function withLineEndings(out: string, original: string): string {
  return original.includes('\r\n') ? out.replace(/\r?\n/g, '\r\n') : out;
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
  return `${text.startsWith(BOM) ? BOM : ''}${withLineEndings(out, text)}`;
}
