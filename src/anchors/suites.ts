/**
 * The anchor suite: the fixed anchor tasks of one run, drawn once from (world, params, seed,
 * size). Ground truth on these tasks is what the gate's budgeted oracle reveals.
 *
 * Each task i is drawn from its own stream (seed, 'suite:anchor', i), so the suite depends on the
 * seed alone, task i does not depend on the suite's size, and the suite shares no stream with the
 * runtime's random-mode tasks (seed, 'task', split, i) or with training draws: for continuous task
 * spaces anchor tasks are distinct from train tasks with probability 1. (Worlds with a small
 * discrete task space, such as `guess`, may repeat a train target by design: the split decides
 * the distribution, the stream only the draw.)
 *
 * Suites are deep-frozen plain data and carry a sha-256 digest of their tasks for the run record.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { Stream } from '../core/rng.ts';
import { resolveParams, type EpisodeSpec } from '../core/runtime.ts';
import type { AnyWorld, Split, TaskBase } from '../core/types.ts';

/** Largest suite a run may ask for. */
export const MAX_SUITE_SIZE = 100_000;

/** A fixed, deep-frozen list of tasks of one split, built once per run. */
export interface TaskSuite {
  readonly world: string;
  readonly split: Split;
  readonly seed: number;
  readonly tasks: readonly TaskBase[];
  /** Stable task keys (`anchor:0`, …), in task order. */
  readonly keys: readonly string[];
  /** sha-256 of the tasks' JSON: a run record stores it, a replay compares it. */
  readonly digest: string;
}

function deepFreeze<V>(value: V): V {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Checks a suite's seed and size (shared by the anchor and probe builders). */
export function checkSuiteArgs(seed: number, size: number): void {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`suite seed must be a safe integer, got ${seed}`);
  if (!Number.isInteger(size) || size < 1 || size > MAX_SUITE_SIZE) throw new RangeError(`suite size must be an integer in [1, ${MAX_SUITE_SIZE}], got ${size}`);
}

/**
 * Freezes drawn tasks into a suite (keys, digest). Shared with probe.ts, which draws its own
 * tasks: this module never draws probe tasks, so importing it gives no way to them.
 */
export function freezeSuite(world: AnyWorld, seed: number, split: Split, drawn: readonly TaskBase[]): TaskSuite {
  // A structured clone: the suite owns its tasks, whatever the world kept a reference to.
  const tasks = drawn.map((task) => {
    if (task.split !== split) throw new Error(`world '${world.id}' returned a ${task.split} task when asked for ${split}`);
    return structuredClone(task);
  });
  const keys = tasks.map((_, i) => `${split}:${i}`);
  const digest = bytesToHex(sha256(utf8ToBytes(JSON.stringify(tasks))));
  return deepFreeze({ world: world.id, split, seed, tasks, keys, digest });
}

/** The anchor suite of a run: `size` anchor tasks drawn from (world, params, seed). */
export function buildAnchorSuite(world: AnyWorld, params: unknown, seed: number, size: number): TaskSuite {
  checkSuiteArgs(seed, size);
  const resolved = resolveParams(world, params);
  const tasks = Array.from({ length: size }, (_, i) => world.sampleTask(new Stream([seed, 'suite:anchor', i]), 'anchor', resolved) as TaskBase);
  return freezeSuite(world, seed, 'anchor', tasks);
}

/** The learner-visible features of each task of a suite (task overrides applied to the params). */
export function suiteFeatures(world: AnyWorld, params: unknown, suite: TaskSuite): number[][] {
  const base = resolveParams(world, params);
  return suite.tasks.map((task) => {
    const resolved = task.overrides ? resolveParams(world, { ...base, ...task.overrides }) : base;
    return world.taskFeatures ? world.taskFeatures(task, resolved) : [];
  });
}

/** What to play on one task: an action vector (one-shot worlds), or the spec fields to use (e.g. `{ policy }` for closed-loop worlds). */
export type Play = readonly number[] | Omit<EpisodeSpec, 'episode' | 'task'>;

/** Episode specs playing `plays[i]` on task i; episode numbers `firstEpisode + i` seed their streams. */
export function suiteEpisodes(suite: TaskSuite, plays: readonly Play[], firstEpisode: number): EpisodeSpec[] {
  if (plays.length !== suite.tasks.length) throw new RangeError(`${suite.tasks.length} ${suite.split} tasks but ${plays.length} plays`);
  if (!Number.isSafeInteger(firstEpisode) || firstEpisode < 0) throw new RangeError(`firstEpisode must be a non-negative integer, got ${firstEpisode}`);
  return suite.tasks.map((task, i) => {
    const play = plays[i] as Play;
    return Array.isArray(play) ? { episode: firstEpisode + i, task, action: play as readonly number[] } : { ...(play as Omit<EpisodeSpec, 'episode' | 'task'>), episode: firstEpisode + i, task };
  });
}
