/**
 * A box of continuous values (Gymnasium's `Box`): action and observation spaces. Plain data, so
 * it crosses worker boundaries; the operations live beside it in `Box` (sample, clip, unit
 * scaling), written once for the runtime, the checker, worlds and learners.
 */
import type { Stream } from './rng.ts';

/** Names, bounds and units per dimension. */
export interface Box {
  readonly names: readonly string[];
  readonly low: readonly number[];
  readonly high: readonly number[];
  readonly units: readonly string[];
}

/** Bounds only: what sampling, clipping and scaling need. */
export type Bounds = Pick<Box, 'low' | 'high'>;

/** Clips one value into [lo, hi]. */
function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** The operations on a box. */
export const Box = Object.freeze({
  /**
   * A uniform draw per dimension, in dimension order (one `rng.uniform(low, high)` each). A box
   * whose `low` is a const tuple gives a tuple of the same length.
   */
  sample<const L extends readonly number[]>(box: { readonly low: L; readonly high: readonly number[] }, rng: Stream): { -readonly [K in keyof L]: number } {
    return box.low.map((lo, i) => rng.uniform(lo, box.high[i] as number)) as { -readonly [K in keyof L]: number };
  },

  /** Dimension k of `x` clipped into the box. */
  clipAt(box: Bounds, k: number, x: number): number {
    return clamp(x, box.low[k] as number, box.high[k] as number);
  },

  /** `x` clipped into the box, written to `out` (a new array by default; `x` itself works). */
  clip<A extends { [i: number]: number; readonly length: number } = number[]>(box: Bounds, x: ArrayLike<number>, out?: A): A {
    const o = out ?? (new Array<number>(x.length) as unknown as A);
    for (let k = 0; k < x.length; k++) o[k] = clamp(x[k] as number, box.low[k] as number, box.high[k] as number);
    return o;
  },

  /** Unit scaling: dimension k's value mapped from [low, high] to [−1, 1] (not clipped). */
  toUnit(box: Bounds, k: number, x: number): number {
    const lo = box.low[k] as number;
    const hi = box.high[k] as number;
    return (2 * (x - lo)) / (hi - lo) - 1;
  },

  /** Unit scaling back: u ∈ [−1, 1] mapped to dimension k's [low, high]. */
  fromUnit(box: Bounds, k: number, u: number): number {
    const lo = box.low[k] as number;
    const hi = box.high[k] as number;
    return lo + ((u + 1) / 2) * (hi - lo);
  },

  /** Centre of each dimension. */
  mid(box: Bounds): number[] {
    return box.low.map((lo, i) => 0.5 * (lo + (box.high[i] as number)));
  },

  /** Half the range of each dimension. */
  halfRange(box: Bounds): number[] {
    return box.low.map((lo, i) => 0.5 * ((box.high[i] as number) - lo));
  },
});
