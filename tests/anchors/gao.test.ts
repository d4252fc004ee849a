import { describe, expect, it } from 'vitest';
import { fitGao, gaoGold, gaoPeak, gaoSlope, gaoTurnedDown, type GaoForm } from '../../src/anchors/gao.ts';
import { Stream } from '../../src/core/rng.ts';

const curve = (form: GaoForm, a: number, b: number, ds: number[], noise = 0, seed = 1) => {
  const rng = new Stream([seed, 'gao', form]);
  return ds.map((d) => ({ d, gold: gaoGold(form, a, b, d) + noise * rng.normal() }));
};
const ds = Array.from({ length: 20 }, (_, i) => 0.25 * (i + 1)); // 0.25 … 5

describe("Gao's proxy-vs-gold forms", () => {
  it('recovers a and b exactly from noiseless curves of both forms', () => {
    for (const [form, a, b] of [
      ['selection', 0.8, 0.1],
      ['rl', 0.5, 0.2],
      ['selection', 0.3, -0.05],
    ] as const) {
      const fit = fitGao(curve(form, a, b, ds), form)!;
      expect(fit.a).toBeCloseTo(a, 10);
      expect(fit.b).toBeCloseTo(b, 10);
      expect(fit.r2).toBeCloseTo(1, 10);
      expect(fit.n).toBe(20);
    }
  });

  it('recovers a and b within a few standard errors from noisy curves', () => {
    const fit = fitGao(curve('selection', 0.8, 0.1, ds, 0.02, 7), 'selection')!;
    expect(Math.abs(fit.a - 0.8)).toBeLessThan(0.05);
    expect(Math.abs(fit.b - 0.1)).toBeLessThan(0.02);
    expect(fit.r2).toBeGreaterThan(0.9);
    const rl = fitGao(curve('rl', 0.5, 0.2, ds, 0.02, 8), 'rl')!;
    expect(Math.abs(rl.a - 0.5)).toBeLessThan(0.05);
    expect(Math.abs(rl.b - 0.2)).toBeLessThan(0.05);
  });

  it('locates the peak and detects the turn on either side of it', () => {
    expect(gaoPeak('selection', 0.8, 0.1)).toBeCloseTo(4, 12); // a / 2b
    expect(gaoPeak('rl', 0.5, 0.2)).toBeCloseTo(Math.exp(0.5 / 0.2 - 1), 12);
    expect(gaoPeak('selection', 0.8, -0.1)).toBeNull(); // convex: never turns down
    expect(gaoSlope('selection', 0.8, 0.1, 4)).toBeCloseTo(0, 12);
    const fit = fitGao(curve('selection', 0.8, 0.1, ds.slice(0, 12), 0.01, 3), 'selection')!; // d up to 3: before the peak
    expect(gaoTurnedDown(fit, 3)).toBe(false);
    const later = fitGao(curve('selection', 0.8, 0.1, ds, 0.01, 3), 'selection')!; // d up to 5: past it
    expect(gaoTurnedDown(later, 5)).toBe(true);
    expect(later.peak!).toBeGreaterThan(3.5);
    expect(later.peak!).toBeLessThan(4.5);
  });

  it('ignores d ≤ 0 and refuses degenerate designs', () => {
    expect(fitGao([{ d: 0, gold: 0 }, { d: 1, gold: 0.5 }], 'selection')).toBeNull();
    expect(fitGao([{ d: 2, gold: 0.5 }, { d: 2, gold: 0.6 }, { d: 2, gold: 0.4 }], 'selection')).toBeNull();
    const withZero = fitGao([{ d: 0, gold: 0.3 }, ...curve('rl', 0.5, 0.2, ds)], 'rl')!;
    expect(withZero.n).toBe(20);
    expect(withZero.a).toBeCloseTo(0.5, 10);
  });
});
