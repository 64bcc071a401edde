/**
 * Seeded uniforms for the statistics that need randomness (permutation tests) and for the
 * simulations that check them: deterministic, so results and tests repeat exactly.
 */
export type Uniform = () => number;

/** mulberry32 (Tommy Ettinger, public domain): uniforms in [0, 1) from a 32-bit seed. */
export function mulberry32(seed: number): Uniform {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
