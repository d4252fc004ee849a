/**
 * The `feedback` study — "hot/cold carries more information than right/wrong", made runnable.
 *
 * One learner, one world, one fixed train suite per seed; only the feedback channel changes
 * (binary, hotcold, graded, scheduled). For each channel and seed it records:
 * - the learning curve (greedy GT pass rate on the train suite's evaluation tasks), summarised
 *   over seeds with 90% bootstrap intervals;
 * - episodes until the curve first reaches `threshold` (null when it never does; the paired
 *   comparison with binary counts a miss as the budget, a lower bound);
 * - bits per feedback measured about what the learner needs: the episode's ground-truth margin
 *   M (how far the throw is from passing), given the query context C = the margin of the
 *   previous attempt on the same task (hot/cold compares with it; "first" when there is none):
 *   I(F; M | C), next to the unconditional I(F; M), both plug-in and Miller–Madow corrected.
 *   The estimator's binning sensitivity is shown: margins (and non-integer feedback) cut into
 *   4, 8, 16 and 32 bins, equal-frequency (quantile, the headline) and equal-width. Graded
 *   feedback is a function of the margin, so its bits grow with the bin count (up to log2 of it):
 *   the estimate is bounded by the bins, not by the channel. A label is at most log2 3 bits.
 * - hot/cold logged with its context: the first events of each run as (task, previous margin,
 *   margin, label).
 * Beside it, the guessing game's table (bayes-guesser, N cells, src/experiments/guessing-game.ts):
 * queries to hit with a bootstrap interval next to the limits — hit/miss (N + 1)/2 queries (a
 * scan), hot/cold log2 N (one bit per answer), graded 2 (one distance from an end pins it).
 *
 * Results shape (`FeedbackResults`, documented in docs/studies/feedback.md):
 * `{ world, learner, threshold, seeds, episodes, channels: [{ channel, curve[], episodesToThreshold,
 * bits: { bins[], headline }, contextLog[] }], graded vs binary paired difference, guessing: { n,
 * rows[] } }`. Resumes by replay (no checkpoint): it is a handful of short training runs.
 */
import { z } from 'zod';
import { resolveParams } from '../core/runtime.ts';
import { CHANNEL_KINDS, SCHEDULES } from '../feedback/channels.ts';
import { measureInformation, type FeedbackEvent } from '../feedback/information.ts';
import { GUESS_MAX_N } from '../../worlds/guess.ts';
import { getWorld } from '../../worlds/index.ts';
import { meanCi, pairedDiffCi, type Interval } from '../stats/bootstrap.ts';
import { playGuessingGame } from './guessing-game.ts';
import { curveOverSeeds, episodesToThreshold, overSeeds, trainAll, type CurveSummaryPoint, type SeedEstimate } from './study-runs.ts';
import { validateTrainConfig, type LoggedFeedback } from './train.ts';
import { defineExperiment, type ExperimentEvent } from './types.ts';

/** Bin counts of the binning-sensitivity table. */
export const BIT_BINS = [4, 8, 16, 32] as const;
/** The bin count of the headline bits (the middle of the table). */
export const HEADLINE_BINS = 8;

/** The study's config (strict; defaults are the full preset). */
export const feedbackStudySchema = z.strictObject({
  world: z.string().default('projectile').describe('World id (one-shot, with a default metric).'),
  learner: z.string().default('cem').describe('Learner family id: the same learner for every channel.'),
  learnerConfig: z.record(z.string(), z.unknown()).default({}).describe("Hyperparameters, validated by the family's schema."),
  channels: z.array(z.enum(CHANNEL_KINDS)).min(1).default([...CHANNEL_KINDS]).describe('Channels compared.'),
  schedule: z.enum(SCHEDULES).default('linear').describe('Schedule of the `scheduled` channel.'),
  seeds: z.array(z.number().int().min(0).max(2 ** 31 - 1)).min(1).max(64).default([1, 2, 3, 4, 5]).describe('Training seeds (each channel trains once per seed, on that seed’s train suite).'),
  episodes: z.number().int().min(64).max(1_000_000).default(3000).describe('Training episodes per run.'),
  evalPoints: z.number().int().min(2).max(200).default(15).describe('Points on each learning curve.'),
  evalTasks: z.number().int().min(8).max(1024).default(64).describe('Train tasks the greedy GT pass rate is measured on.'),
  threshold: z.number().min(0).max(1).default(0.8).describe('GT pass rate whose first crossing is reported (episodes to threshold).'),
  contextLog: z.number().int().min(0).max(1000).default(12).describe('Feedback events logged with their context per run (the first ones).'),
  guessN: z.number().int().min(2).max(GUESS_MAX_N).default(1024).describe('Cells of the guessing game table.'),
  guessGames: z.number().int().min(1).max(10_000).default(128).describe('Games per channel in the guessing table.'),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0).describe('Run seed: the guessing games and the bootstrap resamples derive from it.'),
});
/** A parsed feedback-study config. */
export type FeedbackStudyConfig = z.infer<typeof feedbackStudySchema>;

/** Bits per feedback at one bin count, over seeds. */
export interface BitsRow {
  readonly binning: MarginBinning;
  readonly bins: number;
  /** I(F; M | previous margin): the headline measure. */
  readonly conditional: SeedEstimate;
  /** I(F; M) without the context. */
  readonly unconditional: SeedEstimate;
  /** I(F; M | C) with the Miller–Madow correction. */
  readonly conditionalMillerMadow: SeedEstimate;
  /** Distinct contexts, mean over seeds (events / contexts = the sample behind each estimate). */
  readonly contexts: number;
}

/** One logged feedback event with its context. */
export interface ContextEvent {
  readonly seed: number;
  readonly episode: number;
  readonly task: string;
  /** Margin of the previous attempt on the same task (null: first attempt). */
  readonly previousMargin: number | null;
  readonly margin: number;
  readonly feedback: number;
}

/** One channel's results. */
export interface ChannelResult {
  readonly channel: string;
  readonly curve: CurveSummaryPoint[];
  readonly finalGt: SeedEstimate;
  /** Per seed, in `seeds` order (null: never reached). */
  readonly episodesToThreshold: (number | null)[];
  /** Over the seeds that reached it. */
  readonly episodesToThresholdMean: SeedEstimate;
  readonly reached: number;
  readonly bits: BitsRow[];
  readonly contextLog: ContextEvent[];
}

/** One row of the guessing table. */
export interface GuessRow {
  readonly channel: 'binary' | 'hotcold' | 'graded';
  readonly queriesToHit: { readonly mean: number; readonly ci: Interval | null; readonly unresolved: number };
  /** What the channel allows: (N+1)/2 for a hit/miss scan, log2 N for hot/cold, 2 for graded. */
  readonly limit: number;
  readonly limitText: string;
  /** queriesToHit.mean / limit. */
  readonly ratio: number;
  readonly bitsPerQuery: number;
  readonly measuredBitsPerFeedback: number;
}

/** What `feedback` finishes with. */
export interface FeedbackResults {
  readonly world: string;
  /** The headline bits: this binning and bin count, conditional on the previous attempt. */
  readonly headlineBinning: MarginBinning;
  readonly learner: string;
  readonly threshold: number;
  readonly seeds: number[];
  readonly episodes: number;
  readonly headlineBins: number;
  readonly channels: ChannelResult[];
  /** Paired over seeds: binary's episodes to threshold − graded's (a miss counts as the budget). */
  readonly binaryMinusGraded: { readonly estimate: number; readonly ci: Interval } | null;
  readonly guessing: { readonly n: number; readonly games: number; readonly rows: GuessRow[] };
}

/** How margins are cut into bins: equal-width over [min, max], or equal-frequency (quantile) cuts. */
export type MarginBinning = 'quantile' | 'width';
/** Both binnings, headline first. */
export const MARGIN_BINNINGS: readonly MarginBinning[] = ['quantile', 'width'];

/** A margin → bin map for one run's margins (one map for target and context, so "same bin" means the same). */
export function marginBinner(margins: readonly number[], bins: number, mode: MarginBinning): (m: number) => number {
  if (mode === 'width') {
    const lo = Math.min(...margins);
    const hi = Math.max(...margins);
    return (m) => (hi > lo ? Math.min(bins - 1, Math.floor(((m - lo) / (hi - lo)) * bins)) : 0);
  }
  // Quantile cuts: each bin holds about the same share of the run's margins, so a heavy tail of
  // early misses cannot squeeze every later throw into one bin (as equal-width bins do).
  const sorted = [...margins].sort((a, b) => a - b);
  const cuts = Array.from({ length: bins - 1 }, (_, i) => sorted[Math.floor(((i + 1) * sorted.length) / bins)] as number);
  return (m) => {
    let b = 0;
    while (b < cuts.length && m >= (cuts[b] as number)) b++;
    return b;
  };
}

/** Bits per feedback of one run's log at one bin count (see the module doc). */
export function bitsAt(log: readonly LoggedFeedback[], bins: number, mode: MarginBinning = 'quantile'): { conditional: number; unconditional: number; millerMadow: number; contexts: number } {
  const bin = marginBinner(
    log.map((e) => e.margin),
    bins,
    mode,
  );
  const previous = new Map<string, number>();
  const events: FeedbackEvent[] = log.map((e) => {
    const prev = previous.get(e.taskKey);
    previous.set(e.taskKey, e.margin);
    return { feedback: e.feedback, target: bin(e.margin), context: prev === undefined ? 'first' : String(bin(prev)) };
  });
  // Labels are exact symbols; continuous feedback is cut like the margins (its own quantiles or width).
  const labels = log.every((e) => Number.isInteger(e.feedback));
  const fb = labels ? null : marginBinner(log.map((e) => e.feedback), bins, mode);
  const binned = fb ? events.map((e) => ({ ...e, feedback: fb(e.feedback) })) : events;
  const r = measureInformation(binned, { feedbackBinning: 'exact', targetBinning: 'exact' });
  return { conditional: r.conditionalMutualInfoBits ?? 0, unconditional: r.mutualInfoBits, millerMadow: r.millerMadow.conditionalMutualInfoBits ?? 0, contexts: r.contexts ?? 0 };
}

/** The first `count` events of a log with their context (the previous margin on the same task). */
export function contextEvents(log: readonly LoggedFeedback[], seed: number, count: number): ContextEvent[] {
  const previous = new Map<string, number>();
  const out: ContextEvent[] = [];
  for (const e of log) {
    const prev = previous.get(e.taskKey);
    previous.set(e.taskKey, e.margin);
    if (out.length < count) out.push({ seed, episode: e.episode, task: e.taskKey, previousMargin: prev ?? null, margin: e.margin, feedback: e.feedback });
  }
  return out;
}

/** The guessing game's table beside its limits (bayes-guesser, told each channel's meaning). */
export function guessingTable(n: number, games: number, seed: number): GuessRow[] {
  const limits = { binary: [(n + 1) / 2, '(N + 1)/2: a scan, each miss rules out one cell'], hotcold: [Math.log2(n), 'log2 N: one bit per answer'], graded: [2, '2: one distance from an end of the board pins the target'] } as const;
  return (['binary', 'hotcold', 'graded'] as const).map((channel) => {
    const r = playGuessingGame({ n, channel, games, seed });
    const hits = r.records.flatMap((g) => (g.queriesToHit === null ? [] : [g.queriesToHit]));
    const est = hits.length > 1 ? meanCi(hits, { key: [seed, 'guess-table', channel], level: 0.9 }) : null;
    const [limit, limitText] = limits[channel];
    const m = r.queriesToHit.mean;
    return {
      channel,
      queriesToHit: { mean: m, ci: est ? est.ci : null, unresolved: r.queriesToHit.unresolved },
      limit,
      limitText,
      ratio: m / limit,
      bitsPerQuery: r.bitsPerQuery,
      measuredBitsPerFeedback: r.measured.bitsPerFeedback,
    };
  });
}

const finite = (x: number | null | undefined): number | null => (x !== null && x !== undefined && Number.isFinite(x) ? x : null);

/**
 * The feedback study (registry id `feedback`). Events: `started`; per seed a `progress`; per
 * channel, seed and curve point a `point` on `groundTruth` (series = channel, `seed` set: the
 * chart draws mean ± sd); per channel and bin count a `point` on `bitsByBins` with its 90%
 * interval; `finished` with FeedbackResults.
 */
export const feedbackExperiment = defineExperiment<FeedbackStudyConfig, FeedbackResults>({
  id: 'feedback',
  title: 'Feedback: how much each channel tells the learner',
  description:
    'The same learner on the same tasks through binary, hot/cold, graded and scheduled feedback: learning curves with intervals, episodes to a GT threshold, bits per feedback about the GT margin (given the previous attempt) with the estimator’s binning sensitivity, and the guessing game’s queries beside their limits.',
  // Learners may be tfjs ones (gaussian-policy): the host initialises tfjs and records its backend.
  needsTf: true,
  configSchema: feedbackStudySchema,
  quick: { seeds: [1, 2], episodes: 800, evalPoints: 8, evalTasks: 48, guessGames: 32 },
  charts: [
    { id: 'groundTruth', title: 'Greedy GT pass rate by channel (mean ± sd over seeds)', x: 'episodes', y: 'GT pass rate' },
    { id: 'bitsByBins', title: 'Bits per feedback about the GT margin, given the previous attempt (90% interval over seeds)', x: 'margin bins', y: 'bits' },
  ],
  keyResult: (r) => {
    const row = (c: string) => r.channels.find((x) => x.channel === c);
    const ett = (c: string) => {
      const x = row(c);
      return x ? `${x.channel} ${x.episodesToThresholdMean.mean === null ? 'never' : Math.round(x.episodesToThresholdMean.mean)} (${x.reached}/${r.seeds.length})` : '';
    };
    return `episodes to GT ${r.threshold}: ${['graded', 'binary', 'hotcold', 'scheduled'].map(ett).filter(Boolean).join(', ')}`;
  },
  async *run(config, ctx) {
    const world = getWorld(config.world);
    resolveParams(world, {});
    const base = (channel: string, seed: number): Record<string, unknown> => ({
      world: config.world,
      learner: config.learner,
      learnerConfig: config.learnerConfig,
      feedback: channel,
      ...(channel === 'scheduled' ? { schedule: config.schedule } : {}),
      episodes: config.episodes,
      evalPoints: config.evalPoints,
      evalTasks: config.evalTasks,
      seed,
    });
    // Every run's config is checked before anything trains (bad input: exit 2).
    for (const ch of config.channels) validateTrainConfig(base(ch, config.seeds[0] as number));
    yield { type: 'started', unit: 'runs', total: config.seeds.length * config.channels.length };

    const perChannel = new Map<string, { raw: { gt: number; episodes: number }[][]; ett: (number | null)[]; bits: Map<string, { c: number[]; u: number[]; mm: number[]; ctx: number[] }>; log: ContextEvent[] }>();
    for (const ch of config.channels) perChannel.set(ch, { raw: [], ett: [], bits: new Map(MARGIN_BINNINGS.flatMap((m) => BIT_BINS.map((b) => [`${m}:${b}`, { c: [] as number[], u: [] as number[], mm: [] as number[], ctx: [] as number[] }] as const))), log: [] });
    const events: ExperimentEvent[] = [];
    for (const [si, seed] of config.seeds.entries()) {
      const logs = config.channels.map(() => [] as LoggedFeedback[]);
      const results = await trainAll(
        config.channels.map((ch, i) => ({ config: base(ch, seed), hooks: { onFeedback: (e: LoggedFeedback) => void logs[i]?.push(e) } })),
        ctx.batch,
      );
      config.channels.forEach((ch, i) => {
        const acc = perChannel.get(ch)!;
        const r = results[i]!;
        const log = logs[i]!;
        acc.raw.push(r.curve.map((p) => ({ gt: p.gtPassRate, episodes: p.episodes })));
        acc.ett.push(episodesToThreshold(r.curve, config.threshold));
        for (const m of MARGIN_BINNINGS) for (const b of BIT_BINS) {
          const bits = bitsAt(log, b, m);
          const row = acc.bits.get(`${m}:${b}`)!;
          row.c.push(bits.conditional);
          row.u.push(bits.unconditional);
          row.mm.push(bits.millerMadow);
          row.ctx.push(bits.contexts);
        }
        acc.log.push(...contextEvents(log, seed, config.contextLog));
        for (const p of r.curve) events.push({ type: 'point', chart: 'groundTruth', series: ch, x: p.episodes, y: p.gtPassRate, seed });
      });
      yield { type: 'progress', stage: `seed ${seed}`, done: (si + 1) * config.channels.length, total: config.seeds.length * config.channels.length, unit: 'runs' };
      if (ctx.signal.aborted) return;
    }
    for (const e of events) yield e;

    const channels: ChannelResult[] = config.channels.map((ch) => {
      const acc = perChannel.get(ch)!;
      const curves = acc.raw.map((c) => c.map((p) => ({ episodes: p.episodes, gtPassRate: p.gt, metric: 0, bitsPerFeedback: 0 })));
      const reachedValues = acc.ett.flatMap((e) => (e === null ? [] : [e]));
      return {
        channel: ch,
        curve: curveOverSeeds(curves, [config.seed, 'feedback-curve', ch]),
        finalGt: overSeeds(acc.raw.map((c) => c.at(-1)?.gt ?? NaN), [config.seed, 'feedback-final', ch]),
        episodesToThreshold: acc.ett,
        episodesToThresholdMean: overSeeds(reachedValues, [config.seed, 'feedback-ett', ch]),
        reached: reachedValues.length,
        bits: MARGIN_BINNINGS.flatMap((m) => BIT_BINS.map((b) => {
          const row = acc.bits.get(`${m}:${b}`)!;
          return {
            binning: m,
            bins: b,
            conditional: overSeeds(row.c, [config.seed, 'feedback-bits', ch, m, b]),
            unconditional: overSeeds(row.u, [config.seed, 'feedback-bits-u', ch, m, b]),
            conditionalMillerMadow: overSeeds(row.mm, [config.seed, 'feedback-bits-mm', ch, m, b]),
            contexts: row.ctx.reduce((a, x) => a + x, 0) / row.ctx.length,
          };
        })),
        contextLog: acc.log,
      };
    });
    for (const c of channels) {
      for (const b of c.bits) {
        const ci = b.conditional.ci;
        yield { type: 'point', chart: 'bitsByBins', series: b.binning === 'quantile' ? c.channel : `${c.channel} · equal-width`, x: b.bins, y: finite(b.conditional.mean), ...(ci ? { lo: ci[0], hi: ci[1] } : {}) };
      }
    }
    const g = perChannel.get('graded');
    const bin = perChannel.get('binary');
    const censored = (xs: (number | null)[]) => xs.map((x) => x ?? config.episodes);
    const diff = g && bin && config.seeds.length > 1 ? pairedDiffCi(censored(bin.ett), censored(g.ett), { key: [config.seed, 'feedback-diff'], level: 0.9 }) : null;
    const results: FeedbackResults = {
      world: config.world,
      headlineBinning: 'quantile',
      learner: config.learner,
      threshold: config.threshold,
      seeds: config.seeds,
      episodes: config.episodes,
      headlineBins: HEADLINE_BINS,
      channels,
      binaryMinusGraded: diff ? { estimate: diff.estimate, ci: diff.ci } : null,
      guessing: { n: config.guessN, games: config.guessGames, rows: guessingTable(config.guessN, config.guessGames, config.seed) },
    };
    yield { type: 'finished', results: JSON.parse(JSON.stringify(results)) as FeedbackResults };
  },
});
