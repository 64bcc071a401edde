/** `--suite NAME`: narrow a config to the named suites. */
import { InputError } from '../errors.js';
import { withSuggestion } from './messages.js';
import type { Config } from './schema.js';

/** The config with only the named suites, in config order; no names keeps them all. */
export function selectSuites(config: Config, names: readonly string[]): Config {
  if (names.length === 0) return config;
  const known = config.suites.map((s) => s.name);
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    const listed = unknown.map((name) => withSuggestion(name, known)).join(', ');
    throw new InputError(`unknown suite ${listed}; known suites: ${known.join(', ')}`, {
      file: config.file,
      field: '--suite',
    });
  }
  return { ...config, suites: config.suites.filter((s) => names.includes(s.name)) };
}
