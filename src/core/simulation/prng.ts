/**
 * A small seeded pseudo-random number generator for the floor simulator: sfc32 (Chris Doty-Humphrey's
 * "Small Fast Counting" generator, PractRand suite; public domain), seeded through splitmix32 so any
 * 32-bit integer is a good seed. Pure: no `Math.random`, no clock. Same seed → same sequence on every
 * platform (only 32-bit integer arithmetic).
 */

/** A seeded random source. Every method advances the one underlying sequence. */
export interface Random {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** `true` with probability `p` (0 ≤ p ≤ 1). */
  chance(p: number): boolean;
  /** Exponential variate with the given mean (same unit as the mean); 0 when mean ≤ 0. */
  exponential(mean: number): number;
  /** Index drawn with probability proportional to `weights[i]` (non-negative, not all 0). */
  weighted(weights: readonly number[]): number;
}

/**
 * Creates the sfc32 generator for a seed.
 * @param seed any finite number; it is reduced to an unsigned 32-bit integer (`seed >>> 0`), so
 *   seeds that differ only above bit 31 or in the fraction give the same sequence.
 * @throws RangeError when the seed is not a finite number.
 */
export function createRandom(seed: number): Random {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  let state = seed >>> 0;
  // splitmix32: spreads the seed bits over the four sfc32 words.
  const splitmix = (): number => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = 1;
  const sfc32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // Discard the first outputs, as the sfc32 reference does, so nearby seeds diverge.
  for (let i = 0; i < 12; i++) sfc32();

  const random: Random = {
    next: sfc32,
    int(min, max) {
      return min + Math.floor(sfc32() * (max - min + 1));
    },
    chance(p) {
      return sfc32() < p;
    },
    exponential(mean) {
      if (mean <= 0) return 0;
      return -Math.log(1 - sfc32()) * mean;
    },
    weighted(weights) {
      let total = 0;
      for (const w of weights) total += w;
      let u = sfc32() * total;
      for (let i = 0; i < weights.length; i++) {
        u -= weights[i] ?? 0;
        if (u < 0) return i;
      }
      return weights.length - 1;
    },
  };
  return random;
}
