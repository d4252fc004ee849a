/**
 * Feedback channels: how a metric's value reaches a learner.
 *
 * Semantic choices (one place, kept consistent by every channel):
 * - **Every channel emits a reward: higher is always better.** Learners never read a metric's
 *   direction; `graded` sign-adjusts (a `lower` metric's value v becomes −v), so the same
 *   learner code maximises every channel.
 * - `binary` — 1 if the metric passes its threshold (`lower`: v ≤ threshold; `higher`:
 *   v ≥ threshold; the threshold itself passes, like a zero check margin), else 0.
 * - `hotcold` — +1 warmer / −1 colder / 0 same, comparing this attempt's graded reward with the
 *   previous attempt on the same `taskKey` *as seen by this channel instance* (call order).
 *   "Same" means |Δreward| ≤ `tolerance` (absolute, metric units; default 1e-9 absorbs float
 *   noise only). The first attempt on a task has nothing to compare with and gets 0 (it carries
 *   no information). The comparison always uses the clean rewards; noise acts on the label.
 * - `graded` — the sign-adjusted metric value (a soft label, in metric units).
 * - `scheduled` — anneals from graded to binary with a weight w(progress) ∈ [0, 1], like a
 *   learning-rate schedule: `linear` w = p; `cosine` w = (1 − cos πp)/2 (flat at both ends);
 *   `step` w = 0 before `stepAt`, 1 from it. Blend `mix` (default) emits
 *   (1 − w)·graded + w·binary: deterministic, exactly graded at w = 0 and exactly binary at
 *   w = 1; for w < 1 it is still strictly increasing in the reward (the pass bonus is a step of
 *   height w on a slope of 1 − w), so a rank-based learner sees the full ordering until the
 *   end, while the binary step dominates the scale as w grows. Blend `switch` emits binary with
 *   probability w and graded otherwise (one seeded draw per event).
 * - Noise, all drawn from the `Stream` passed in: `flip` flips a binary label (1 ↔ 0) or a
 *   hot/cold label (+1 ↔ −1; "same" stays 0) with probability p; `jitter` adds N(0, σ²) to
 *   graded feedback (and to the graded part of `scheduled`). Every configured noise source draws
 *   exactly one value per event, used or not (order: switch, flip, jitter), so two channels
 *   that differ only in schedule see aligned noise.
 */
import { z } from 'zod';
import { deterministicMath } from '../core/detmath.ts';
import type { Stream } from '../core/rng.ts';
import { metricPasses, type MetricDirection, type MetricSense } from '../metrics/index.ts';

/** Channel ids, in listing order. */
export const CHANNEL_KINDS = ['binary', 'hotcold', 'graded', 'scheduled'] as const;
/** One of the channel ids. */
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
/** Named annealing schedules for `scheduled`. */
export const SCHEDULES = ['linear', 'cosine', 'step'] as const;
/** One of the schedule names. */
export type ScheduleName = (typeof SCHEDULES)[number];

const flip = z.number().min(0).max(1).default(0).describe('Probability that a binary or hot/cold label is flipped (seeded).');
const jitter = z.number().min(0).default(0).describe('Standard deviation of Gaussian noise added to graded feedback, in metric units (seeded).');

const binaryConfig = z.strictObject({ kind: z.literal('binary'), flip });
const hotcoldConfig = z.strictObject({
  kind: z.literal('hotcold'),
  flip,
  tolerance: z.number().min(0).default(1e-9).describe('Rewards closer than this (absolute, metric units) count as "same".'),
});
const gradedConfig = z.strictObject({ kind: z.literal('graded'), jitter });
const scheduledConfig = z.strictObject({
  kind: z.literal('scheduled'),
  schedule: z.enum(SCHEDULES).default('linear').describe('How the weight of the binary label grows with training progress.'),
  stepAt: z.number().min(0).max(1).default(0.5).describe('Progress at which the `step` schedule switches to binary.'),
  blend: z.enum(['mix', 'switch']).default('mix').describe('mix: (1−w)·graded + w·binary; switch: binary with probability w.'),
  flip,
  jitter,
});

/**
 * Channel configuration: a zod discriminated union on `kind`; unknown keys are rejected. An
 * unknown kind fails at path `kind` with "a feedback channel id: one of …", which reads well
 * through `inputErrorFromZod` ("expected a feedback channel id: one of binary, …").
 */
export const channelConfigSchema = z.discriminatedUnion('kind', [binaryConfig, hotcoldConfig, gradedConfig, scheduledConfig], {
  error: (issue) => (issue.code === 'invalid_union' ? `a feedback channel id: one of ${CHANNEL_KINDS.join(', ')}` : undefined),
});
/** A parsed (defaulted) channel configuration. */
export type ChannelConfig = z.infer<typeof channelConfigSchema>;
/** A channel configuration as written by a user (defaults optional), or just its kind. */
export type ChannelConfigInput = z.input<typeof channelConfigSchema> | ChannelKind;

/** Parses a channel config; a bare string is shorthand for `{ kind }`. Throws a ZodError. */
export function parseChannelConfig(input: unknown): ChannelConfig {
  return channelConfigSchema.parse(typeof input === 'string' ? { kind: input } : input);
}

// ---------------------------------------------------------------- pure label functions

/** The graded reward of a metric value: the value itself if higher is better, else its negation. */
export function gradedReward(value: number, direction: MetricDirection): number {
  // `0 - v` rather than `-v`: a perfect 0 stays +0, so digests do not see a −0.
  return direction === 'higher' ? value : 0 - value;
}

/** The binary label: 1 if the value passes the threshold, else 0. */
export function binaryLabel(value: number, direction: MetricDirection, threshold: number): 0 | 1 {
  return metricPasses({ direction, threshold }, value) ? 1 : 0;
}

/** The hot/cold label of a reward against the previous one (undefined: first attempt → 0). */
export function hotcoldLabel(reward: number, previous: number | undefined, tolerance: number): -1 | 0 | 1 {
  if (previous === undefined) return 0;
  const d = reward - previous;
  if (d > tolerance) return 1;
  if (d < -tolerance) return -1;
  return 0;
}

/** The schedule's binary weight w ∈ [0, 1] at training progress p ∈ [0, 1] (exact at both ends). */
export function scheduleWeight(schedule: ScheduleName, progress: number, stepAt = 0.5): number {
  if (!(progress >= 0 && progress <= 1)) throw new RangeError(`progress must be in [0, 1], got ${progress}`);
  if (schedule === 'step') return progress < stepAt ? 0 : 1;
  if (progress === 0) return 0;
  if (progress === 1) return 1;
  // Deterministic cos: feedback steers learning, so it must replay bitwise across runtimes.
  return schedule === 'linear' ? progress : (1 - deterministicMath.cos(Math.PI * progress)) / 2;
}

// ---------------------------------------------------------------- the stateful channel

/** Per-event context a channel may need. */
export interface FeedbackContext {
  /** Stable id of the task; `hotcold` compares with the previous attempt on the same key. */
  readonly taskKey: string;
  /** Training progress in [0, 1]; required by `scheduled`. */
  readonly progress?: number;
  /** Noise source; required when the channel draws (flip, jitter or blend = switch). */
  readonly rng?: Stream;
}

/** A feedback channel instance (stateful only for `hotcold`: the previous reward per task). */
export class FeedbackChannel {
  readonly config: ChannelConfig;
  private readonly previous = new Map<string, number>();

  constructor(config: ChannelConfig) {
    this.config = config;
  }

  /** The channel id. */
  get kind(): ChannelKind {
    return this.config.kind;
  }

  /** True when the channel draws from the stream (so a `rng` must be given). */
  get drawsNoise(): boolean {
    const c = this.config;
    return ('flip' in c && c.flip > 0) || ('jitter' in c && c.jitter > 0) || (c.kind === 'scheduled' && c.blend === 'switch');
  }

  /** The feedback for one episode whose metric took `value` (a reward: higher is better). */
  feedback(value: number, sense: MetricSense, ctx: FeedbackContext): number {
    if (!Number.isFinite(value)) throw new RangeError(`feedback: metric value must be finite, got ${value}`);
    const c = this.config;
    const rng = this.drawsNoise ? ctx.rng : undefined;
    if (this.drawsNoise && !rng) throw new Error(`feedback channel '${c.kind}' has noise: pass a seeded rng in the context`);
    const draw = (): number => (rng as Stream).next();
    switch (c.kind) {
      case 'binary': {
        const label = binaryLabel(value, sense.direction, sense.threshold);
        return c.flip > 0 && draw() < c.flip ? 1 - label : label;
      }
      case 'graded': {
        const reward = gradedReward(value, sense.direction);
        return c.jitter > 0 ? reward + c.jitter * (rng as Stream).normal() : reward;
      }
      case 'hotcold': {
        const reward = gradedReward(value, sense.direction);
        const label = hotcoldLabel(reward, this.previous.get(ctx.taskKey), c.tolerance);
        this.previous.set(ctx.taskKey, reward);
        const flipped = c.flip > 0 && draw() < c.flip;
        return flipped && label !== 0 ? -label : label;
      }
      case 'scheduled': {
        if (ctx.progress === undefined) throw new Error("feedback channel 'scheduled' needs the training progress in the context");
        const w = scheduleWeight(c.schedule, ctx.progress, c.stepAt);
        const useBinary = c.blend === 'switch' ? draw() < w : undefined;
        let label: number = binaryLabel(value, sense.direction, sense.threshold);
        if (c.flip > 0 && draw() < c.flip) label = 1 - label;
        let graded = gradedReward(value, sense.direction);
        if (c.jitter > 0) graded += c.jitter * (rng as Stream).normal();
        if (useBinary !== undefined) return useBinary ? label : graded;
        if (w === 0) return graded;
        if (w === 1) return label;
        return (1 - w) * graded + w * label;
      }
    }
  }

  /** Forgets every task's previous attempt (start of a new run, or a metric change). */
  reset(): void {
    this.previous.clear();
  }

  /** The channel's state as plain data (hot/cold's previous reward per task), to resume a run. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.previous);
  }

  /** Restores a state made by `snapshot`. */
  restore(state: Readonly<Record<string, number>>): void {
    this.previous.clear();
    for (const [k, v] of Object.entries(state)) this.previous.set(k, v);
  }
}

/** Builds a channel from a config (or a bare kind); unknown kinds throw a ZodError naming the allowed ids. */
export function createChannel(config: unknown): FeedbackChannel {
  return new FeedbackChannel(parseChannelConfig(config));
}
