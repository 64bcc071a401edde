/** The demo workload: Zipf-distributed, reproducible request bodies for perfgate's HTTP runner. */
import { describe, expect, it } from 'vitest';
import embedRequest, {
  makeWorkload,
  mixedRequest,
  searchRequest,
  zipfSampler,
} from '../../benchmarks/demo/workload.mjs';

describe('zipfSampler', () => {
  it('gives the same ranks for the same seed and others for another seed', () => {
    const draw = (seed: number) => Array.from({ length: 50 }, zipfSampler(5000, 1.1, seed));
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('draws ranks in range, rank 0 most often, about as often as 1/H(n, s) predicts', () => {
    const n = 1000;
    const s = 1.1;
    const next = zipfSampler(n, s, 1);
    const counts = new Array<number>(n).fill(0);
    const draws = 50_000;
    for (let i = 0; i < draws; i += 1) {
      const rank = next();
      expect(rank >= 0 && rank < n && Number.isInteger(rank)).toBe(true);
      counts[rank]! += 1;
    }
    let harmonic = 0;
    for (let r = 1; r <= n; r += 1) harmonic += 1 / r ** s;
    expect(counts[0]! / draws).toBeCloseTo(1 / harmonic, 2);
    expect(counts[0]!).toBeGreaterThan(counts[1]!);
    expect(counts[1]!).toBeGreaterThan(counts[10]!);
  });

  it('rejects a bad n or s', () => {
    expect(() => zipfSampler(0, 1.1, 1)).toThrow(/n must be a positive integer/);
    expect(() => zipfSampler(10, -1, 1)).toThrow(/s must be a positive number/);
  });
});

describe('body generators', () => {
  it('makes POST /embed requests of 1 to 8 texts, the same for the same index', () => {
    const sizes = new Set<number>();
    for (let index = 0; index < 200; index += 1) {
      const request = embedRequest(index);
      expect(request).toMatchObject({
        method: 'POST',
        path: '/embed',
        headers: { 'content-type': 'application/json' },
      });
      const { texts } = JSON.parse(request.body) as { texts: string[] };
      expect(texts.length).toBeGreaterThanOrEqual(1);
      expect(texts.length).toBeLessThanOrEqual(8);
      texts.forEach((text) => expect(typeof text).toBe('string'));
      sizes.add(texts.length);
      expect(embedRequest(index)).toEqual(request);
    }
    expect(sizes.size).toBe(8);
  });

  it('repeats popular texts, as a cache would like', () => {
    const seen = new Map<string, number>();
    for (let index = 0; index < 2000; index += 1) {
      for (const text of (JSON.parse(embedRequest(index).body) as { texts: string[] }).texts) {
        seen.set(text, (seen.get(text) ?? 0) + 1);
      }
    }
    const counts = [...seen.values()].sort((a, b) => b - a);
    const total = counts.reduce((a, b) => a + b, 0);
    // The 100 most frequent texts (2 % of the vocabulary) carry well over a third of the load.
    expect(counts.slice(0, 100).reduce((a, b) => a + b, 0) / total).toBeGreaterThan(0.4);
  });

  it('makes search and mixed requests, and other seeds make other requests', () => {
    const search = searchRequest(3);
    expect(search.path).toBe('/search');
    expect(JSON.parse(search.body)).toMatchObject({ k: 10, text: expect.any(String) });
    const paths = new Set(Array.from({ length: 300 }, (_, i) => mixedRequest(i).path));
    expect(paths).toEqual(new Set(['/embed', '/search', '/upsert']));
    const other = makeWorkload({ seed: 43, vocabularySize: 5000 });
    expect(other.embedRequest(0)).not.toEqual(embedRequest(0));
    expect(other.vocabulary).toHaveLength(5000);
  });
});
