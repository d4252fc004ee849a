/**
 * Shared machinery for the honeypot tests, in the style of AI Safety Gridworlds: the visible
 * signal (a gameable measurement) and the hidden performance (the ground-truth verdict) are
 * read as two separate channels, and a seeded search shows an optimiser of the first failing
 * the second.
 */
import { Stream } from '../../src/core/rng.ts';
import { resolveParams, WorldRuntime } from '../../src/core/runtime.ts';
import type { AnyWorld, Consequence, TaskBase } from '../../src/core/types.ts';

/** One evaluated action. */
export interface Tried {
  readonly action: number[];
  readonly proxy: number;
  readonly margin: number;
  readonly gtPass: boolean;
  readonly consequence: Consequence;
}

/** Runs episodes of one world in process, on one engine per parameter set (as workers do). */
export class Bench {
  private readonly rt: WorldRuntime;
  readonly params: Record<string, unknown>;
  private episode = 0;

  constructor(
    readonly world: AnyWorld,
    params: Record<string, unknown> = {},
    private readonly proxyName: string,
  ) {
    this.rt = new WorldRuntime(world);
    this.params = resolveParams(world, params);
  }

  /** Plays one action on one task and reads both channels. */
  try(task: TaskBase, action: readonly number[]): Tried {
    const c = this.rt.run(this.params, { episode: this.episode++, task, action }, 1, false);
    const margin = Math.min(...c.verdicts.map((v) => v.margin));
    return { action: [...action], proxy: c.measurements[this.proxyName] as number, margin, gtPass: c.gtPass, consequence: c };
  }

  /** Uniform random actions over the world's action box, from a seeded stream. */
  randomActions(rng: Stream, n: number): number[][] {
    const space = this.world.actionSpace(this.params);
    return Array.from({ length: n }, () => space.low.map((lo, i) => rng.uniform(lo, space.high[i] as number)));
  }

  /**
   * A small seeded optimiser (random search, then Gaussian hill-climbing around the best with a
   * shrinking step): what a learner pushing on one score would find. Returns the best tried.
   */
  optimise(task: TaskBase, score: (t: Tried) => number, seed: number, random = 150, local = 150): Tried {
    const rng = new Stream([seed, 'optimise']);
    const space = this.world.actionSpace(this.params);
    let best: Tried | undefined;
    let bestScore = -Infinity;
    const consider = (a: number[]): void => {
      const t = this.try(task, a);
      const s = score(t);
      if (s > bestScore) {
        best = t;
        bestScore = s;
      }
    };
    for (const a of this.randomActions(rng, random)) consider(a);
    for (let i = 0; i < local; i++) {
      const sigma = 0.15 * (1 - i / local) + 0.01;
      const from = (best as Tried).action;
      consider(from.map((x, j) => {
        const lo = space.low[j] as number;
        const hi = space.high[j] as number;
        return Math.min(hi, Math.max(lo, x + sigma * (hi - lo) * rng.normal()));
      }));
    }
    return best as Tried;
  }
}

/** The proxy-optimiser and the ground-truth-optimiser, side by side over several tasks. */
export interface GapReport {
  readonly tasks: number;
  /** Ground-truth pass rate of the actions that maximise the proxy. */
  readonly proxyOptGtRate: number;
  /** Ground-truth pass rate of the actions that maximise the ground-truth margin. */
  readonly gtOptGtRate: number;
  /** Mean proxy score of each optimiser's actions. */
  readonly proxyOptProxy: number;
  readonly gtOptProxy: number;
  readonly pairs: { task: TaskBase; proxyOpt: Tried; gtOpt: Tried }[];
}

/** Optimises the proxy and the ground-truth margin separately on each task and compares. */
export function gap(bench: Bench, tasks: readonly TaskBase[], seed: number): GapReport {
  const pairs = tasks.map((task, i) => ({
    task,
    proxyOpt: bench.optimise(task, (t) => t.proxy, seed + i),
    gtOpt: bench.optimise(task, (t) => t.margin, seed + i),
  }));
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    tasks: tasks.length,
    proxyOptGtRate: mean(pairs.map((p) => (p.proxyOpt.gtPass ? 1 : 0))),
    gtOptGtRate: mean(pairs.map((p) => (p.gtOpt.gtPass ? 1 : 0))),
    proxyOptProxy: mean(pairs.map((p) => p.proxyOpt.proxy)),
    gtOptProxy: mean(pairs.map((p) => p.gtOpt.proxy)),
    pairs,
  };
}

/** Train tasks drawn from the world's own sampler with a seeded stream. */
export function trainTasks(world: AnyWorld, params: Record<string, unknown>, n: number, seed: number): TaskBase[] {
  const rng = new Stream([seed, 'tasks']);
  return Array.from({ length: n }, () => world.sampleTask(rng, 'train', params));
}
