/**
 * `${VAR}` and `${VAR:-default}` in string values, read from the environment before validation,
 * so knobs like OPTIMIZATION_BATCH_SIZE reach commands, env blocks and targets alike.
 * `$${` stays a literal `${` (for a shell that should expand the variable itself at run time).
 * Pure: the environment is an argument.
 */

import { PORT_REFERENCE, PORT_VARIABLE } from './port.js';

/** Where a value sits in the document: mapping keys and list indexes, outermost first. */
export type ConfigPath = readonly (string | number)[];

export interface MissingVariable {
  path: ConfigPath;
  variable: string;
}

// As in the shell, `:-` uses the default when the variable is unset *or* empty.
const REFERENCE = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

function substituteString(
  text: string,
  env: NodeJS.ProcessEnv,
  onMissing: (variable: string) => void,
): string {
  return text.replace(REFERENCE, (whole, escape: string, name: string, fallback?: string) => {
    if (escape) return whole.slice(1);
    // perfgate's own, filled in per side when it runs (port.ts).
    if (name === PORT_VARIABLE) return PORT_REFERENCE;
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    if (value === undefined) onMissing(name);
    return '';
  });
}

/**
 * Replace references in every string value (keys are left alone) of a plain YAML/JSON value.
 * Unset variables without a default are collected, not thrown, so all of them can be reported.
 */
export function substituteEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
): { value: unknown; missing: MissingVariable[] } {
  const missing: MissingVariable[] = [];
  const walk = (node: unknown, path: ConfigPath): unknown => {
    if (typeof node === 'string') {
      return substituteString(node, env, (variable) => missing.push({ path, variable }));
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, [...path, k])]));
    }
    return node;
  };
  return { value: walk(value, []), missing };
}
