/** The suite kinds, by the `kind` a config names: a new kind is its file and one line here. */
import type { Suite } from '../../config/index.js';
import { commandSuite } from './command.js';
import { httpSuite } from './http.js';
import type { SuiteKind } from './kind.js';

const SUITE_KINDS: { [K in Suite['kind']]: SuiteKind<Extract<Suite, { kind: K }>> } = {
  http: httpSuite,
  command: commandSuite,
};

/** The runner of `suite`'s kind. */
export function kindOf<S extends Suite>(suite: S): SuiteKind<S> {
  // The mapped type above pairs each kind with its suite type; TypeScript cannot follow that
  // pairing through an index by a union, hence the cast.
  return SUITE_KINDS[suite.kind] as unknown as SuiteKind<S>;
}
