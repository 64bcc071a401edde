/**
 * Pure parser of the Prometheus text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/), and of the series selectors
 * derived metrics use (`name` or `name{label="value",…}`), which share its label syntax.
 *
 * Not supported: Prometheus 3's quoted UTF-8 metric and label names (`{"my.metric"}`) and the
 * OpenMetrics-only parts (exemplars, `# EOF`); such lines are reported as errors, not skipped.
 */

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  /** May be NaN or ±Infinity, as the format allows. */
  value: number;
  /** Milliseconds since the epoch, when the line carries one. */
  timestampMs?: number;
}

export type PromType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface PromExposition {
  samples: PromSample[];
  /** From `# TYPE` lines, keyed by metric family name (without _bucket/_sum/_count). */
  types: Map<string, PromType>;
}

/** A series name and the labels a series must have, all of them, to match. */
export interface Selector {
  name: string;
  labels: Record<string, string>;
}

export class PromParseError extends Error {
  override readonly name = 'PromParseError';
}

const PROM_TYPES: readonly string[] = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];
const METRIC_NAME = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
const LABEL_NAME = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const WHITESPACE = /[ \t]*/y;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A cursor over one line; each method consumes what it reads or throws. */
class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): string | undefined {
    return this.text[this.pos];
  }

  match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.pos;
    const m = pattern.exec(this.text);
    if (!m || m[0] === '') return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  skipWhitespace(): void {
    this.match(WHITESPACE);
  }

  expect(char: string): void {
    if (this.peek() !== char) this.fail(`expected '${char}'`);
    this.pos++;
  }

  fail(message: string): never {
    throw new PromParseError(`${message} at column ${this.pos + 1} of "${this.text}"`);
  }

  /** `name` then an optional `{label="value",…}` block. */
  seriesId(): Selector {
    const name = this.match(METRIC_NAME) ?? this.fail('expected a metric name');
    this.skipWhitespace();
    return { name, labels: this.peek() === '{' ? this.labels() : {} };
  }

  private labels(): Record<string, string> {
    const labels: Record<string, string> = {};
    this.expect('{');
    for (;;) {
      this.skipWhitespace();
      if (this.peek() === '}') break;
      const label = this.match(LABEL_NAME) ?? this.fail('expected a label name');
      if (label in labels) this.fail(`label "${label}" repeated`);
      this.skipWhitespace();
      this.expect('=');
      this.skipWhitespace();
      labels[label] = this.quoted();
      this.skipWhitespace();
      if (this.peek() !== ',') break;
      this.pos++; // a trailing comma before '}' is allowed
    }
    this.expect('}');
    return labels;
  }

  /** A double-quoted label value; the format escapes only \\, \" and \n. */
  private quoted(): string {
    this.expect('"');
    let value = '';
    for (;;) {
      const c = this.peek() ?? this.fail('unterminated label value');
      this.pos++;
      if (c === '"') return value;
      if (c !== '\\') {
        value += c;
        continue;
      }
      const escaped = this.peek();
      this.pos++;
      if (escaped === '\\' || escaped === '"') value += escaped;
      else if (escaped === 'n') value += '\n';
      else this.fail(`invalid escape "\\${escaped ?? ''}"`);
    }
  }
}

/** Go's strconv.ParseFloat spellings that the format uses: NaN, +Inf, -Inf, Inf (any case). */
function parseValue(token: string): number | undefined {
  if (/^nan$/i.test(token)) return NaN;
  const inf = /^([+-]?)inf(inity)?$/i.exec(token);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  return FLOAT.test(token) ? Number(token) : undefined;
}

function parseSampleLine(line: string): PromSample {
  // Annotated because TypeScript narrows after a never-returning call only on explicitly typed receivers.
  const scanner: Scanner = new Scanner(line);
  const { name, labels } = scanner.seriesId();
  const [valueToken, timestampToken, ...extra] = line
    .slice(scanner.pos)
    .trim()
    .split(/[ \t]+/);
  const value = valueToken === undefined ? undefined : parseValue(valueToken);
  if (value === undefined) scanner.fail(`invalid sample value "${valueToken ?? ''}"`);
  if (extra.length > 0) scanner.fail('unexpected text after the timestamp');
  if (timestampToken === undefined) return { name, labels, value };
  if (!/^-?\d+$/.test(timestampToken)) scanner.fail(`invalid timestamp "${timestampToken}"`);
  return { name, labels, value, timestampMs: Number(timestampToken) };
}

/** Parses a whole exposition; throws PromParseError naming the line of the first error. */
export function parsePrometheusText(text: string): PromExposition {
  const samples: PromSample[] = [];
  const types = new Map<string, PromType>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    try {
      if (line === '') return;
      if (line.startsWith('#')) {
        // `# TYPE name type`; `# HELP name text` and other comments carry nothing we use.
        const [keyword, family, type] = line
          .slice(1)
          .trim()
          .split(/[ \t]+/);
        if (keyword !== 'TYPE') return;
        if (family === undefined || type === undefined || !PROM_TYPES.includes(type)) {
          throw new PromParseError(`invalid TYPE line "${line}"`);
        }
        types.set(family, type as PromType);
        return;
      }
      samples.push(parseSampleLine(line));
    } catch (error) {
      if (!(error instanceof PromParseError)) throw error;
      throw new PromParseError(`line ${i + 1}: ${error.message}`);
    }
  });
  return { samples, types };
}

/** Parses `name` or `name{label="value",…}`; throws PromParseError when it is neither. */
export function parseSelector(text: string): Selector {
  const scanner = new Scanner(text.trim());
  const selector = scanner.seriesId();
  if (!scanner.done) scanner.fail('unexpected text after the selector');
  return selector;
}

export function matches(selector: Selector, sample: PromSample): boolean {
  return (
    sample.name === selector.name &&
    Object.entries(selector.labels).every(([label, value]) => sample.labels[label] === value)
  );
}

/** Series suffixes that belong to a histogram's or summary's family, or to a counter's. */
const FAMILY_SUFFIXES = ['_bucket', '_sum', '_count', '_total', '_created'];

/** The declared type of the family a series belongs to; 'untyped' when no TYPE line names it. */
export function typeOf(types: ReadonlyMap<string, PromType>, seriesName: string): PromType {
  const exact = types.get(seriesName);
  if (exact) return exact;
  const suffix = FAMILY_SUFFIXES.find((s) => seriesName.endsWith(s));
  return (suffix && types.get(seriesName.slice(0, -suffix.length))) || 'untyped';
}
