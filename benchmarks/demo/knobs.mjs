/**
 * The service's settings, read from the environment once at start and validated: a bad value is
 * a KnobError that names the variable, what it expected and what it got (the server exits 2).
 * An unset or empty variable takes its default.
 */

export class KnobError extends Error {}

/** Tunable knobs (the ones perfgate sweeps) and the demo's own settings. */
export const KNOBS = {
  cacheSize: { env: 'OPTIMIZATION_CACHE_SIZE', default: 1000, min: 1, max: 10_000_000 },
  batchSize: { env: 'OPTIMIZATION_BATCH_SIZE', default: 32, min: 1, max: 4096 },
  threadPoolSize: { env: 'OPTIMIZATION_THREAD_POOL_SIZE', default: 16, min: 1, max: 256 },
  connectionPoolSize: { env: 'OPTIMIZATION_CONNECTION_POOL_SIZE', default: 20, min: 1, max: 256 },
  port: { env: 'PORT', default: 8080, min: 0, max: 65535 },
  corpusSize: { env: 'DEMO_CORPUS_SIZE', default: 5000, min: 1, max: 1_000_000 },
  batchMaxWaitMs: { env: 'DEMO_BATCH_MAX_WAIT_MS', default: 2, min: 0, max: 1000 },
  dbRttMicroseconds: { env: 'DEMO_DB_RTT_US', default: 500, min: 0, max: 1_000_000 },
};

function readInteger(env, { env: name, default: fallback, min, max }) {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const text = raw.trim();
  const expected = min === 0 ? 'an integer from 0' : `a positive integer from ${min}`;
  if (!/^[+-]?\d+$/.test(text)) {
    throw new KnobError(`${name} must be ${expected} to ${max}, got ${JSON.stringify(raw)}`);
  }
  const value = Number(text);
  if (value < min || value > max) {
    throw new KnobError(`${name} must be ${expected} to ${max}, got ${value}`);
  }
  return value;
}

/** Reads every setting from `env`; throws a KnobError on the first bad one. */
export function readKnobs(env) {
  const knobs = {};
  for (const [key, spec] of Object.entries(KNOBS)) knobs[key] = readInteger(env, spec);
  const dbPath = env.DEMO_DB_PATH?.trim();
  knobs.dbPath = dbPath ? dbPath : undefined;
  return knobs;
}
