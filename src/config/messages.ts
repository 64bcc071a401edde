/**
 * Wording of config problems: a "did you mean" for misspelt names. What was expected and found
 * is worded by src/schemaIssue.ts, for results files too.
 */

/** Edit distance (insert, delete, substitute) between two short strings. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(substitute, (previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The candidate nearest to `word`, if it is near enough to be a plausible typo: two edits, or a
 * third of a longer word ('alfa' → 'alpha', 'trails' → 'trials'); one edit for words of up to
 * three letters, which two edits turn into almost anything.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const limit = word.length <= 3 ? 1 : Math.max(2, Math.floor(word.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** `'x' — did you mean 'y'?` when a near candidate exists, else `'x'`. */
export function withSuggestion(word: string, candidates: readonly string[]): string {
  const suggestion = closest(word, candidates);
  return suggestion ? `'${word}' — did you mean '${suggestion}'?` : `'${word}'`;
}

/** Message for keys a strict mapping does not know, given the keys it does. */
export function unknownKeys(keys: readonly string[], known: readonly string[]): string {
  const listed = keys.map((key) => withSuggestion(key, known));
  return keys.length === 1
    ? `unknown key ${listed[0]}`
    : `unknown keys ${listed.join(', ')} (known keys: ${known.join(', ')})`;
}
