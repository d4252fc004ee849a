// PBT weight inheritance across a capacity change: widening a gaussian-policy is exact (Net2Net:
// new units start with zero outgoing weights), narrowing keeps the strongest units, and anything
// that cannot be carried over says so (null: the runner restarts the member).
import { beforeAll, describe, expect, it } from 'vitest';
import { Stream } from '../../src/core/rng.ts';
import { createLearner } from '../../src/learners/registry.ts';
import { initTfNode } from '../../src/learners/tf-node.ts';
import type { Learner, LearnerEnv } from '../../src/learners/types.ts';
import { inheritState, resizeGaussianPolicyState } from '../../src/meta/inherit.ts';

const env: LearnerEnv = { world: 'projectile', actionSpace: { names: ['angle', 'speed'], low: [5, 1], high: [85, 15], units: ['deg', 'm/s'] }, featureNames: ['targetX', 'gravity'] };
const features = Array.from({ length: 16 }, (_, i) => [3 + i * 0.4, 9.81]);

beforeAll(async () => {
  await initTfNode();
});

/** A learner that has learned something (a few REINFORCE rounds on a synthetic reward). */
async function trained(width: number, depth = 1): Promise<Learner> {
  const l = await createLearner('gaussian-policy', env, { width, depth, learningRate: 0.02 }, 3);
  for (let r = 0; r < 15; r++) {
    const acts = l.act(features, new Stream([r, 'a']), 'explore');
    l.learn(
      acts.map((a, i) => ({ features: features[i] as number[], action: a, feedback: -Math.abs((a[1] as number) - 6 - 0.3 * i), taskKey: String(i) })),
      new Stream([r, 'l']),
    );
  }
  return l;
}

describe('inheritState', () => {
  it('widening 16 → 32 hidden units computes exactly the same policy, and the new learner keeps learning', async () => {
    for (const depth of [1, 2]) {
      const donor = await trained(16, depth);
      const state = donor.save();
      const wide = await createLearner('gaussian-policy', env, { ...state.config, width: 32 }, 9);
      const inherited = inheritState(state, { ...state.config, width: 32 }, new Stream([1]));
      expect(inherited).not.toBeNull();
      wide.load(inherited!);
      expect(wide.capacity).toBeGreaterThan(donor.capacity);
      const a = donor.act(features, new Stream([0]), 'greedy');
      const b = wide.act(features, new Stream([0]), 'greedy');
      b.forEach((row, i) => row.forEach((x, k) => expect(x).toBeCloseTo((a[i] as number[])[k] as number, 5)));
      const acts = wide.act(features, new Stream([1, 'a']), 'explore');
      wide.learn(acts.map((x, i) => ({ features: features[i] as number[], action: x, feedback: -Math.abs((x[1] as number) - 6), taskKey: String(i) })), new Stream([1]));
      donor.dispose();
      wide.dispose();
    }
  });

  it('narrowing 16 → 8 keeps the strongest units and loads', async () => {
    const donor = await trained(16);
    const state = donor.save();
    const narrow = resizeGaussianPolicyState(state, 8, new Stream([2]));
    expect(narrow).not.toBeNull();
    expect(narrow!.arrays['layer0.w']?.length).toBe(2 * 8);
    expect(narrow!.arrays['adam.m.layer1.w']?.length).toBe(8 * 2);
    const small = await createLearner('gaussian-policy', env, { ...state.config, width: 8 }, 9);
    small.load(narrow!);
    const acts = small.act(features, new Stream([0]), 'greedy');
    expect(acts.every((row) => row.every(Number.isFinite))).toBe(true);
    donor.dispose();
    small.dispose();
  });

  it('same shape: the state itself under the new hyperparameters; other shape changes: null', async () => {
    const donor = await trained(16);
    const state = donor.save();
    const same = inheritState(state, { ...state.config, learningRate: 0.005 }, new Stream([3]));
    expect(same?.arrays).toBe(state.arrays);
    expect(same?.config.learningRate).toBe(0.005);
    expect(inheritState(state, { ...state.config, depth: 2 }, new Stream([3]))).toBeNull();
    expect(resizeGaussianPolicyState({ ...state, family: 'cem' }, 8, new Stream([3]))).toBeNull();
    donor.dispose();
  });
});
