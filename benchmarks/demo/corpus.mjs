/**
 * Deterministic text for the demo: the documents the server seeds its store with and the
 * vocabulary the workload draws requests from. Everything comes from a seeded mulberry32, so
 * two processes (the server, the load generator, a test) produce the same texts.
 */

/** mulberry32: a tiny, fast 32-bit PRNG. Returns a function giving floats in [0, 1). */
export function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CONSONANTS = 'bcdfghjklmnprstvwz';
const VOWELS = 'aeiou';
const WORD_COUNT = 2000;
const WORD_SEED = 0x5eed;

let words;

/** A fixed list of pronounceable pseudo-words (2–4 syllables), the same on every call. */
export function wordList() {
  if (words) return words;
  const random = mulberry32(WORD_SEED);
  const pick = (letters) => letters[Math.floor(random() * letters.length)];
  const seen = new Set();
  while (seen.size < WORD_COUNT) {
    const syllables = 2 + Math.floor(random() * 3);
    let word = '';
    for (let s = 0; s < syllables; s += 1) word += pick(CONSONANTS) + pick(VOWELS);
    seen.add(word);
  }
  words = [...seen];
  return words;
}

/**
 * Text number `index` of the stream `seed`: 4–12 words drawn with a skew toward the start of the
 * word list (so texts share words, and their embeddings share structure). Pure in (seed, index).
 */
export function makeText(seed, index) {
  const list = wordList();
  const random = mulberry32(
    Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35),
  );
  const length = 4 + Math.floor(random() * 9);
  const out = [];
  for (let i = 0; i < length; i += 1) {
    const r = random();
    out.push(list[Math.floor(r * r * list.length)]);
  }
  return out.join(' ');
}

/** Seed of the documents the server stores at start. */
export const CORPUS_SEED = 1;

/** Text of stored document number `index` (its id is `doc-<index>`). */
export function corpusText(index) {
  return makeText(CORPUS_SEED, index);
}

/** Id of stored document number `index`. */
export function corpusId(index) {
  return `doc-${index}`;
}
