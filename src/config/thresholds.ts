/**
 * Writing threshold rules back into a config file (`perfgate calibrate --write`): the YAML is
 * edited as a document, so its comments, order and formatting survive, and the result is
 * validated as a config before anything is written.
 */
import { isMap, isSeq, parseDocument } from 'yaml';
import { InputError } from '../errors.js';
import type { ThresholdRule } from './schema.js';

/**
 * `text` with `rules` first in `compare.thresholds` (the first matching rule wins, so they take
 * precedence), replacing the rules already there for exactly the same metric names.
 */
export function withThresholdRules(
  text: string,
  rules: readonly ThresholdRule[],
  file: string,
): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0 || !isMap(doc.contents)) {
    throw new InputError('is not a YAML mapping: fix it before writing thresholds into it', {
      file,
    });
  }
  const existing = doc.getIn(['compare', 'thresholds']);
  if (existing !== undefined && !isSeq(existing)) {
    throw new InputError('expected a list of { metric, threshold } rules', {
      file,
      field: 'compare.thresholds',
    });
  }
  const replaced = new Set(rules.map((rule) => rule.metric));
  const kept = isSeq(existing)
    ? existing.items.filter((item) => !(isMap(item) && replaced.has(String(item.get('metric')))))
    : [];
  const written = rules.map((rule) =>
    doc.createNode({ metric: rule.metric, threshold: rule.threshold }),
  );
  doc.setIn(['compare', 'thresholds'], doc.createNode([...written, ...kept]));
  return doc.toString();
}
