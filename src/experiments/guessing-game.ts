/**
 * The guessing game: a hidden target among n cells, the bayes-guesser queries, the oracle answers
 * through one feedback channel. It reports what the issue asks to see: bits gained per query
 * (drop of the learner's exact posterior entropy), the bits per feedback event measured from the
 * log alone (information.ts, I(F; target | query context)), and queries until the target is pinned
 * (posterior entropy 0) and found (the guess hits).
 *
 * Every answer takes the real path: the guess world (worlds/guess.ts) is run in process through
 * `WorldRuntime`, its `distance` measurement goes through the metric seam and the channel code,
 * and the learner learns from the channel's output only. Targets are uniform over all n cells
 * (the canonical game, log2 n bits to find), one seeded stream per game.
 */
import { z } from 'zod';
import { Stream } from '../core/rng.ts';
import { resolveParams, WorldRuntime } from '../core/runtime.ts';
import { BayesGuesser, bayesGuesserConfigSchema } from '../learners/bayes-guesser.ts';
import { GUESS_MAX_N, guess, guessDefaultMetric, type GuessTask } from '../../worlds/guess.ts';
import { parseChannelConfig, FeedbackChannel, type ChannelConfig } from '../feedback/channels.ts';
import { FeedbackLog, type InformationReport } from '../feedback/information.ts';
import { compileMetric, parseMetric } from '../metrics/index.ts';
import type { LearnerEnv } from '../learners/types.ts';
import { checkpointInterval, progressCheckpointSchema, type ProgressCheckpoint } from './progress-checkpoint.ts';
import { defineExperiment } from './types.ts';

/** Options of a guessing game (zod-validated; unknown keys rejected). */
export const guessingGameSchema = z.strictObject({
  /** Number of cells. */
  n: z.number().int().min(2).max(GUESS_MAX_N).default(1024),
  /** The channel answering (binary, hotcold or graded; config or bare kind). */
  channel: z.unknown().transform((c, ctx) => {
    const parsed = (() => {
      try {
        return parseChannelConfig(c);
      } catch (err) {
        // Re-raise the channel schema's own issues (they name the allowed ids) under `channel`.
        const issues = err instanceof z.ZodError ? err.issues : [{ path: [], message: String(err) }];
        for (const issue of issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
        return z.NEVER;
      }
    })();
    if (parsed.kind === 'scheduled') {
      ctx.addIssue({ code: 'custom', message: 'the guessing game takes binary, hotcold or graded: the guesser is not told the schedule’s progress' });
      return z.NEVER;
    }
    return parsed;
  }),
  /** Run seed: targets and noise derive from it. */
  seed: z.number().int().default(0),
  /** Query budget per game (default 4n: binary scanning needs up to n). */
  maxQueries: z.number().int().min(1).optional(),
  /** Independent games (targets) played; the measured information needs several. */
  games: z.number().int().min(1).max(100_000).default(32),
});
/** Guessing-game options as written by a caller. */
export type GuessingGameOptions = z.input<typeof guessingGameSchema>;

/** One game. */
export interface GuessingGameRecord {
  readonly target: number;
  readonly guesses: number[];
  readonly feedback: number[];
  /** Posterior entropy drop of each query, in bits. */
  readonly bitsGained: number[];
  /** Queries until the posterior entropy was 0 (null: never within the budget). */
  readonly queriesToPin: number | null;
  /** Queries until a guess hit the target (null: never within the budget). */
  readonly queriesToHit: number | null;
}

/** Summary of a set of games with one channel. */
export interface GuessingGameReport {
  readonly n: number;
  readonly channel: ChannelConfig;
  readonly seed: number;
  readonly games: number;
  /** log2 n: what finding the target takes. */
  readonly priorBits: number;
  /** Mean, min and max queries until the guess hit, over games that hit; `unresolved` did not. */
  readonly queriesToHit: { readonly mean: number; readonly min: number; readonly max: number; readonly unresolved: number };
  readonly queriesToPin: { readonly mean: number; readonly max: number; readonly unresolved: number };
  /** Bits gained per query: total posterior entropy drop / total queries. */
  readonly bitsPerQuery: number;
  /** Mean bits gained by the k-th query, over the games that made it. */
  readonly bitsByQuery: number[];
  /** Measured from the (feedback, target, query context) log alone. */
  readonly measured: InformationReport;
  readonly records: GuessingGameRecord[];
}

const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

/** What every game of a run shares: the parsed options, the world, the metric, the learner's config. */
interface GameSetup {
  readonly o: z.infer<typeof guessingGameSchema>;
  readonly channelConfig: Exclude<ChannelConfig, { kind: 'scheduled' }>;
  readonly maxQueries: number;
  readonly params: ReturnType<typeof guess.params.parse>;
  readonly runtime: WorldRuntime;
  readonly metric: ReturnType<typeof compileMetric>;
  readonly env: LearnerEnv;
  readonly learnerConfig: ReturnType<typeof bayesGuesserConfigSchema.parse>;
}

function gameSetup(options: GuessingGameOptions): GameSetup {
  const o = guessingGameSchema.parse(options);
  const channelConfig = o.channel as Exclude<ChannelConfig, { kind: 'scheduled' }>;
  const params = guess.params.parse(resolveParams(guess, { n: o.n }));
  return {
    o,
    channelConfig,
    maxQueries: o.maxQueries ?? 4 * o.n,
    params,
    runtime: new WorldRuntime(guess),
    metric: compileMetric(parseMetric(guessDefaultMetric, guess.measurements.map((m) => m.name))),
    env: { world: guess.id, actionSpace: guess.actionSpace(params), featureNames: guess.featureNames!(params) },
    learnerConfig: bayesGuesserConfigSchema.parse({
      semantics: channelConfig.kind,
      ...('flip' in channelConfig ? { flip: channelConfig.flip } : {}),
      ...('jitter' in channelConfig ? { jitter: channelConfig.jitter } : {}),
      passWithin: guessDefaultMetric.threshold,
    }),
  };
}

/**
 * Plays game `gameIndex`: a fresh guesser and channel, its own seeded streams, so a game depends
 * on (options, seed, index) alone (what lets a run checkpoint between games).
 */
function playGame(s: GameSetup, gameIndex: number): GuessingGameRecord {
  const { o, params, runtime, metric } = s;
  const draw = new Stream([o.seed, 'guess-game', gameIndex]);
  const task: GuessTask = { split: 'train', target: draw.int(0, o.n - 1), id: draw.int(0, 2 ** 31 - 1) };
  const noise = new Stream([o.seed, 'guess-noise', gameIndex]);
  const learnerRng = new Stream([o.seed, 'guess-learner', gameIndex]);
  const taskKey = `game-${gameIndex}`;
  const features = guess.taskFeatures!(task, params);
  const learner = new BayesGuesser(s.env, s.learnerConfig);
  const channel = new FeedbackChannel(s.channelConfig);
  const rec: GuessingGameRecord = { target: task.target, guesses: [], feedback: [], bitsGained: [], queriesToPin: null, queriesToHit: null };
  let pinned: number | null = null;
  let hit: number | null = null;
  let before = learner.posteriorEntropyBits(taskKey);
  for (let q = 0; q < s.maxQueries; q++) {
    const action = learner.act([features], learnerRng, 'explore')[0] as number[];
    const consequence = runtime.run(params, { episode: q, task, action }, o.seed, false);
    const g = consequence.measurements.guess as number;
    const fb = channel.feedback(metric.value(consequence.measurements), metric, { taskKey, rng: noise });
    learner.learn([{ features, action, feedback: fb, taskKey }], learnerRng);
    const after = learner.posteriorEntropyBits(taskKey);
    rec.guesses.push(g);
    rec.feedback.push(fb);
    rec.bitsGained.push(before - after);
    before = after;
    if (pinned === null && after === 0) pinned = q + 1;
    if (consequence.gtPass) {
      hit = q + 1;
      break;
    }
  }
  return { ...rec, queriesToPin: pinned, queriesToHit: hit };
}

/** The report of the games played (in game order). */
function reportOf(s: GameSetup, records: readonly GuessingGameRecord[]): GuessingGameReport {
  const { o } = s;
  // The feedback log, rebuilt from the records: each event's context is (previous guess, guess).
  const log = new FeedbackLog();
  for (const r of records) {
    let previous = 'none';
    r.guesses.forEach((g, q) => {
      log.add({ feedback: r.feedback[q] as number, target: r.target, context: `${previous}|${g}` });
      previous = String(g);
    });
  }
  const hits = records.flatMap((r) => (r.queriesToHit === null ? [] : [r.queriesToHit]));
  const pins = records.flatMap((r) => (r.queriesToPin === null ? [] : [r.queriesToPin]));
  const allBits = records.flatMap((r) => r.bitsGained);
  const longest = Math.max(...records.map((r) => r.bitsGained.length));
  const bitsByQuery = Array.from({ length: longest }, (_, k) => mean(records.flatMap((r) => (k < r.bitsGained.length ? [r.bitsGained[k] as number] : []))));
  return {
    n: o.n,
    channel: s.channelConfig,
    seed: o.seed,
    games: o.games,
    priorBits: Math.log2(o.n),
    queriesToHit: { mean: mean(hits), min: hits.length ? Math.min(...hits) : NaN, max: hits.length ? Math.max(...hits) : NaN, unresolved: records.length - hits.length },
    queriesToPin: { mean: mean(pins), max: pins.length ? Math.max(...pins) : NaN, unresolved: records.length - pins.length },
    bitsPerQuery: allBits.reduce((a, b) => a + b, 0) / allBits.length,
    bitsByQuery,
    measured: log.report(),
    records: [...records],
  };
}

/** Plays seeded guessing games with the bayes-guesser through one channel and reports the bits. */
export function playGuessingGame(options: GuessingGameOptions): GuessingGameReport {
  const s = gameSetup(options);
  return reportOf(s, Array.from({ length: s.o.games }, (_, g) => playGame(s, g)));
}

/** One game's record as a checkpoint holds it. */
const gameRecordSchema = z.strictObject({
  target: z.number().int(),
  guesses: z.array(z.number()),
  feedback: z.array(z.number()),
  bitsGained: z.array(z.number()),
  queriesToPin: z.number().int().nullable(),
  queriesToHit: z.number().int().nullable(),
});
/** The guessing game's checkpoint: the next game and the records of the games played. */
export const guessingGameCheckpointSchema = progressCheckpointSchema(gameRecordSchema);

// ---------------------------------------------------------------------------------- the experiment

/** The guessing game's config for `run`: the game's options with a channel and a seed by default. */
export const guessingGameConfigSchema = z.strictObject({
  n: guessingGameSchema.shape.n,
  channel: z
    .unknown()
    .default('hotcold')
    .superRefine((c, ctx) => {
      const r = guessingGameSchema.shape.channel.safeParse(c);
      if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    })
    .describe('The channel answering: binary, hotcold or graded (a bare kind or a channel config with flip/jitter).'),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0).describe('Run seed: targets and noise derive from it.'),
  maxQueries: guessingGameSchema.shape.maxQueries,
  games: guessingGameSchema.shape.games,
});
/** A parsed guessing-game config. */
export type GuessingGameConfig = z.infer<typeof guessingGameConfigSchema>;

/**
 * The guessing game as a runnable experiment (registry id `guessing-game`). It resumes from a
 * **checkpoint**: games are independent (a fresh guesser and channel each, seeded by the game's
 * index), so the state between games is the records so far; it checkpoints every
 * `checkpointInterval(games)` games (at most 16 per run) and at the next game after a stop. Replay
 * would do for the default run (32 games of n 1024 take about a second with hot/cold), but a
 * binary game takes about n/2 queries (n 1024: ~500, 0.3 s), and large runs would replay for minutes.
 * The world is trivial and every query depends on the previous answer, so it plays in process
 * (its physics is the guess world's `WorldRuntime`, the same code a pool worker runs). Events:
 * `started`, `progress` and `checkpoint` between games, a `point` per query index on the
 * `bitsByQuery` chart (mean bits gained by the k-th query), `finished` with results = the
 * GuessingGameReport (NaN as null).
 */
export const guessingGameExperiment = defineExperiment<GuessingGameConfig, GuessingGameReport>({
  id: 'guessing-game',
  title: 'The guessing game: bits per feedback event',
  description: 'A bayes-guesser looks for a hidden cell among n; the answer comes through one feedback channel. Reports bits gained per query, the bits each feedback event carried (measured from the log) and queries to pin and to hit the target.',
  configSchema: guessingGameConfigSchema,
  quick: { n: 256, games: 16 },
  charts: [{ id: 'bitsByQuery', title: 'Mean bits gained by the k-th query', x: 'query', y: 'bits' }],
  keyResult: (r) => `n ${r.n}, ${typeof r.channel === 'object' ? r.channel.kind : String(r.channel)}: ${r.bitsPerQuery.toFixed(2)} bits/query, ${r.queriesToHit.mean.toFixed(1)} queries to hit`,
  async *run(config, ctx) {
    const s = gameSetup(config);
    const restored = ctx.restore === undefined ? null : guessingGameCheckpointSchema.parse(ctx.restore);
    if (restored && restored.next !== restored.done.length) throw new Error(`guessing-game checkpoint: next game ${restored.next} but ${restored.done.length} records`);
    const records: GuessingGameRecord[] = restored ? [...restored.done] : [];
    yield { type: 'started', unit: 'games', total: config.games };
    const every = checkpointInterval(config.games);
    for (let g = records.length; g < config.games; g++) {
      records.push(playGame(s, g));
      const played = g + 1;
      if (played < config.games && (played % every === 0 || ctx.signal.aborted)) {
        yield { type: 'progress', stage: 'games', done: played, total: config.games, unit: 'games' };
        const state: ProgressCheckpoint<GuessingGameRecord> = { next: played, done: records };
        yield { type: 'checkpoint', state: structuredClone(state) };
        if (ctx.signal.aborted) return;
      }
    }
    const report = reportOf(s, records);
    for (const [k, bits] of report.bitsByQuery.entries()) yield { type: 'point', chart: 'bitsByQuery', series: 'bits', x: k + 1, y: Number.isFinite(bits) ? bits : null };
    yield { type: 'finished', results: JSON.parse(JSON.stringify(report)) as GuessingGameReport };
  },
});
