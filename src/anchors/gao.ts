/**
 * The proxy-vs-gold curve of Gao, Schulman, Hilton 2022 (*Scaling Laws for Reward Model
 * Overoptimization*): as a learner is optimised against a proxy, the gold (ground-truth) score
 * first rises and then falls, as a function of d, the distance the learner has moved from where
 * it started (they use d = sqrt(KL); the runner supplies its own d, e.g. parameter distance from
 * initialisation). Gold is measured as a gain over the start, so gold(0) = 0:
 *
 * - selection (best-of-n):  gold(d) = d · (a − b·d)
 * - RL:                     gold(d) = d · (a − b·ln d)
 *
 * Both are linear in (a, b) as they stand — gold = a·d − b·v(d) with v = d² or d·ln d — so the
 * least-squares fit is a 2×2 linear solve on the original scale. (Dividing by d first, gold/d =
 * a − b·d, is also linear but weights each point by 1/d², letting the noisiest points near the
 * start dominate; the original scale keeps gold's own noise model.) Points with d ≤ 0 are left
 * out: the model is 0 there whatever a and b are, and ln d is undefined.
 *
 * The curve "turns down" at d when dgold/dd < 0 there:
 *   selection: a − 2b·d        (peak at d* = a / 2b when b > 0)
 *   RL:        a − b·(1 + ln d) (peak at d* = exp(a/b − 1) when b > 0)
 */
import { deterministicMath } from '../core/detmath.ts';

const { log, exp } = deterministicMath;

/** Which of Gao's functional forms: best-of-n selection or RL. */
export type GaoForm = 'selection' | 'rl';

/** One observation: distance moved and gold gain since the start. */
export interface GoldPoint {
  readonly d: number;
  readonly gold: number;
}

/** A least-squares fit of one form. */
export interface GaoFit {
  readonly form: GaoForm;
  readonly a: number;
  readonly b: number;
  /** 1 − SS_res / SS_tot on the points fitted (the model has no intercept, so it can be negative). */
  readonly r2: number;
  /** Points used (those with d > 0). */
  readonly n: number;
  /** Where the fitted gold peaks (slope 0 turning negative), or null if it never turns down from a rise. */
  readonly peak: number | null;
}

/** Gao's gold at distance d. */
export function gaoGold(form: GaoForm, a: number, b: number, d: number): number {
  if (d <= 0) return 0;
  return form === 'selection' ? d * (a - b * d) : d * (a - b * log(d));
}

/** dgold/dd at distance d (d > 0). */
export function gaoSlope(form: GaoForm, a: number, b: number, d: number): number {
  return form === 'selection' ? a - 2 * b * d : a - b * (1 + log(d));
}

/** Distance of the fitted peak (≥ 0), or null when b ≤ 0 (no turn from rising to falling). */
export function gaoPeak(form: GaoForm, a: number, b: number): number | null {
  if (!(b > 0)) return null;
  const d = form === 'selection' ? a / (2 * b) : exp(a / b - 1);
  return Number.isFinite(d) ? Math.max(0, d) : null;
}

/** Least-squares fit of a and b; null with fewer than 2 usable points or a degenerate design (e.g. one distinct d). */
export function fitGao(points: readonly GoldPoint[], form: GaoForm): GaoFit | null {
  const used = points.filter((p) => p.d > 0 && Number.isFinite(p.d) && Number.isFinite(p.gold));
  if (used.length < 2) return null;
  // Regressors u = d and w = −v(d): gold = a·u + b·w.
  let suu = 0;
  let suw = 0;
  let sww = 0;
  let sug = 0;
  let swg = 0;
  for (const { d, gold } of used) {
    const u = d;
    const w = form === 'selection' ? -d * d : -d * log(d);
    suu += u * u;
    suw += u * w;
    sww += w * w;
    sug += u * gold;
    swg += w * gold;
  }
  const det = suu * sww - suw * suw;
  if (!(Math.abs(det) > 1e-12 * suu * sww)) return null;
  const a = (sug * sww - swg * suw) / det;
  const b = (suu * swg - suw * sug) / det;
  const mean = used.reduce((s, p) => s + p.gold, 0) / used.length;
  let ssRes = 0;
  let ssTot = 0;
  for (const { d, gold } of used) {
    ssRes += (gold - gaoGold(form, a, b, d)) ** 2;
    ssTot += (gold - mean) ** 2;
  }
  const r2 = ssTot > 0 ? 1 - ssRes / ssTot : ssRes <= 1e-24 ? 1 : 0;
  return { form, a, b, r2, n: used.length, peak: gaoPeak(form, a, b) };
}

/** True when the fitted gold is falling at distance d (dgold/dd < 0): optimisation has passed the peak. */
export function gaoTurnedDown(fit: GaoFit, d: number): boolean {
  return d > 0 && gaoSlope(fit.form, fit.a, fit.b, d) < 0;
}
