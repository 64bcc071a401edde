/**
 * Config problems as the user reads them: `<file>:<line>:<col>: <field path>: <what was expected>`,
 * with the position taken from the YAML node at the offending path (or its nearest ancestor
 * when the field is missing altogether).
 */
import { isMap, isNode, isPair, isScalar, type Document, type LineCounter } from 'yaml';
import type { ConfigPath } from './substitute.js';

export interface Problem {
  path: ConfigPath;
  message: string;
  /** Point at this key of the mapping at `path` rather than at the mapping (for unknown keys). */
  key?: string;
}

/** Enough problems to fix in one go without burying the first one. */
const MAX_LISTED = 5;

/** `suites[0].requests[1].method`; the document itself is `<root>`. */
export function formatPath(path: ConfigPath): string {
  const text = path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('');
  return text.replace(/^\./, '') || '<root>';
}

/** Offset of the YAML node for a problem, walking up to the closest node that exists. */
function offsetOf(doc: Document, problem: Problem): number | undefined {
  for (let depth = problem.path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(problem.path.slice(0, depth), true);
    if (!isNode(node) || !node.range) continue;
    if (depth === problem.path.length && problem.key !== undefined && isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && p.key.value === problem.key,
      );
      if (isScalar(pair?.key) && pair.key.range) return pair.key.range[0];
    }
    return node.range[0];
  }
  return undefined;
}

/** One line per problem, listed. */
export function formatProblems(
  file: string,
  problems: readonly Problem[],
  doc: Document,
  lineCounter: LineCounter,
): string {
  return listed(
    problems.map((problem) => {
      const offset = offsetOf(doc, problem);
      const where = offset === undefined ? file : `${file}:${formatPosition(lineCounter, offset)}`;
      return `${where}: ${formatPath(problem.path)}: ${problem.message}`;
    }),
  );
}

/** At most MAX_LISTED lines and a count of the rest. */
export function listed(lines: readonly string[]): string {
  const shown = lines.slice(0, MAX_LISTED);
  if (lines.length > MAX_LISTED) shown.push(`… and ${lines.length - MAX_LISTED} more`);
  return shown.join('\n');
}

export function formatPosition(lineCounter: LineCounter, offset: number): string {
  const { line, col } = lineCounter.linePos(offset);
  return `${line}:${col}`;
}
