/**
 * `bench learn`: training throughput of the gaussian-policy learner's update step against a
 * raw tfjs loop doing the same optimiser steps (REINFORCE loss, Adam) on the same MLP and the
 * same backend, in one process run, so the ratio is measured under the same conditions.
 *
 * The learner's side starts from plain `Experience` objects (what a runner hands it) and pays
 * for everything `learn` does: feature statistics, advantages, box mapping, tensor upload, the
 * gradient and its own Adam. The raw side gets its inputs as ready Float32Arrays and only
 * uploads them; it runs twice, with `tf.train.adam` and with the learner's Adam ops, and the
 * ratio is taken against the faster of the two.
 */
import { Stream } from '../core/rng.ts';
import { GaussianPolicy, gaussianPolicyFamily, type GaussianPolicyConfig } from '../learners/gaussian-policy.ts';
import { initTf, seededVariable, tf, type TfBackendName } from '../learners/tf.ts';
import type { Experience, LearnerEnv } from '../learners/types.ts';

/** Benchmark result: samples (experiences) per second through one optimiser step each. */
export interface LearnBench {
  backend: string;
  fallbackReason?: string;
  batch: number;
  steps: number;
  parameters: number;
  rawSamplesPerSecond: number;
  learnerSamplesPerSecond: number;
  /** learner ÷ the faster raw loop. */
  ratioToRaw: number;
  /** The raw loop with `tf.train.adam().minimize`. */
  rawTfAdamSamplesPerSecond: number;
  /** The raw loop with the learner's own Adam ops, minus its bookkeeping. */
  rawSameOpsSamplesPerSecond: number;
}

/** Options: batch size, timed steps per repetition, repetitions (best of), backend, learner config overrides. */
export interface LearnBenchOptions {
  batch?: number;
  steps?: number;
  warmup?: number;
  repeats?: number;
  seed?: number;
  /** Node callers run `initTfNode` first so the WASM files are found; this then reuses it. */
  backend?: TfBackendName;
  config?: Partial<GaussianPolicyConfig>;
}

/** A 2-feature, 2-action environment shaped like projectile's (the bench needs no physics). */
const ENV: LearnerEnv = {
  world: 'bench',
  actionSpace: { names: ['angle', 'speed'], low: [5, 1], high: [85, 15], units: ['deg', 'm/s'] },
  featureNames: ['targetX', 'gravity'],
};

/** Synthetic rounds of experience (distinct, so nothing is reused across steps). */
function makeRounds(count: number, batch: number, seed: number): Experience[][] {
  const rng = new Stream([seed, 'bench-learn', 'data']);
  return Array.from({ length: count }, (_, r) =>
    Array.from({ length: batch }, (_, i) => ({
      features: [rng.uniform(3, 10), 9.81 * (1 + 0.2 * rng.normal())],
      action: [rng.uniform(5, 85), rng.uniform(1, 15)],
      feedback: -Math.abs(rng.normal()),
      taskKey: `${r}:${i}`,
    })),
  );
}

/**
 * The raw loop: the same MLP and loss with inputs pre-normalised. `tfAdam` steps with
 * `tf.train.adam().minimize` (idiomatic tfjs); `sameOps` writes the Adam update with the very
 * ops the learner uses, so the only difference left is the learner's own bookkeeping.
 */
function rawTrainer(config: GaussianPolicyConfig, seed: number, rounds: Experience[][], optimiser: 'tfAdam' | 'sameOps'): { run: (steps: number) => number; dispose: () => void } {
  const rng = new Stream([seed, 'bench-learn', 'raw-init']);
  const nIn = 2;
  const nOut = 2;
  const vars: tf.Variable[] = [];
  let fanIn = nIn;
  for (let l = 0; l < config.depth; l++) {
    vars.push(seededVariable('glorotUniform', [fanIn, config.width], rng), seededVariable('zeros', [config.width], rng));
    fanIn = config.width;
  }
  vars.push(seededVariable('glorotUniform', [fanIn, nOut], rng, 1e-4), seededVariable('zeros', [nOut], rng));
  const logStd = tf.tidy(() => tf.variable(tf.fill([nOut], Math.log(config.initialStd)), true));
  vars.push(logStd);
  const { learningRate: lr, beta1, beta2, adamEpsilon } = config;
  const optimizer = optimiser === 'tfAdam' ? tf.train.adam(lr, beta1, beta2, adamEpsilon) : undefined;
  const moments = optimiser === 'sameOps' ? vars.map((v) => tf.tidy(() => [tf.variable(tf.zerosLike(v), false), tf.variable(tf.zerosLike(v), false)] as const)) : [];
  let t = 0;
  // Inputs prepared outside the timed loop: the raw side only uploads them.
  const data = rounds.map((round) => {
    const b = round.length;
    const x = new Float32Array(b * nIn);
    const a = new Float32Array(b * nOut);
    const adv = new Float32Array(b);
    round.forEach((e, i) => {
      x[i * 2] = ((e.features[0] as number) - 6.5) / 2;
      x[i * 2 + 1] = ((e.features[1] as number) - 9.81) / 2;
      a[i * 2] = ((e.action[0] as number) - 45) / 40;
      a[i * 2 + 1] = ((e.action[1] as number) - 8) / 7;
      adv[i] = e.feedback + 0.8;
    });
    return { x, a, adv, b };
  });
  const act = config.activation === 'relu' ? tf.relu : tf.tanh;
  const run = (steps: number): number => {
    for (let s = 0; s < steps; s++) {
      const d = data[s % data.length] as (typeof data)[number];
      tf.tidy(() => {
        const xt = tf.tensor2d(d.x, [d.b, nIn]);
        const at = tf.tensor2d(d.a, [d.b, nOut]);
        const dt = tf.tensor1d(d.adv);
        const loss = (): tf.Scalar => {
          let h: tf.Tensor2D = xt;
          for (let l = 0; l <= config.depth; l++) {
            h = tf.add(tf.matMul(h, vars[2 * l] as tf.Variable), vars[2 * l + 1] as tf.Variable);
            if (l < config.depth) h = act(h);
          }
          const ls = tf.maximum(logStd, Math.log(config.minStd));
          const z = tf.div(tf.sub(at, tf.tanh(h)), tf.exp(ls));
          const logp = tf.sub(tf.mul(tf.sum(tf.square(z), 1), -0.5), tf.sum(ls));
          return tf.neg(tf.mean(tf.mul(dt, logp))) as tf.Scalar;
        };
        if (optimizer) {
          optimizer.minimize(loss, false, vars);
          return;
        }
        t++;
        const lrT = (lr * Math.sqrt(1 - Math.pow(beta2, t))) / (1 - Math.pow(beta1, t));
        const { grads } = tf.variableGrads(loss, vars);
        vars.forEach((v, i) => {
          const g = grads[v.name] as tf.Tensor;
          const [m, sq] = moments[i] as readonly [tf.Variable, tf.Variable];
          m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
          sq.assign(tf.add(tf.mul(sq, beta2), tf.mul(tf.square(g), 1 - beta2)));
          const rate = v === logStd ? lrT * config.stdLearningRateScale : lrT;
          v.assign(tf.sub(v, tf.div(tf.mul(m, rate), tf.add(tf.sqrt(sq), adamEpsilon))));
        });
      });
    }
    return (logStd.dataSync()[0] as number) + steps; // Forces completion; keeps the read live.
  };
  return {
    run,
    dispose: () => {
      optimizer?.dispose();
      for (const v of vars) v.dispose();
      for (const [m, sq] of moments) {
        m.dispose();
        sq.dispose();
      }
    },
  };
}

/** Times the learner's `learn` against the raw loop (best of `repeats`, warm-up excluded). */
export async function benchLearn(opts: LearnBenchOptions = {}): Promise<LearnBench> {
  const init = await initTf(opts.backend);
  const seed = opts.seed ?? 1;
  const config = gaussianPolicyFamily.parseConfig({ ...opts.config });
  const batch = opts.batch ?? config.roundSize;
  const steps = opts.steps ?? 200;
  const warmup = opts.warmup ?? 20;
  const repeats = opts.repeats ?? 3;
  const rounds = makeRounds(16, batch, seed);

  const learner = new GaussianPolicy(ENV, config, seed);
  const learnRng = new Stream([seed, 'bench-learn', 'learn']);
  const runLearner = (n: number): number => {
    for (let s = 0; s < n; s++) learner.learn(rounds[s % rounds.length] as Experience[], learnRng);
    return learner.currentStd()[0] as number;
  };
  const raws = { tfAdam: rawTrainer(config, seed, rounds, 'tfAdam'), sameOps: rawTrainer(config, seed, rounds, 'sameOps') };

  const time = (fn: (n: number) => number): number => {
    const t0 = performance.now();
    fn(steps);
    return (performance.now() - t0) / 1000;
  };
  try {
    raws.tfAdam.run(warmup);
    raws.sameOps.run(warmup);
    runLearner(warmup);
    const best = { tfAdam: Infinity, sameOps: Infinity, learner: Infinity };
    // Interleaved, so drift in machine load hits every side alike.
    for (let r = 0; r < repeats; r++) {
      best.tfAdam = Math.min(best.tfAdam, time(raws.tfAdam.run));
      best.sameOps = Math.min(best.sameOps, time(raws.sameOps.run));
      best.learner = Math.min(best.learner, time(runLearner));
    }
    const sps = (seconds: number): number => (steps * batch) / seconds;
    // The strict baseline: the faster of the two raw loops.
    const rawSamplesPerSecond = Math.max(sps(best.tfAdam), sps(best.sameOps));
    const learnerSamplesPerSecond = sps(best.learner);
    return {
      backend: init.backend,
      ...(init.fallbackReason ? { fallbackReason: init.fallbackReason } : {}),
      batch,
      steps,
      parameters: learner.capacity,
      rawSamplesPerSecond,
      learnerSamplesPerSecond,
      ratioToRaw: learnerSamplesPerSecond / rawSamplesPerSecond,
      rawTfAdamSamplesPerSecond: sps(best.tfAdam),
      rawSameOpsSamplesPerSecond: sps(best.sameOps),
    };
  } finally {
    learner.dispose();
    raws.tfAdam.dispose();
    raws.sameOps.dispose();
  }
}
