/**
 * hill-climber — a prior-free, per-task search: the `leakage` study's learner that is told
 * nothing about what its feedback means. It only assumes the contract every channel keeps
 * (feedback is a reward, higher is better) and the world's action box; it does not know whether
 * a reward is a distance, a pass/fail label or a comparison with its previous attempt, and it
 * never reads `env.feedback`. The bayes-guesser, told the channel's meaning, is the contrast.
 *
 * Per task (keyed by the task's features: the guessing game gives each task an opaque id):
 * - It remembers its last `window` attempts and their feedback. The incumbent is the attempt
 *   with the highest feedback among them (ties: the most recent), so a relative reward (hot/cold)
 *   ages out instead of pinning an old "warmer" forever.
 * - `explore`: the first attempt is the box centre; each later one moves from the incumbent by
 *   a step of ±(0.5…1.5)·step·range per dimension (sign and size drawn from the stream).
 * - `learn`: an attempt whose feedback beats every remembered one is a success and doubles the
 *   step (up to the whole range); anything else halves it, down to `minStep`. After `patience`
 *   failures at the floor it restarts: a uniform draw in the box, the initial step.
 * - `greedy` plays the incumbent (the centre before any attempt).
 *
 * Capacity: `window` (attempts remembered per task). No tfjs; every draw from the given stream.
 */
import { z } from 'zod';
import { CHANNEL_KINDS } from '../feedback/channels.ts';
import { inputErrorFromZod } from '../core/errors.ts';
import type { Stream } from '../core/rng.ts';
import type { Experience, Learner, LearnerEnv, LearnerFamily, LearnerState } from './types.ts';

/** Hyperparameters of `hill-climber` (every field documented; unknown keys rejected). */
export const hillClimberConfigSchema = z.strictObject({
  initialStep: z.number().gt(0).max(1).default(0.25).describe('First step size, as a fraction of each action range.'),
  minStep: z.number().gt(0).max(1).default(0.0005).describe('Smallest step, as a fraction of each action range.'),
  grow: z.number().min(1).max(10).default(2).describe('Step factor after a success (feedback above every remembered attempt).'),
  shrink: z.number().gt(0).max(1).default(0.5).describe('Step factor after a failure.'),
  window: z.number().int().min(1).max(1024).default(8).describe('Attempts remembered per task; the incumbent is the best of them.'),
  patience: z.number().int().min(1).max(1000).default(4).describe('Failures at the smallest step before a restart from a uniform draw.'),
  maxTasks: z.number().int().min(1).max(1 << 20).default(65536).describe('Tasks remembered at once (the oldest is forgotten beyond this).'),
});
/** Validated `hill-climber` hyperparameters. */
export type HillClimberConfig = z.infer<typeof hillClimberConfigSchema>;

const FAMILY = 'hill-climber';

/** One remembered attempt. */
interface Attempt {
  readonly action: number[];
  readonly feedback: number;
}

/** The search state of one task (plain data: it is saved as JSON). */
interface TaskSearch {
  attempts: Attempt[];
  /** Step as a fraction of each range. */
  step: number;
  /** Failures in a row at the smallest step. */
  stuck: number;
  /** The next exploring attempt is a uniform draw (after a restart). */
  restart: boolean;
}

/** A per-task reward-following search that knows nothing of the feedback's meaning. */
export class HillClimber implements Learner {
  readonly family = FAMILY;
  readonly capacity: number;
  readonly priors: readonly string[] = [
    'feedback is a reward: higher is better (the contract of every channel, nothing about its meaning)',
    "the world's action box",
    'tasks are told apart by their features (one search per task, nothing shared)',
  ];
  private tasks = new Map<string, TaskSearch>();

  constructor(
    private readonly env: LearnerEnv,
    readonly config: HillClimberConfig,
  ) {
    this.capacity = config.window;
  }

  private state(features: readonly number[]): TaskSearch {
    const key = features.join(',');
    let s = this.tasks.get(key);
    if (!s) {
      if (this.tasks.size >= this.config.maxTasks) this.tasks.delete(this.tasks.keys().next().value as string);
      s = { attempts: [], step: this.config.initialStep, stuck: 0, restart: false };
      this.tasks.set(key, s);
    }
    return s;
  }

  /** The best remembered attempt (ties: the most recent), or null before any. */
  private static incumbent(s: TaskSearch): Attempt | null {
    let best: Attempt | null = null;
    for (const a of s.attempts) if (best === null || a.feedback >= best.feedback) best = a;
    return best;
  }

  private centre(): number[] {
    const { low, high } = this.env.actionSpace;
    return low.map((lo, k) => (lo + (high[k] as number)) / 2);
  }

  act(features: readonly (readonly number[])[], rng: Stream, mode: 'explore' | 'greedy'): number[][] {
    const { low, high } = this.env.actionSpace;
    return features.map((f) => {
      const s = this.state(f);
      const inc = HillClimber.incumbent(s);
      if (mode === 'greedy' || inc === null) return inc ? [...inc.action] : this.centre();
      if (s.restart) return low.map((lo, k) => rng.uniform(lo, high[k] as number));
      return inc.action.map((x, k) => {
        const range = (high[k] as number) - (low[k] as number);
        const sign = rng.next() < 0.5 ? -1 : 1;
        const size = s.step * range * (0.5 + rng.next());
        return Math.min(high[k] as number, Math.max(low[k] as number, x + sign * size));
      });
    });
  }

  learn(batch: readonly Experience[], _rng: Stream): void {
    const c = this.config;
    for (const e of batch) {
      const s = this.state(e.features);
      const before = s.attempts.length ? Math.max(...s.attempts.map((a) => a.feedback)) : null;
      s.attempts.push({ action: [...e.action], feedback: e.feedback });
      if (s.attempts.length > c.window) s.attempts.shift();
      s.restart = false;
      if (before === null) continue;
      if (e.feedback > before) {
        s.step = Math.min(1, s.step * c.grow);
        s.stuck = 0;
        continue;
      }
      const atFloor = s.step <= c.minStep;
      s.step = Math.max(c.minStep, s.step * c.shrink);
      if (atFloor && ++s.stuck >= c.patience) {
        // Stuck: forget this basin, jump anywhere, search wide again.
        s.stuck = 0;
        s.step = c.initialStep;
        s.restart = true;
        s.attempts = [];
      }
    }
  }

  save(): LearnerState {
    return { family: FAMILY, config: { ...this.config }, arrays: {}, extra: { tasks: [...this.tasks].map(([k, v]) => [k, structuredClone(v)]) } };
  }

  load(state: LearnerState): void {
    if (state.family !== FAMILY) throw new Error(`${FAMILY}: cannot load a "${state.family}" state`);
    if (JSON.stringify(hillClimberConfigSchema.parse(state.config)) !== JSON.stringify(this.config)) throw new Error(`${FAMILY}: the saved config differs from this learner's`);
    this.tasks = new Map((state.extra.tasks as [string, TaskSearch][]).map(([k, v]) => [k, structuredClone(v)]));
  }

  dispose(): void {
    this.tasks.clear();
  }
}

/** The `hill-climber` family: capacity = attempts remembered per task. */
export const hillClimberFamily: LearnerFamily<HillClimberConfig> = {
  id: FAMILY,
  // Per task, from any scalar feedback: opaque task ids are enough, any bounded box, any channel.
  needs: { loop: 'one-shot', describingFeatures: false, channels: CHANNEL_KINDS },
  doc: 'Prior-free per-task hill climbing on the feedback as a reward (step doubles on success, halves on failure, restarts when stuck); never told what the feedback means.',
  configSchema: hillClimberConfigSchema,
  parseConfig(input) {
    const r = hillClimberConfigSchema.safeParse(input ?? {});
    if (!r.success) throw inputErrorFromZod(`learner.${FAMILY}`, r.error, input);
    return r.data;
  },
  create: (env, config) => new HillClimber(env, config),
};
