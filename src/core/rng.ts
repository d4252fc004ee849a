/**
 * Seeded random streams. Every random draw in a simulation or a learner comes from a `Stream`
 * derived from (run seed, purpose, index), so a result depends on config and seed alone —
 * never on how many workers ran it or in which order.
 *
 * Generator: pure-rand's xoroshiro128+ (well kept, fast, seedable from a full 128-bit state).
 * Derivation: splitmix32 over the key words fills the 128-bit state, so neighbouring episode
 * indices give unrelated streams.
 */
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** One splitmix32 step: a well-mixed 32-bit output from a 32-bit state. */
function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** Hashes a list of integers (and short strings) into four 32-bit words. */
function deriveState(key: readonly (number | string)[]): number[] {
  let h = 0x6a09e667;
  const absorb = (word: number): void => {
    h = splitmix32((h ^ word) >>> 0);
  };
  for (const part of key) {
    if (typeof part === 'string') {
      absorb(0x5eed5eed);
      for (let i = 0; i < part.length; i++) absorb(part.charCodeAt(i));
      absorb(part.length);
    } else {
      // Integers up to 2^53: absorb low and high words separately.
      const n = Math.trunc(part);
      absorb(n >>> 0);
      absorb(Math.floor(n / 0x100000000) >>> 0);
    }
  }
  const out: number[] = [];
  for (let i = 0; i < 4; i++) {
    h = splitmix32((h + i) >>> 0);
    out.push(h | 0);
  }
  // xoroshiro's all-zero state is a fixed point: never hand it out.
  if (!out.some((w) => w !== 0)) out[0] = 1;
  return out;
}

/** A seeded random stream with the draws the sandbox needs. Mutable: each draw advances it. */
export class Stream {
  private readonly rng: RandomGenerator;

  /** Derive a stream from a key such as `[runSeed, 'episode', index]`. */
  constructor(key: readonly (number | string)[]) {
    this.rng = xoroshiro128plusFromState(deriveState(key));
  }

  /** Uniform in [0, 1), 53 bits. */
  next(): number {
    return uniformFloat64(this.rng);
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [lo, hi] (both included). */
  int(lo: number, hi: number): number {
    return lo + Math.min(hi - lo, Math.floor(this.next() * (hi - lo + 1)));
  }

  /** Standard normal draw (Box–Muller; uses the deterministic log/cos installed for simulation). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(0, items.length - 1)];
    if (item === undefined) throw new RangeError('pick() from an empty list');
    return item;
  }
}

/** The stream of one episode of a run: depends on (run seed, episode index) only. */
export function episodeStream(runSeed: number, episode: number): Stream {
  return new Stream([runSeed, 'episode', episode]);
}

/** A named stream of a run (task suites, action sampling, …), independent of episode streams. */
export function namedStream(runSeed: number, name: string, index = 0): Stream {
  return new Stream([runSeed, name, index]);
}
