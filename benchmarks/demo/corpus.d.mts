/** Types of corpus.mjs, for TypeScript callers (tests). */
export function mulberry32(seed: number): () => number;
export function wordList(): string[];
export function makeText(seed: number, index: number): string;
export const CORPUS_SEED: number;
export function corpusText(index: number): string;
export function corpusId(index: number): string;
