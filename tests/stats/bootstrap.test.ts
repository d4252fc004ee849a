// Bootstrap helpers: deterministic per key, intervals cover the truth at about their level on
// simulated data (margins below say why), nested resampling widens with seed spread, Wilson
// matches the textbook value.
import { describe, expect, it } from 'vitest';
import { Stream } from '../../src/core/rng.ts';
import { bootstrap, bootstrapNested, diffOfMeansCi, disjoint, mean, meanCi, normalQuantile, pairedDiffCi, quantileSorted, wilsonCi } from '../../src/stats/bootstrap.ts';

describe('bootstrap', () => {
  it('is deterministic per key and differs between keys', () => {
    const xs = Array.from({ length: 50 }, (_, i) => Math.sin(i) * 3);
    const a = meanCi(xs, { key: [1] });
    const b = meanCi(xs, { key: [1] });
    const c = meanCi(xs, { key: [2] });
    expect(a).toEqual(b);
    expect(a?.ci).not.toEqual(c?.ci);
    expect(a?.estimate).toBeCloseTo(mean(xs), 12);
    expect(a!.ci[0]).toBeLessThan(a!.estimate);
    expect(a!.ci[1]).toBeGreaterThan(a!.estimate);
  });

  it('a 90% mean interval covers the true mean in roughly 90% of 200 simulated samples', () => {
    let covered = 0;
    for (let t = 0; t < 200; t++) {
      const rng = new Stream([7, 'sample', t]);
      const xs = Array.from({ length: 40 }, () => rng.normal() + 5);
      const e = meanCi(xs, { key: [t], level: 0.9, resamples: 400 });
      if (e && e.ci[0] <= 5 && 5 <= e.ci[1]) covered++;
    }
    // Percentile bootstrap undercovers a little at n = 40; binomial sd at 200 trials is ~2%: 80–97% is generous but fails a broken interval.
    expect(covered / 200).toBeGreaterThan(0.8);
    expect(covered / 200).toBeLessThan(0.97);
  });

  it('nested resampling is wider than flat resampling when seeds differ', () => {
    const groups = [0, 1, 2, 3, 4].map((s) => {
      const rng = new Stream([3, s]);
      const offset = s * 0.5; // seed-to-seed spread the flat bootstrap ignores
      return Array.from({ length: 60 }, () => offset + 0.2 * rng.normal());
    });
    const stat = (gs: readonly (readonly number[])[]) => mean(gs.map((g) => mean(g)));
    const nested = bootstrapNested(groups, stat, { key: [1] })!;
    const flat = bootstrap(groups.flat(), mean, { key: [1] })!;
    // Seed offsets 0..2 dominate: the nested interval must be several times wider.
    expect(nested.ci[1] - nested.ci[0]).toBeGreaterThan(3 * (flat.ci[1] - flat.ci[0]));
    expect(bootstrapNested([[], []], stat, { key: [1] })).toBeNull();
  });

  it('differences: independent and paired', () => {
    const a = Array.from({ length: 30 }, (_, i) => 1 + 0.1 * Math.sin(i));
    const b = Array.from({ length: 30 }, (_, i) => 0.1 * Math.cos(i));
    const d = diffOfMeansCi(a, b, { key: [1] })!;
    expect(d.ci[0]).toBeGreaterThan(0.8);
    const p = pairedDiffCi(a, b, { key: [1] })!;
    expect(p.estimate).toBeCloseTo(mean(a) - mean(b), 12);
    expect(() => pairedDiffCi([1], [1, 2], { key: [1] })).toThrow(/length/);
    expect(disjoint([0, 1], [1.5, 2])).toBe(true);
    expect(disjoint([0, 1], [0.5, 2])).toBe(false);
  });

  it('empty data, bad options', () => {
    expect(meanCi([], { key: [1] })).toBeNull();
    expect(() => meanCi([1], { key: [1], level: 1 })).toThrow(RangeError);
    expect(() => meanCi([1], { key: [1], resamples: 0 })).toThrow(RangeError);
  });
});

describe('closed forms', () => {
  it('normal quantile and Wilson interval match published values', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 5);
    // Wilson 95% for 8/10: [0.4902, 0.9433] (Newcombe 1998, table I).
    const w = wilsonCi(8, 10)!;
    expect(w[0]).toBeCloseTo(0.4902, 3);
    expect(w[1]).toBeCloseTo(0.9433, 3);
    expect(wilsonCi(0, 0)).toBeNull();
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
  });
});
