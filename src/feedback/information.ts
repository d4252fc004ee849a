/**
 * Measured information: how many bits the feedback events of a run actually carried about the
 * hidden target — estimated from the run's log, never assumed from the channel's alphabet.
 *
 * Estimator: plug-in (maximum-likelihood) entropies over discretised values, in bits;
 * I(F; T) = H(F) + H(T) − H(F, T); the conditional I(F; T | C) = Σ_c p(c)·I(F; T | C = c)
 * when each event carries a context (what the learner knew when it acted — for relative
 * channels like hot/cold the feedback is informative only given the query, so the unconditional
 * MI understates them). Miller–Madow corrected values are reported alongside:
 * H_MM = H + (K − 1)/(2n ln 2), K = observed symbols, applied to each entropy of the MI sum.
 *
 * Discretisation (`Binning`): `exact` treats each distinct value as a symbol; `{ bins: k }` cuts
 * [min, max] of the observed values into k equal-width bins; `auto` (default) is `exact` when
 * every value is an integer (binary and hot/cold labels, integer distances) and 16 equal-width
 * bins otherwise (continuous graded feedback, jitter). Strings are always exact symbols.
 * Limits, by construction: an estimate never exceeds log2 of the events behind it (per context
 * for the conditional MI) nor log2 of the bin count, and for independent variables the plug-in
 * MI is biased upward by about (K_F − 1)(K_T − 1)/(2n ln 2) bits. With label noise and a
 * target seen once per context, the plug-in H(F | T, C) is 0, so noise entropy is counted as
 * information: log repeats per context (several games) or bin the target before reading a noisy
 * channel's bits. `contexts` in the report tells how thinly the events were spread.
 */
import { deterministicMath } from '../core/detmath.ts';

/** How values become symbols (see the module doc). */
export type Binning = 'auto' | 'exact' | { readonly bins: number };
/** Bin count `auto` uses for non-integer values. */
export const AUTO_BINS = 16;

/** Symbols of a list of values, with a description of the discretisation used. */
export interface Symbols {
  readonly ids: Int32Array;
  /** Distinct symbols observed. */
  readonly count: number;
  readonly binning: string;
}

/** Discretises values into symbol ids (see the module doc for the rules). */
export function symbolise(values: readonly (number | string)[], binning: Binning = 'auto'): Symbols {
  const allNumbers = values.every((v) => typeof v === 'number');
  for (const v of values) if (typeof v === 'number' && !Number.isFinite(v)) throw new RangeError(`symbolise: non-finite value ${v}`);
  let mode: Binning = binning;
  if (!allNumbers) mode = 'exact';
  else if (mode === 'auto') mode = (values as number[]).every(Number.isInteger) ? 'exact' : { bins: AUTO_BINS };
  const ids = new Int32Array(values.length);
  if (mode === 'exact') {
    // Map keys use SameValueZero: −0 and 0 are one symbol.
    const seen = new Map<number | string, number>();
    values.forEach((v, i) => {
      let id = seen.get(v);
      if (id === undefined) seen.set(v, (id = seen.size));
      ids[i] = id;
    });
    return { ids, count: seen.size, binning: 'exact' };
  }
  const k = mode.bins;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`symbolise: bins must be a positive integer, got ${k}`);
  const nums = values as number[];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of nums) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const used = new Set<number>();
  nums.forEach((v, i) => {
    const b = hi > lo ? Math.min(k - 1, Math.floor(((v - lo) / (hi - lo)) * k)) : 0;
    ids[i] = b;
    used.add(b);
  });
  return { ids, count: used.size, binning: `${k} equal-width bins over [${lo}, ${hi}]` };
}

const log2 = (x: number): number => deterministicMath.log(x) / Math.LN2;

/** Plug-in entropy in bits of a list of counts (zeros ignored), optionally Miller–Madow corrected. */
export function entropyOfCounts(counts: Iterable<number>, millerMadow = false): number {
  let n = 0;
  let k = 0;
  const cs: number[] = [];
  for (const c of counts) {
    if (c > 0) {
      cs.push(c);
      n += c;
      k++;
    }
  }
  if (n === 0) return 0;
  let h = 0;
  for (const c of cs) h -= (c / n) * log2(c / n);
  // A one-symbol sample has exactly 0 bits; −0 from the sum would leak into records.
  if (k === 1) h = 0;
  return millerMadow ? h + (k - 1) / (2 * n * Math.LN2) : h;
}

function countsOf(ids: ArrayLike<number>, idx?: readonly number[]): Map<number, number> {
  const m = new Map<number, number>();
  const n = idx ? idx.length : ids.length;
  for (let j = 0; j < n; j++) {
    const s = ids[idx ? (idx[j] as number) : j] as number;
    m.set(s, (m.get(s) ?? 0) + 1);
  }
  return m;
}

/** Plug-in entropy in bits of a list of values. */
export function entropyBits(values: readonly (number | string)[], options: { binning?: Binning; millerMadow?: boolean } = {}): number {
  return entropyOfCounts(countsOf(symbolise(values, options.binning).ids).values(), options.millerMadow);
}

function miOfSymbols(a: Int32Array, b: Int32Array, bCount: number, millerMadow: boolean, idx?: readonly number[]): number {
  // Float64: a pair id a·K_B + b can exceed 2^31 on long runs; it stays exact below 2^53.
  const joint = new Float64Array(idx ? idx.length : a.length);
  for (let j = 0; j < joint.length; j++) {
    const i = idx ? (idx[j] as number) : j;
    joint[j] = (a[i] as number) * bCount + (b[i] as number);
  }
  const h = (m: Map<number, number>): number => entropyOfCounts(m.values(), millerMadow);
  const mi = h(countsOf(a, idx)) + h(countsOf(b, idx)) - h(countsOf(joint));
  // Plug-in MI is ≥ 0 up to rounding; the Miller–Madow sum can dip below 0 on tiny samples.
  return Math.max(0, mi);
}

/** Plug-in mutual information I(A; B) in bits between two aligned lists of values. */
export function mutualInformationBits(
  a: readonly (number | string)[],
  b: readonly (number | string)[],
  options: { binningA?: Binning; binningB?: Binning; millerMadow?: boolean } = {},
): number {
  if (a.length !== b.length) throw new RangeError('mutualInformationBits: lists differ in length');
  const sb = symbolise(b, options.binningB);
  return miOfSymbols(symbolise(a, options.binningA).ids, sb.ids, Math.max(1, sb.count), options.millerMadow ?? false);
}

/** Plug-in conditional mutual information I(A; B | C) in bits: Σ_c p(c)·I(A; B | C = c). */
export function conditionalMutualInformationBits(
  a: readonly (number | string)[],
  b: readonly (number | string)[],
  context: readonly string[],
  options: { binningA?: Binning; binningB?: Binning; millerMadow?: boolean } = {},
): number {
  if (a.length !== b.length || a.length !== context.length) throw new RangeError('conditionalMutualInformationBits: lists differ in length');
  // Bins are global (one discretisation for the whole run), so contexts stay comparable.
  const sa = symbolise(a, options.binningA).ids;
  const sb = symbolise(b, options.binningB);
  const groups = new Map<string, number[]>();
  context.forEach((c, i) => {
    let g = groups.get(c);
    if (!g) groups.set(c, (g = []));
    g.push(i);
  });
  let total = 0;
  for (const idx of groups.values()) total += idx.length * miOfSymbols(sa, sb.ids, Math.max(1, sb.count), options.millerMadow ?? false, idx);
  return a.length === 0 ? 0 : total / a.length;
}

/** One logged feedback event: what the learner was told and the hidden target it was about. */
export interface FeedbackEvent {
  readonly feedback: number;
  /** The hidden target (a number, or a string key for composite targets). */
  readonly target: number | string;
  /** What the learner knew when it acted (its query, its previous attempt); enables I(F; T | C). */
  readonly context?: string;
}

/** Options of `measureInformation`. */
export interface MeasureOptions {
  readonly feedbackBinning?: Binning;
  readonly targetBinning?: Binning;
}

/** Bits per feedback event, measured from a log. */
export interface InformationReport {
  readonly events: number;
  /** H(F): how many bits the feedback signal itself varied by. */
  readonly feedbackEntropyBits: number;
  /** I(F; T): what the feedback told about the target, ignoring context. */
  readonly mutualInfoBits: number;
  /** I(F; T | C), or null when the log has no contexts. */
  readonly conditionalMutualInfoBits: number | null;
  /** Distinct contexts (null without contexts): events / contexts is the sample behind each estimate. */
  readonly contexts: number | null;
  /** The headline: the conditional MI when contexts were logged, else the MI. */
  readonly bitsPerFeedback: number;
  /** The same estimates with the Miller–Madow correction. */
  readonly millerMadow: { readonly feedbackEntropyBits: number; readonly mutualInfoBits: number; readonly conditionalMutualInfoBits: number | null };
  readonly feedbackSymbols: number;
  readonly targetSymbols: number;
  readonly binning: { readonly feedback: string; readonly target: string };
}

/** Measures the information in a log of feedback events (module doc: estimator and binning). */
export function measureInformation(events: readonly FeedbackEvent[], options: MeasureOptions = {}): InformationReport {
  const f = events.map((e) => e.feedback);
  const t = events.map((e) => e.target);
  const withContext = events.length > 0 && events.every((e) => e.context !== undefined);
  const c = withContext ? events.map((e) => e.context as string) : [];
  const sf = symbolise(f, options.feedbackBinning);
  const st = symbolise(t, options.targetBinning);
  const bo = { binningA: options.feedbackBinning, binningB: options.targetBinning };
  const mi = mutualInformationBits(f, t, bo);
  const cmi = withContext ? conditionalMutualInformationBits(f, t, c, bo) : null;
  return {
    events: events.length,
    feedbackEntropyBits: entropyBits(f, { binning: options.feedbackBinning }),
    mutualInfoBits: mi,
    conditionalMutualInfoBits: cmi,
    contexts: withContext ? new Set(c).size : null,
    bitsPerFeedback: cmi ?? mi,
    millerMadow: {
      feedbackEntropyBits: entropyBits(f, { binning: options.feedbackBinning, millerMadow: true }),
      mutualInfoBits: mutualInformationBits(f, t, { ...bo, millerMadow: true }),
      conditionalMutualInfoBits: withContext ? conditionalMutualInformationBits(f, t, c, { ...bo, millerMadow: true }) : null,
    },
    feedbackSymbols: sf.count,
    targetSymbols: st.count,
    binning: { feedback: sf.binning, target: st.binning },
  };
}

/** An append-only log of feedback events for one run (one per channel being measured). */
export class FeedbackLog {
  private readonly events: FeedbackEvent[] = [];

  /** Records one event. */
  add(event: FeedbackEvent): void {
    this.events.push(event);
  }

  /** Number of events so far. */
  get size(): number {
    return this.events.length;
  }

  /** The measured information of the events so far. */
  report(options: MeasureOptions = {}): InformationReport {
    return measureInformation(this.events, options);
  }
}
