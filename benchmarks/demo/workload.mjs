/**
 * The demo's load: request bodies whose texts follow a Zipf-like law (rank r drawn with
 * probability ∝ 1 / r^s, s ≈ 1.1) over a fixed vocabulary, as real query logs do: a few texts
 * come back all the time (the cache's chance), most are rare.
 *
 * Every request is a pure function of its index and the seed (not of call order), so the same
 * trial sends the same requests whatever the concurrency.
 *
 *   default export        (index) => POST /embed  {"texts": [1–8 texts]}   (a perfgate body generator)
 *   searchRequest(index)  POST /search {"text", "k": 10}
 *   mixedRequest(index)   80 % embed, 15 % search, 5 % upsert (ids from a bounded set)
 *   zipfSampler(n, s, seed), makeWorkload(options)
 *
 * Environment (read once, when the module loads): WORKLOAD_SEED (default 42),
 * WORKLOAD_ZIPF_S (1.1), WORKLOAD_VOCABULARY_SIZE (5000).
 */
import { makeText, mulberry32 } from './corpus.mjs';

const JSON_HEADERS = { 'content-type': 'application/json' };
const VOCABULARY_SEED = 2;
const MAX_TEXTS_PER_REQUEST = 8;

const cdfs = new Map();

/** Cumulative probabilities of ranks 0…n−1 (rank r has weight 1/(r+1)^s), cached by (n, s). */
function zipfCdf(n, s) {
  const key = `${n}:${s}`;
  let cdf = cdfs.get(key);
  if (!cdf) {
    cdf = new Float64Array(n);
    let total = 0;
    for (let r = 0; r < n; r += 1) {
      total += 1 / (r + 1) ** s;
      cdf[r] = total;
    }
    for (let r = 0; r < n; r += 1) cdf[r] /= total;
    cdfs.set(key, cdf);
  }
  return cdf;
}

/** The rank (0…n−1) whose cumulative probability first reaches u ∈ [0, 1). */
function rankOf(cdf, u) {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * A Zipf-distributed sampler of ranks 0…n−1 (0 the most frequent), with P(r) ∝ 1/(r+1)^s, drawing
 * from its own mulberry32 stream: the same (n, s, seed) gives the same sequence.
 * @returns {() => number}
 */
export function zipfSampler(n, s, seed) {
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`zipfSampler: n must be a positive integer, got ${n}`);
  if (!Number.isFinite(s) || s <= 0)
    throw new RangeError(`zipfSampler: s must be a positive number, got ${s}`);
  const cdf = zipfCdf(n, s);
  const random = mulberry32(seed);
  return () => rankOf(cdf, random());
}

/** A 32-bit seed for request `index` of the stream `seed`. */
function indexSeed(seed, index) {
  let h = Math.imul(seed ^ 0x27d4eb2f, 0x165667b1) ^ Math.imul(index + 1, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca77);
  return (h ^ (h >>> 13)) >>> 0;
}

/** Request makers for one (seed, s, vocabulary) choice. */
export function makeWorkload({ seed = 42, s = 1.1, vocabularySize = 5000 } = {}) {
  const vocabulary = Array.from({ length: vocabularySize }, (_, i) => makeText(VOCABULARY_SEED, i));
  zipfCdf(vocabularySize, s); // build it now, not during the first request
  // `salt` gives each kind of request its own stream, so search i does not repeat embed i.
  const texts = (index, count, salt = 0) => {
    const next = zipfSampler(vocabularySize, s, indexSeed(seed ^ salt, index));
    return Array.from({ length: count }, () => vocabulary[next()]);
  };
  const post = (path, body) => ({
    method: 'POST',
    path,
    headers: { ...JSON_HEADERS },
    body: JSON.stringify(body),
  });
  const embedRequest = (index) => {
    const count = 1 + (indexSeed(seed ^ 0x51ed, index) % MAX_TEXTS_PER_REQUEST);
    return post('/embed', { texts: texts(index, count) });
  };
  const searchRequest = (index) => post('/search', { text: texts(index, 1, 0x5ea2c4)[0], k: 10 });
  const upsertRequest = (index) => {
    const [text] = texts(index, 1, 0x0b5e47);
    return post('/upsert', { id: `user-${indexSeed(seed ^ 0xabc, index) % 1000}`, text });
  };
  const mixedRequest = (index) => {
    const pick = indexSeed(seed ^ 0x3779, index) % 100;
    if (pick < 80) return embedRequest(index);
    if (pick < 95) return searchRequest(index);
    return upsertRequest(index);
  };
  return { vocabulary, embedRequest, searchRequest, upsertRequest, mixedRequest };
}

function envNumber(name, fallback, check, expected) {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!check(value))
    throw new RangeError(`${name} must be ${expected}, got ${JSON.stringify(raw)}`);
  return value;
}

const workload = makeWorkload({
  seed: envNumber('WORKLOAD_SEED', 42, Number.isInteger, 'an integer'),
  s: envNumber('WORKLOAD_ZIPF_S', 1.1, (v) => Number.isFinite(v) && v > 0, 'a positive number'),
  vocabularySize: envNumber(
    'WORKLOAD_VOCABULARY_SIZE',
    5000,
    (v) => Number.isInteger(v) && v >= 1 && v <= 1_000_000,
    'an integer from 1 to 1000000',
  ),
});

export const { searchRequest, mixedRequest, upsertRequest } = workload;

/** perfgate body generator: request `index` of the trial, a POST /embed of 1–8 Zipf texts. */
export default function embedRequest(index) {
  return workload.embedRequest(index);
}
