/**
 * bayes-guesser — for the guessing game (worlds/guess.ts): keeps the exact posterior over the
 * hidden target's N cells, per task, and picks queries that maximise the expected information
 * of the answer. It shows how fast each feedback channel shrinks uncertainty.
 *
 * Likelihoods (the "feedback semantics" prior, written out; `flip`/`jitter` are the assumed
 * noise, 0 by default):
 * - `binary` — answer 1 iff |guess − target| ≤ passWithin. A miss removes the guessed cells; a
 *   hit keeps only them. With flip p: P(answer | t) = 1 − p if it matches the prediction, else p.
 * - `hotcold` — answer sign(|previous − t| − |guess − t|): +1 when the target is strictly closer
 *   to this guess than to the previous one on the same task. The perpendicular bisector of the
 *   two guesses cuts the board; the answer keeps one side (0 keeps only the bisector cell).
 *   The first attempt on a task is always answered 0 and carries nothing. Distances are whole
 *   cells, so any channel tolerance < 1 gives exactly these answers. Flip swaps ±1, never 0.
 * - `graded` — answer −|guess − target| (the channel's reward for the `distance` metric): the
 *   target is at guess ± d, two cells at most. With jitter σ: a Gaussian likelihood around it.
 *
 * Query policy. `explore` (learning): once the most probable cell holds at least `commitAt` of
 * the mass (default ½: more likely than not; always when it holds all of it), guess it — a hit
 * ends a game, and its answer still informs if it misses (unless it would repeat the previous
 * hot/cold guess, which is always answered "same"). Otherwise
 *   - binary and hot/cold: the guess with the largest expected information (entropy of the
 *     answer minus its noise entropy), computed exactly for every cell from prefix sums, O(N);
 *   - graded: the lowest cell of the posterior's support: distances from an end of the support
 *     are all different, so a noise-free answer pins the target (the maximum possible).
 *   Ties (within 1e-12 bits) go to the guess with the most posterior mass (a chance to hit),
 *   then to the lowest cell: binary therefore scans left to right, hot/cold opens at cell 0.
 * `greedy` (evaluation): the most probable cell (lowest on ties). `act` draws nothing.
 *
 * Capacity: N, the number of cells. Memory: 8·N bytes per task seen.
 * The learner keys tasks by `taskKey` in `learn`; `act` only sees features, so it maps them back
 * through the features last seen with each key (the guess world gives every task an opaque id
 * feature for this). It must learn from every attempt the channel answered, in order, so that
 * its "previous guess" on a task is the channel's.
 */
import { z } from 'zod';
import { deterministicMath } from '../core/detmath.ts';
import { InputError } from '../core/errors.ts';
import type { Stream } from '../core/rng.ts';
import type { Experience, Learner, LearnerEnv, LearnerFamily, LearnerState } from './types.ts';

/** Channels whose answers the guesser can invert. */
export const GUESSER_SEMANTICS = ['binary', 'hotcold', 'graded'] as const;

/** Hyperparameters: what the learner assumes about the channel answering it. */
export const bayesGuesserConfigSchema = z.strictObject({
  /** Which channel answers (decides the likelihood); absent: the channel the run gives (else hotcold). */
  semantics: z.enum(GUESSER_SEMANTICS).optional().describe("Which channel answers: binary, hotcold or graded (distance). Default: the run's channel, else hotcold."),
  /** Assumed probability that a binary or hot/cold answer was flipped; absent: the run channel's flip (else 0). */
  flip: z.number().min(0).max(1).optional().describe("Assumed probability that a binary or hot/cold answer was flipped. Default: the run channel's flip, else 0."),
  /** Assumed std of Gaussian noise on graded answers, in cells; absent: the run channel's jitter (else 0). */
  jitter: z.number().min(0).optional().describe("Assumed standard deviation of Gaussian noise on graded answers, in cells. Default: the run channel's jitter, else 0."),
  /** Binary answers 1 when |guess − target| ≤ passWithin; absent: the run metric's threshold (else 0). */
  passWithin: z.number().int().min(0).optional().describe("Binary answers 1 when |guess − target| ≤ passWithin. Default: the run's distance threshold, else 0."),
  /** In explore mode, guess the most probable cell once it holds at least this posterior mass. */
  commitAt: z.number().gt(0).max(1).default(0.5).describe('Explore mode guesses the most probable cell once it holds at least this mass.'),
});
/** Parsed bayes-guesser hyperparameters. */
export type BayesGuesserConfig = z.infer<typeof bayesGuesserConfigSchema>;

/** The channel model the guesser inverts: its config where given, else what the run tells it. */
export interface GuesserModel {
  readonly semantics: (typeof GUESSER_SEMANTICS)[number];
  readonly flip: number;
  readonly jitter: number;
  readonly passWithin: number;
}

/**
 * Reads the channel model from the config and the run's feedback (env.feedback). A config that
 * contradicts the run's channel, or a channel the guesser cannot invert, is bad input (exit 2).
 */
export function guesserModel(config: BayesGuesserConfig, feedback: LearnerEnv['feedback']): GuesserModel {
  if (feedback) {
    const kind = feedback.kind;
    if (!(GUESSER_SEMANTICS as readonly string[]).includes(kind)) throw new InputError('feedback', kind, `a channel bayes-guesser can invert: ${GUESSER_SEMANTICS.join(', ')}`);
    if (config.semantics !== undefined && config.semantics !== kind) throw new InputError('learnerConfig.semantics', config.semantics, `the run's channel '${kind}' (or leave it out)`);
    if (feedback.metric.expression !== 'distance' || feedback.metric.direction !== 'lower') {
      throw new InputError('metric', `${feedback.metric.expression} (${feedback.metric.direction})`, "distance, lower is better (bayes-guesser inverts the distance)");
    }
    if (kind === 'hotcold' && feedback.tolerance >= 1) throw new InputError('feedback.tolerance', feedback.tolerance, 'less than 1 cell (bayes-guesser assumes whole-cell hot/cold answers)');
  }
  const semantics = config.semantics ?? ((feedback?.kind as GuesserModel['semantics'] | undefined) ?? 'hotcold');
  return {
    semantics,
    flip: config.flip ?? feedback?.flip ?? 0,
    jitter: config.jitter ?? feedback?.jitter ?? 0,
    passWithin: config.passWithin ?? (feedback ? Math.max(0, Math.floor(feedback.metric.threshold)) : 0),
  };
}

const TIE = 1e-12;
const log2 = (x: number): number => deterministicMath.log(x) / Math.LN2;
/** Binary entropy in bits. */
const h2 = (p: number): number => (p <= 0 || p >= 1 ? 0 : -p * log2(p) - (1 - p) * log2(1 - p));
/** Entropy in bits of a small distribution given by masses (need not be normalised exactly). */
function hMasses(...ms: number[]): number {
  let h = 0;
  for (const m of ms) if (m > 0) h -= m * log2(m);
  return h;
}

/** Entropy in bits of a posterior (exactly 0 when one cell holds all the mass). */
export function posteriorEntropy(post: Float64Array): number {
  let h = 0;
  let nonzero = 0;
  // Noise-free posteriors are uniform over their support: memoise the log per distinct mass.
  const memo = new Map<number, number>();
  for (const p of post) {
    if (p > 0) {
      let term = memo.get(p);
      if (term === undefined) memo.set(p, (term = p * log2(p)));
      h -= term;
      nonzero++;
    }
  }
  return nonzero <= 1 ? 0 : Math.max(0, h);
}

interface TaskState {
  readonly post: Float64Array;
  /** Previous guess on this task (−1: none yet). */
  last: number;
  queries: number;
}

const featureKey = (features: readonly number[]): string => features.join(',');

/** The bayes-guesser learner (see the module doc). */
export class BayesGuesser implements Learner {
  readonly family = 'bayes-guesser';
  readonly capacity: number;
  readonly priors: readonly string[];
  readonly cells: number;
  private readonly tasks = new Map<string, TaskState>();
  private readonly aliases = new Map<string, string>();
  private readonly uniform: Float64Array;
  /** The channel model it inverts (see guesserModel). */
  readonly model: GuesserModel;

  constructor(
    env: LearnerEnv,
    readonly config: BayesGuesserConfig,
  ) {
    const s = env.actionSpace;
    const n = (s.high[0] ?? NaN) + 1;
    if (s.names.length !== 1 || s.low[0] !== 0 || !Number.isInteger(n) || n < 2) {
      throw new RangeError(`bayes-guesser needs a one-dimensional action box [0, N−1] over whole cells; got ${JSON.stringify(s)}`);
    }
    this.cells = n;
    this.capacity = n;
    this.uniform = new Float64Array(n).fill(1 / n);
    const m = (this.model = guesserModel(config, env.feedback));
    const noise = m.semantics === 'graded' ? (m.jitter > 0 ? `, Gaussian noise σ=${m.jitter}` : '') : m.flip > 0 ? `, flipped with p=${m.flip}` : '';
    const meaning = {
      binary: `binary: 1 iff |guess − target| ≤ ${m.passWithin}`,
      hotcold: 'hotcold: +1/−1/0 as the target is closer to / farther from / as far from this guess as the previous one',
      graded: 'graded: −|guess − target| in cells',
    }[m.semantics];
    this.priors = [`target is one of ${n} cells, uniformly likely`, `feedback semantics of the channel: ${meaning}${noise}`];
  }

  /** The posterior of a task (a copy), or undefined if the task was never learned from. */
  posterior(taskKey: string): Float64Array | undefined {
    const st = this.tasks.get(taskKey);
    return st ? st.post.slice() : undefined;
  }

  /** Posterior entropy in bits of a task (log2 N before any answer). */
  posteriorEntropyBits(taskKey: string): number {
    return posteriorEntropy(this.tasks.get(taskKey)?.post ?? this.uniform);
  }

  act(features: readonly (readonly number[])[], _rng: Stream, mode: 'explore' | 'greedy'): number[][] {
    return features.map((row) => {
      const key = this.aliases.get(featureKey(row));
      const st = key === undefined ? undefined : this.tasks.get(key);
      const post = st?.post ?? this.uniform;
      return [mode === 'greedy' ? mapCell(post) : this.query(post, st?.last ?? -1)];
    });
  }

  learn(batch: readonly Experience[], _rng: Stream): void {
    for (const e of batch) {
      let st = this.tasks.get(e.taskKey);
      if (!st) {
        st = { post: this.uniform.slice(), last: -1, queries: 0 };
        this.tasks.set(e.taskKey, st);
      }
      this.aliases.set(featureKey(e.features), e.taskKey);
      const g = Math.min(this.cells - 1, Math.max(0, Math.round(e.action[0] as number)));
      this.update(st, g, e.feedback, e.taskKey);
      st.last = g;
      st.queries++;
    }
  }

  /** Multiplies the posterior by the answer's likelihood and renormalises. */
  private update(st: TaskState, g: number, answer: number, taskKey: string): void {
    const { semantics, flip, jitter, passWithin } = this.model;
    const post = st.post;
    const n = this.cells;
    if (semantics === 'binary') {
      if (answer !== 0 && answer !== 1) throw new RangeError(`bayes-guesser (binary): answer must be 0 or 1, got ${answer}`);
      for (let t = 0; t < n; t++) post[t]! *= (Math.abs(g - t) <= passWithin ? 1 : 0) === answer ? 1 - flip : flip;
    } else if (semantics === 'hotcold') {
      if (answer !== 0 && answer !== 1 && answer !== -1) throw new RangeError(`bayes-guesser (hotcold): answer must be −1, 0 or 1, got ${answer}`);
      if (st.last < 0) return; // First attempt: the channel always answers 0, which says nothing.
      const p = st.last;
      for (let t = 0; t < n; t++) {
        const pred = Math.sign(Math.abs(p - t) - Math.abs(g - t));
        post[t]! *= pred === 0 ? (answer === 0 ? 1 : 0) : answer === pred ? 1 - flip : answer === -pred ? flip : 0;
      }
    } else if (jitter > 0) {
      // Gaussian likelihood, shifted so the best-fitting cell has likelihood 1 (no underflow).
      let best = Infinity;
      for (let t = 0; t < n; t++) best = Math.min(best, (answer + Math.abs(g - t)) ** 2);
      for (let t = 0; t < n; t++) post[t]! *= deterministicMath.exp(-((answer + Math.abs(g - t)) ** 2 - best) / (2 * jitter * jitter));
    } else {
      for (let t = 0; t < n; t++) post[t]! *= 0 - Math.abs(g - t) === answer ? 1 : 0;
    }
    let total = 0;
    for (let t = 0; t < n; t++) total += post[t]!;
    if (!(total > 0)) throw new Error(`bayes-guesser: answer ${answer} to guess ${g} on task '${taskKey}' is impossible under '${semantics}' semantics without noise`);
    for (let t = 0; t < n; t++) post[t]! /= total;
  }

  /** The explore-mode query for a posterior and the task's previous guess (see the module doc). */
  private query(post: Float64Array, last: number): number {
    const n = this.cells;
    const map = mapCell(post);
    const { semantics, flip, passWithin } = this.model;
    // Repeating the previous guess under hot/cold is always answered "same": never commit to it.
    if (post[map]! >= Math.min(this.config.commitAt, 1 - TIE) && !(semantics === 'hotcold' && map === last)) return map;
    if (semantics === 'graded') {
      let lo = 0;
      while (lo < n - 1 && !(post[lo]! > 0)) lo++;
      return lo;
    }
    // Prefix sums: S[k] = mass of cells < k.
    const S = new Float64Array(n + 1);
    for (let t = 0; t < n; t++) S[t + 1] = S[t]! + post[t]!;
    const mass = (lo: number, hi: number): number => (hi < lo ? 0 : S[Math.min(n, hi + 1)]! - S[Math.max(0, lo)]!);
    const noiseH = h2(flip);
    const memo = new Map<number, number>();
    let best = -1;
    let bestInfo = -Infinity;
    for (let g = 0; g < n; g++) {
      let info: number;
      if (semantics === 'binary') {
        const m = mass(g - passWithin, g + passWithin);
        // A binary posterior holds few distinct masses: memoise (log is the hot spot).
        let hm = memo.get(m);
        if (hm === undefined) memo.set(m, (hm = h2(m * (1 - flip) + (1 - m) * flip) - noiseH));
        info = hm;
      } else if (last < 0 || g === last) {
        info = 0;
      } else {
        // Cells strictly on g's side of the bisector answer +1 (warmer), the other side −1.
        const twiceMid = g + last;
        const same = twiceMid % 2 === 0 ? post[twiceMid / 2]! : 0;
        const leftSide = mass(0, Math.ceil(twiceMid / 2) - 1);
        const rightSide = mass(Math.floor(twiceMid / 2) + 1, n - 1);
        const warm = g > last ? rightSide : leftSide;
        const cold = g > last ? leftSide : rightSide;
        info = hMasses(warm * (1 - flip) + cold * flip, cold * (1 - flip) + warm * flip, same) - (warm + cold) * noiseH;
      }
      if (info > bestInfo + TIE || (info > bestInfo - TIE && post[g]! > post[best]! + TIE)) {
        best = g;
        bestInfo = info;
      }
    }
    return best;
  }

  save(): LearnerState {
    const keys = [...this.tasks.keys()];
    const posteriors = new Float64Array(keys.length * this.cells);
    keys.forEach((k, i) => posteriors.set(this.tasks.get(k)!.post, i * this.cells));
    return {
      family: this.family,
      config: { ...this.config },
      arrays: { posteriors },
      extra: {
        cells: this.cells,
        tasks: keys.map((k) => ({ key: k, last: this.tasks.get(k)!.last, queries: this.tasks.get(k)!.queries })),
        aliases: [...this.aliases.entries()],
      },
    };
  }

  load(state: LearnerState): void {
    if (state.family !== this.family) throw new Error(`bayes-guesser cannot load a '${state.family}' state`);
    if (JSON.stringify(bayesGuesserConfigSchema.parse(state.config)) !== JSON.stringify(this.config)) throw new Error('bayes-guesser: the saved config differs from this learner’s; create the learner from state.config');
    const extra = state.extra as { cells: number; tasks: { key: string; last: number; queries: number }[]; aliases: [string, string][] };
    if (extra.cells !== this.cells) throw new Error(`bayes-guesser: saved with ${extra.cells} cells, this learner has ${this.cells}`);
    const posteriors = state.arrays.posteriors;
    if (!posteriors || posteriors.length !== extra.tasks.length * this.cells) throw new Error('bayes-guesser: posteriors array missing or of the wrong length');
    this.tasks.clear();
    this.aliases.clear();
    extra.tasks.forEach((t, i) => {
      this.tasks.set(t.key, { post: Float64Array.from(posteriors.subarray(i * this.cells, (i + 1) * this.cells)), last: t.last, queries: t.queries });
    });
    for (const [f, k] of extra.aliases) this.aliases.set(f, k);
  }

  dispose(): void {
    /* No tensors. */
  }
}

/** The most probable cell (lowest on ties). */
function mapCell(post: Float64Array): number {
  let best = 0;
  for (let t = 1; t < post.length; t++) if (post[t]! > post[best]!) best = t;
  return best;
}

/** The bayes-guesser family. */
export const bayesGuesserFamily: LearnerFamily<BayesGuesserConfig> = {
  id: 'bayes-guesser',
  // It inverts the answers, so it needs to know what they mean: the distance metric through a
  // channel whose likelihood it has (scheduled blends two labels by a weight it is not told).
  needs: { loop: 'one-shot', describingFeatures: false, features: [['taskId']], actions: [['guess']], actionDims: 1, channels: GUESSER_SEMANTICS, metrics: ['distance'] },
  doc: 'Exact posterior over the guessing game’s N cells; queries that maximise expected information. Capacity: N.',
  configSchema: bayesGuesserConfigSchema,
  parseConfig: (input) => bayesGuesserConfigSchema.parse(input ?? {}),
  create: (env, config) => new BayesGuesser(env, config),
};
