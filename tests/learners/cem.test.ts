import { describe, expect, it } from 'vitest';
import { Stream } from '../../src/core/rng.ts';
import { createChannel, type FeedbackChannel } from '../../src/feedback/channels.ts';
import { basisSize, CemLearner, cemFamily, ranks, residuals, type CemConfig } from '../../src/learners/cem.ts';
import type { Experience, LearnerEnv } from '../../src/learners/types.ts';

const boxEnv: LearnerEnv = { world: 'synthetic', actionSpace: { names: ['x', 'y'], low: [-5, -5], high: [5, 5], units: ['', ''] }, featureNames: ['f'] };
const make = (config: Partial<CemConfig> = {}, env = boxEnv): CemLearner => new CemLearner(env, cemFamily.parseConfig(config));
const dist = (a: readonly number[], b: readonly number[]): number => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!);
/** The synthetic task family: the optimum moves linearly with the one feature f ∈ [0, 1]. */
const optimum = (f: number): number[] => [-3 + 4 * f, 2 - 3 * f];

/** Rounds of 32 tasks with random f; feedback through `channel` on the distance to the optimum. */
function synthetic(channel: FeedbackChannel, rounds: number, seed: number): number[] {
  // Optima lie up to 3 units from the centre of a 10-unit box: a wider start than the default.
  const learner = make({ initialStdFraction: 0.3 });
  const sense = { direction: 'lower' as const, threshold: 0.5 };
  for (let r = 0; r < rounds; r++) {
    const rng = new Stream([seed, 'round', r]);
    const feats = Array.from({ length: 32 }, () => [rng.next()]);
    const actions = learner.act(feats, rng, 'explore');
    const batch: Experience[] = actions.map((action, i) => {
      const f = feats[i]!;
      return { features: f, action, feedback: channel.feedback(dist(action, optimum(f[0]!)), sense, { taskKey: `t${r}:${i}` }), taskKey: `t${r}:${i}` };
    });
    learner.learn(batch, rng);
  }
  const probe = [0.05, 0.35, 0.65, 0.95];
  const greedy = learner.act(probe.map((f) => [f]), new Stream([seed, 'eval']), 'greedy');
  return probe.map((f, i) => dist(greedy[i]!, optimum(f)));
}

describe('cem: one search over a policy shared by all tasks (synthetic: the optimum is linear in the feature)', () => {
  it('converges with graded feedback on tasks it never saw', () => {
    // 60 generations of 32 = 1,920 episodes, every one on a new task.
    for (const seed of [1, 2, 3]) {
      const errors = synthetic(createChannel('graded'), 60, seed);
      // Margin: the pass radius is 0.5; converged CEM sits within a few hundredths.
      for (const e of errors) expect(e).toBeLessThan(0.25);
    }
  });

  it('depends on the channel: binary (hit within 0.5 of a 10 × 10 box) tells it far less than graded', () => {
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    for (const seed of [1, 2, 3]) {
      const graded = mean(synthetic(createChannel('graded'), 60, seed));
      const binary = mean(synthetic(createChannel('binary'), 60, seed));
      // Hits are rare under the initial std, so binary is mostly random search: at least 2× graded's error.
      expect(binary).toBeGreaterThan(2 * graded);
    }
  });
});

describe('cem mechanics', () => {
  it('keeps the Gaussian when a generation is all ties; breaks partial ties with the seeded stream', () => {
    const run = (learnSeed: number) => {
      const l = make({ population: 8, eliteFraction: 0.5, baseline: 'none' });
      const rows = Array.from({ length: 8 }, (_, i) => [i]);
      let acts = l.act(rows, new Stream([1, 'act']), 'explore');
      l.learn(acts.map((action, i) => ({ features: rows[i]!, action, feedback: 0, taskKey: `k${i}` })), new Stream([learnSeed, 'learn']));
      const flat = l.distribution();
      acts = l.act(rows, new Stream([2, 'act']), 'explore');
      // Two successes among eight, elite of four: two of the six tied failures join, chosen by the stream.
      l.learn(acts.map((action, i) => ({ features: rows[i]!, action, feedback: i < 2 ? 1 : 0, taskKey: `k${i}` })), new Stream([learnSeed, 'learn']));
      return { flat, after: l.distribution() };
    };
    const a = run(1);
    expect(a.flat).toEqual({ mean: [0, 0, 0, 0], std: [0.3, 0.3, 0.3, 0.3], generations: 1 });
    expect(run(1)).toEqual(a);
    expect(run(2).after.mean).not.toEqual(a.after.mean);
  });

  it('floors the std, clamps actions to the box, and ignores experience it did not explore', () => {
    const l = make({ population: 4, eliteFraction: 0.25, smoothing: 0, minStd: 0.01 });
    const rows = [[0], [1], [2], [3]];
    const acts = l.act(rows, new Stream([1]), 'explore');
    l.learn([{ features: [9], action: [0, 0], feedback: 5, taskKey: 'x' }], new Stream([1])); // not explored: skipped
    expect(l.distribution().generations).toBe(0);
    const again = l.act(rows, new Stream([1]), 'explore');
    expect(again).toEqual(acts);
    l.learn(acts.map((action, i) => ({ features: rows[i]!, action, feedback: i, taskKey: `k${i}` })), new Stream([1]));
    const d = l.distribution();
    expect(d.generations).toBe(1);
    for (const s of d.std) expect(s).toBe(0.02); // one elite: its std is 0, floored at 2 · minStd
    const wide = make({ initialStdFraction: 1 });
    for (const a of wide.act(Array.from({ length: 200 }, (_, i) => [i]), new Stream([3]), 'explore')) {
      for (const x of a) expect(Math.abs(x)).toBeLessThanOrEqual(5);
    }
  });

  it('ranks ties to their mean rank; residuals remove what the features explain', () => {
    expect(ranks([3, 1, 3, 2])).toEqual([2.5, 0, 2.5, 1]);
    // Feedback exactly linear in the basis leaves nothing; an added bump stands out.
    const phi = [0, 1, 2, 3].map((x) => Float64Array.from([1, x]));
    const r = residuals(phi, [1, 3, 5, 7]);
    for (const v of r) expect(Math.abs(v)).toBeLessThan(1e-5);
    const bump = residuals(phi, [1, 3, 9, 7]);
    expect(bump.indexOf(Math.max(...bump))).toBe(2);
  });

  it('save/load restores identical behaviour, buffered samples and frozen scaling included', () => {
    const a = make({ population: 6 });
    const rng = new Stream([4, 'sl']);
    const step = (l: CemLearner, r: Stream, n: number) => {
      const rows = Array.from({ length: n }, () => [r.next()]);
      const acts = l.act(rows, r, 'explore');
      l.learn(acts.map((action, i) => ({ features: rows[i]!, action, feedback: -dist(action, optimum(rows[i]![0]!)), taskKey: `k${i}` })), r);
      return acts;
    };
    step(a, rng, 6);
    step(a, rng, 4); // 4 buffered
    const state = structuredClone(a.save());
    const b = make({ population: 6 });
    b.load(state);
    const ra = new Stream([5, 'cont']);
    const rb = new Stream([5, 'cont']);
    for (let i = 0; i < 5; i++) expect(step(b, rb, 5)).toEqual(step(a, ra, 5));
    expect(b.distribution()).toEqual(a.distribution());
    expect(() => make({ population: 7 }).load(state)).toThrow(/config differs/);
  });

  it('validates hyperparameters and declares capacity, needs and priors', () => {
    expect(cemFamily.parseConfig({})).toEqual({ population: 32, eliteFraction: 0.25, initialStdFraction: 0.15, minStd: 0.005, smoothing: 0.2, basis: 'linear', baseline: 'features' });
    expect(() => cemFamily.parseConfig({ population: 1 })).toThrow();
    expect(() => cemFamily.parseConfig({ eliteFraction: 0 })).toThrow();
    expect(() => cemFamily.parseConfig({ smoothing: 1 })).toThrow();
    expect(() => cemFamily.parseConfig({ momentum: 0.1 })).toThrow(/Unrecognized key/);
    expect(basisSize(2, 'linear')).toBe(3);
    expect(basisSize(2, 'quadratic')).toBe(6);
    const l = make({ population: 16 });
    expect(l.capacity).toBe(16);
    expect(l.priors.length).toBeGreaterThan(0);
    expect(cemFamily.needs).toMatchObject({ loop: 'one-shot', describingFeatures: true });
  });
});
