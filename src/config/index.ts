/** perfgate.yml: schema, loading, fingerprint. See docs/config.md. */
export { configHash } from './hash.js';
export { loadConfig, parseConfig } from './load.js';
export { serviceLogFile } from './paths.js';
export * from './schema.js';
export { selectSuites } from './select.js';
