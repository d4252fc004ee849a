import { describe, expect, it } from 'vitest';
import { Stream } from '../../src/core/rng.ts';
import {
  conditionalMutualInformationBits,
  entropyBits,
  FeedbackLog,
  measureInformation,
  mutualInformationBits,
  symbolise,
} from '../../src/feedback/information.ts';

const draws = (seed: number, n: number, f: (r: Stream) => number): number[] => {
  const r = new Stream([seed, 'info-test']);
  return Array.from({ length: n }, () => f(r));
};

describe('entropy', () => {
  it('a fair coin carries about 1 bit, a constant 0, a fair 8-sided die about 3', () => {
    // 20,000 fair flips: the plug-in estimate's sd is far below 0.01 bits at p ≈ 1/2.
    expect(entropyBits(draws(1, 20_000, (r) => r.int(0, 1)))).toBeCloseTo(1, 2);
    expect(entropyBits(Array(500).fill(7))).toBe(0);
    expect(Object.is(entropyBits(Array(5).fill(1)), 0)).toBe(true);
    expect(entropyBits(draws(2, 40_000, (r) => r.int(0, 7)))).toBeCloseTo(3, 2);
    expect(entropyBits([])).toBe(0);
  });

  it('continuous values are binned: 16 equal-width bins of a uniform give about 4 bits', () => {
    const u = draws(3, 40_000, (r) => r.next());
    expect(symbolise(u).binning).toMatch(/^16 equal-width bins/);
    expect(entropyBits(u)).toBeCloseTo(4, 2);
    expect(entropyBits(u, { binning: { bins: 4 } })).toBeCloseTo(2, 2);
    // Integers stay exact symbols under `auto`.
    expect(symbolise([1, 5, 5, -3]).binning).toBe('exact');
    expect(symbolise([1, 5, 5, -3]).count).toBe(3);
    expect(() => symbolise([1, NaN])).toThrow(/non-finite/);
  });

  it('Miller–Madow adds (K − 1)/(2n ln 2) bits', () => {
    const x = [0, 1, 1, 2];
    expect(entropyBits(x, { millerMadow: true }) - entropyBits(x)).toBeCloseTo(2 / (2 * 4 * Math.LN2), 12);
  });
});

describe('mutual information', () => {
  it('of independent variables is about 0', () => {
    const a = draws(4, 20_000, (r) => r.int(0, 1));
    const b = draws(5, 20_000, (r) => r.int(0, 7));
    // The plug-in MI of independent variables is biased upward by ≈ (K_A−1)(K_B−1)/(2n ln 2)
    // = 7/(40,000·ln 2) ≈ 2.5e-4 bits here, with a spread of the same order: 0.005 is > 10×.
    expect(mutualInformationBits(a, b)).toBeLessThan(0.005);
  });

  it('of a variable with itself is its entropy; of a deterministic bit of it, 1 bit', () => {
    const t = draws(6, 20_000, (r) => r.int(0, 7));
    expect(mutualInformationBits(t, t)).toBeCloseTo(entropyBits(t), 10);
    expect(mutualInformationBits(t.map((x) => x % 2), t)).toBeCloseTo(1, 2);
  });

  it('given a context: a relative answer can be uninformative alone and 1 bit given the query', () => {
    // F = (target bit) XOR (query bit): independent of the target alone, determined by it given the query.
    const t = draws(7, 20_000, (r) => r.int(0, 1));
    const c = draws(8, 20_000, (r) => r.int(0, 1));
    const f = t.map((x, i) => x ^ (c[i] as number));
    expect(mutualInformationBits(f, t)).toBeLessThan(0.005);
    expect(conditionalMutualInformationBits(f, t, c.map(String))).toBeCloseTo(1, 2);
  });

  it('measureInformation reports entropy, MI, conditional MI and the binning used', () => {
    const log = new FeedbackLog();
    const r = new Stream([9, 'log']);
    for (let i = 0; i < 5000; i++) {
      const target = r.int(0, 3);
      log.add({ feedback: target >= 2 ? 1 : 0, target, context: 'same-query' });
    }
    const rep = log.report();
    expect(log.size).toBe(5000);
    expect(rep.feedbackEntropyBits).toBeCloseTo(1, 2);
    expect(rep.mutualInfoBits).toBeCloseTo(1, 2);
    expect(rep.conditionalMutualInfoBits).toBeCloseTo(1, 2);
    expect(rep.bitsPerFeedback).toBe(rep.conditionalMutualInfoBits);
    expect(rep.millerMadow.feedbackEntropyBits).toBeGreaterThan(rep.feedbackEntropyBits);
    expect(rep.binning).toEqual({ feedback: 'exact', target: 'exact' });
    const noCtx = measureInformation([{ feedback: 0.5, target: 'a' }, { feedback: 0.25, target: 'b' }]);
    expect(noCtx.conditionalMutualInfoBits).toBeNull();
    expect(noCtx.bitsPerFeedback).toBe(noCtx.mutualInfoBits);
    expect(noCtx.binning.target).toBe('exact');
  });
});
