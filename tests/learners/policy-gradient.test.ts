// policy-gradient on balance: the tfjs network and the plain-data PolicySpec agree, the greedy
// policy's survival time rises from ~1 s (numbers printed), graded beats binary at equal
// episodes, same seed → same curve (in process and in a learner worker), no tensor growth over
// 500 rounds, save/load resumes bitwise, and world/learner kinds are checked.
import { beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIO } from '../../src/cli/main.ts';
import { evaluatePolicy, policyParamCount, policySpecSchema } from '../../src/core/policy.ts';
import { Stream } from '../../src/core/rng.ts';
import { InputError, resolveParams, WorldRuntime, type EpisodeSpec } from '../../src/core/runtime.ts';
import type { Consequence, TaskBase } from '../../src/core/types.ts';
import { runTraining, validateTrainConfig, type TrainResult } from '../../src/experiments/train.ts';
import {
  PolicyGradient,
  policyGradientFamily,
  type PolicyGradientConfig,
} from '../../src/learners/policy-gradient.ts';
import { experienceFromConsequence } from '../../src/learners/closed-loop.ts';
import { isClosedLoopLearner, type ClosedLoopEnv, type EpisodeExperience } from '../../src/learners/types.ts';
import { createLearner, LEARNER_IDS } from '../../src/learners/registry.ts';
import { tf } from '../../src/learners/tf.ts';
import { initTfNode } from '../../src/learners/tf-node.ts';
import type { LearnerState } from '../../src/learners/types.ts';
import { trainInWorker } from '../../workers/learner-node.ts';
import { balance } from '../../worlds/balance.ts';

const params = resolveParams(balance, {});
const env: ClosedLoopEnv = {
  world: 'balance',
  actionSpace: balance.actionSpace(params as never),
  featureNames: balance.featureNames!(params as never),
  observationSpace: balance.observationSpace(params as never),
};
const names = { observations: env.observationSpace.names, actions: env.actionSpace.names };
const rt = new WorldRuntime(balance);

beforeAll(async () => {
  const init = await initTfNode('wasm');
  expect(init.backend).toBe('wasm');
});

async function make(seed: number, overrides: Partial<PolicyGradientConfig> = {}): Promise<PolicyGradient> {
  return (await policyGradientFamily.create(env, policyGradientFamily.parseConfig(overrides), seed)) as PolicyGradient;
}

function arraysOf(state: LearnerState): Record<string, number[]> {
  return Object.fromEntries(Object.entries(state.arrays).map(([k, a]) => [k, Array.from(a)]));
}

function trainTasks(seed: number, n: number): TaskBase[] {
  return Array.from({ length: n }, (_, i) => balance.sampleTask(new Stream([seed, 'pg-test', i]), 'train', params as never) as TaskBase);
}

/** Plays a policy on tasks (episodes numbered from `first`), recording trajectories if asked. */
function play(tasks: readonly TaskBase[], policy: ReturnType<PolicyGradient['policy']>, first: number, trajectory: boolean, seed = 1): Consequence[] {
  const items: EpisodeSpec[] = tasks.map((task, i) => ({ episode: first + i, task }));
  return rt.runBatch({ world: 'balance', params, seed, episodes: { kind: 'explicit', items }, policy, trajectory }).consequences;
}

/** A few rounds of the closed-loop loop by hand (the runner's steps, through the public API). */
function trainRounds(l: PolicyGradient, rounds: number, seed: number): void {
  const tasks = trainTasks(seed, l.roundSize);
  for (let r = 0; r < rounds; r++) {
    const policy = l.policy('explore');
    const cs = play(tasks, policy, r * tasks.length, true, seed);
    const batch = cs.map((c, i) => experienceFromConsequence(c, policy, names, { features: [], feedback: c.measurements.survivalTime as number, taskKey: String(i) }));
    l.learn(batch, new Stream([seed, 'learn', r]));
  }
}

const meanSurvival = (cs: readonly Consequence[]): number => cs.reduce((s, c) => s + (c.measurements.survivalTime as number), 0) / cs.length;

describe('config, registry and the plain-data policy', () => {
  it('parses defaults, rejects unknown keys and bad values naming the field; is registered', async () => {
    const c = policyGradientFamily.parseConfig({});
    expect(c).toMatchObject({ width: 32, depth: 1, roundSize: 32, epochs: 1 });
    expect(() => policyGradientFamily.parseConfig({ widht: 3 })).toThrow(/learner\.policy-gradient\.widht/);
    expect(() => policyGradientFamily.parseConfig({ noiseStd: -1 })).toThrow(/noiseStd: -1 is not allowed; expected a value ≥ 0/);
    expect(LEARNER_IDS).toContain('policy-gradient');
    const l = await createLearner('policy-gradient', env, { width: 8, depth: 2 }, 3);
    expect(isClosedLoopLearner(l)).toBe(true);
    expect(l.capacity).toBe(policyParamCount([4, 8, 8, 1]));
    expect(l.priors.length).toBeGreaterThan(0);
    l.dispose();
    l.dispose(); // idempotent
    expect(() => (l as PolicyGradient).policy('greedy')).toThrow(/after dispose/);
    // A one-shot world's env has no observation space.
    const { observationSpace: _, ...oneShot } = env;
    await expect(policyGradientFamily.create(oneShot, c, 1)).rejects.toThrow(InputError);
  });

  it('decays the exploration noise per round down to its floor', async () => {
    const l = await make(2, { noiseDecay: 0.5, minNoiseStd: 0.1, roundSize: 2 });
    const seen: number[] = [];
    for (let r = 0; r < 3; r++) {
      seen.push(l.currentNoise());
      trainRounds(l, 1, 2);
    }
    expect(seen).toEqual([0.3, 0.15, 0.1]);
    expect(l.policy('explore').noiseStd).toEqual([1]); // 0.1 of the ±10 N half-range
    l.dispose();
  });

  it('policy() is a valid PolicySpec whose float64 forward pass matches the tfjs network', async () => {
    for (const overrides of [{}, { depth: 0 }, { depth: 2, width: 16 }]) {
      const l = await make(4, overrides);
      trainRounds(l, 3, 4); // move the last layer off its tiny initial values
      const greedy = l.policy('greedy');
      const explore = l.policy('explore');
      expect(policySpecSchema.safeParse({ ...greedy, weights: Array.from(greedy.weights) }).success).toBe(true);
      expect(greedy.noiseStd).toBeUndefined();
      expect(explore.noiseStd).toEqual([0.3 * 10]); // 0.3 of the ±10 N half-range
      expect(explore.weights).toEqual(greedy.weights);
      const rng = new Stream([4, 'obs']);
      const n = 64;
      const obs = Float64Array.from({ length: n * 4 }, (_, i) => rng.uniform(-1, 1) * [2, 2, 0.2, 2][i % 4]!);
      const js = evaluatePolicy(greedy, obs, n);
      const tfjs = l.forward(obs, n);
      let worst = 0;
      for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs((js[i] as number) - (tfjs[i] as number)));
      expect(Math.max(...Array.from(js, Math.abs))).toBeGreaterThan(1e-3); // not trivially zero
      expect(worst).toBeLessThan(1e-4); // float32 vs float64, in newtons
      // The one-shot view: every task row gets the flat weights.
      expect(l.act([[9.81, 1, 0.1], [9.81, 1, 0.1]], new Stream([1]), 'greedy')).toEqual([Array.from(greedy.weights), Array.from(greedy.weights)]);
      l.dispose();
    }
  });

  it('rejects one-shot experiences and checks world/learner kinds in the runner config', async () => {
    const l = await make(1);
    expect(() => l.learn([{ features: [], action: [1], feedback: 1, taskKey: 'a' }, { features: [], action: [2], feedback: 0, taskKey: 'b' }] as unknown as EpisodeExperience[], new Stream([1]))).toThrow(
      /EpisodeExperiences/,
    );
    l.dispose();
    expect(() => validateTrainConfig({ world: 'balance', learner: 'gaussian-policy' })).toThrow(/learner: "gaussian-policy" .*world 'balance'.*needs a one-shot world.*Learners that fit: policy-gradient/);
    expect(() => validateTrainConfig({ world: 'projectile', learner: 'policy-gradient' })).toThrow(/world 'projectile'.*'policy-gradient' needs a closed-loop world.*Learners that fit: gaussian-policy, cem, physics-prior/);
    expect(() => validateTrainConfig({ world: 'balance', learner: 'policy-gradient', learnerConfig: { depth: 99 } })).toThrow(/depth/);
  });
});

describe('determinism, state and memory', () => {
  const small = { world: 'balance', learner: 'policy-gradient', feedback: 'graded', episodes: 256, evalTasks: 32, evalPoints: 4, seed: 3 };

  it('same config and seed give the same curve, in process and in a learner worker; another seed does not', async () => {
    const a = await runTraining(small);
    const b = await trainInWorker(small);
    const c = await runTraining({ ...small, seed: 4 });
    console.log(`curve (seed 3): ${a.curve.map((p) => `${p.episodes}: ${p.metric.toFixed(3)} s`).join(', ')}`);
    expect(b.curve).toEqual(a.curve);
    expect(a.curve).toHaveLength(4);
    expect(a.backend).toBe('wasm');
    expect(c.curve).not.toEqual(a.curve);
  });

  it('same seed gives bitwise-identical weights after training (PPO-lite and step sampling too)', async () => {
    const run = async (seed: number): Promise<LearnerState> => {
      const l = await make(seed, { epochs: 2, learningRate: 0.005, stepsPerEpisode: 40, maxGradNorm: 5, roundSize: 16 });
      trainRounds(l, 4, 11);
      const s = l.save();
      l.dispose();
      return s;
    };
    const a = await run(5);
    const b = await run(5);
    const c = await run(6);
    expect(arraysOf(a)).toEqual(arraysOf(b));
    expect(a.extra).toEqual(b.extra);
    expect(arraysOf(a)['layer0.w']).not.toEqual(arraysOf(c)['layer0.w']);
  });

  it('save/load round-trips and a loaded learner resumes bitwise like the original', async () => {
    const a = await make(7, { roundSize: 16 });
    trainRounds(a, 3, 21);
    const state = a.save();
    for (const arr of Object.values(state.arrays)) expect(arr instanceof Float32Array || arr instanceof Float64Array).toBe(true);
    const b = await make(8, { roundSize: 16 }); // different init, overwritten by load
    b.load(structuredClone(state));
    expect(arraysOf(b.save())).toEqual(arraysOf(state));
    expect(b.policy('explore')).toEqual(a.policy('explore'));
    trainRounds(a, 2, 22);
    trainRounds(b, 2, 22);
    expect(arraysOf(b.save())).toEqual(arraysOf(a.save()));
    expect(() => b.load({ ...state, family: 'cem' })).toThrow(/cannot load a "cem" state/);
    expect(() => b.load({ ...state, config: { ...state.config, width: 64 } })).toThrow(/config differs/);
    a.dispose();
    b.dispose();
  });

  it('500 rounds of policy + learn leave tf.memory().numTensors at its baseline', async () => {
    for (const overrides of [{}, { epochs: 3, stepsPerEpisode: 8, maxGradNorm: 1, depth: 2, width: 8 }]) {
      const base = tf.memory().numTensors;
      const l = await make(9, overrides);
      const owned = tf.memory().numTensors;
      const rng = new Stream([9, 'leak']);
      let maxSeen = owned;
      for (let round = 0; round < 500; round++) {
        // Synthetic episodes (no physics): 8 episodes of 5–20 steps with recorded noise draws.
        const policy = l.policy('explore');
        const batch: EpisodeExperience[] = Array.from({ length: 8 }, (_, i) => {
          const steps = rng.int(5, 20);
          return {
            features: [],
            action: [],
            feedback: rng.next(),
            taskKey: String(i),
            policy,
            steps,
            observations: Float64Array.from({ length: steps * 4 }, () => rng.uniform(-0.1, 0.1)),
            noise: Float64Array.from({ length: steps }, () => rng.normal()),
          };
        });
        l.learn(batch, rng);
        l.forward(batch[0]!.observations, batch[0]!.steps);
        maxSeen = Math.max(maxSeen, tf.memory().numTensors);
      }
      l.save();
      expect(maxSeen).toBe(owned);
      expect(tf.memory().numTensors).toBe(owned);
      l.dispose();
      expect(tf.memory().numTensors).toBe(base);
    }
  });
});

describe('learning on balance (default params)', () => {
  const seeds = [1, 2, 3];
  const episodes = 640;
  const cfg = (seed: number, feedback: 'graded' | 'binary') => ({ world: 'balance', learner: 'policy-gradient', feedback, episodes, evalTasks: 64, evalPoints: 5, seed });

  it(`greedy survivalTime rises from ~1 s to several seconds within ${episodes} episodes (graded); binary stays flat`, async () => {
    const starts: number[] = [];
    const runs: Record<'graded' | 'binary', TrainResult[]> = { graded: [], binary: [] };
    for (const seed of seeds) {
      // The untrained greedy policy on the runner's own evaluation tasks (its train suite).
      const l = await make(seed);
      const suite = Array.from({ length: 64 }, (_, i) => balance.sampleTask(new Stream([seed, 'train-suite', i]), 'train', params as never) as TaskBase);
      starts.push(meanSurvival(play(suite, l.policy('greedy'), 2 ** 40, false, seed)));
      l.dispose();
      runs.graded.push(await runTraining(cfg(seed, 'graded')));
    }
    runs.binary.push(await runTraining(cfg(1, 'binary')));
    const points = runs.graded[0]!.curve.map((p) => p.episodes);
    const lines = [
      `greedy mean survivalTime (s) / GT pass rate on 64 train tasks`,
      `episodes        0 ${points.map((p) => String(p).padStart(12)).join('')}`,
      ...runs.graded.map((r, i) => `graded s${seeds[i]}  ${starts[i]!.toFixed(2).padStart(6)} ${r.curve.map((p) => `${p.metric.toFixed(2)}/${p.gtPassRate.toFixed(2)}`.padStart(12)).join('')}`),
      ...runs.binary.map((r) => `binary s1  ${starts[0]!.toFixed(2).padStart(6)} ${r.curve.map((p) => `${p.metric.toFixed(2)}/${p.gtPassRate.toFixed(2)}`.padStart(12)).join('')}`),
    ];
    console.log(lines.join('\n'));

    for (const [i, r] of runs.graded.entries()) {
      expect(starts[i]).toBeLessThan(2);
      expect(r.final.metric).toBeGreaterThan(5);
      expect(r.final.metric).toBeGreaterThan((starts[i] as number) + 3);
    }
    // At the start every episode fails, so binary feedback is all zeros: no signal, no step.
    expect(runs.binary[0]!.final.metric).toBeLessThan(runs.graded[0]!.final.metric);
    expect(runs.binary[0]!.curve.every((p) => p.bitsPerFeedback === 0)).toBe(true);
  });

  it('the CLI trains it: train --world balance --learner policy-gradient --json', async () => {
    let out = '';
    const io: CliIO = { out: (t) => (out += `${t}\n`), err: () => undefined, progress: false };
    const code = await main(['train', '--world', 'balance', '--learner', 'policy-gradient', '--episodes', '64', '--set', 'width=8', '--set', 'roundSize=16', '--json'], io);
    expect(code).toBe(0);
    const j = JSON.parse(out);
    expect(j).toMatchObject({ world: 'balance', learner: 'policy-gradient', feedback: 'graded', capacity: policyParamCount([4, 8, 1]) });
    expect(j.curve.length).toBeGreaterThan(0);
  });
});
