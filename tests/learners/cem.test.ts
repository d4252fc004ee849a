import { describe, expect, it } from 'vitest';
import { Stream } from '../../src/core/rng.ts';
import { resolveParams, WorldRuntime } from '../../src/core/runtime.ts';
import { createChannel, type FeedbackChannel } from '../../src/feedback/channels.ts';
import { compileMetric, metricFromMeasurement, type MetricSense } from '../../src/metrics/index.ts';
import { CemLearner, cemFamily, type CemConfig } from '../../src/learners/cem.ts';
import type { Experience, LearnerEnv } from '../../src/learners/types.ts';
import { projectile } from '../../worlds/projectile.ts';

const boxEnv: LearnerEnv = { world: 'synthetic', actionSpace: { names: ['x', 'y'], low: [-5, -5], high: [5, 5], units: ['', ''] }, featureNames: ['task'] };
const make = (config: Partial<CemConfig> = {}, env = boxEnv): CemLearner => new CemLearner(env, cemFamily.parseConfig(config));
const dist = (a: readonly number[], b: readonly number[]): number => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!);

/** Synthetic tasks: a hidden optimum per task; the metric is the distance to it (lower is better). */
function synthetic(channel: FeedbackChannel, sense: MetricSense, generations: number, seed: number) {
  const learner = make();
  const optima = Array.from({ length: 4 }, (_, i) => {
    const r = new Stream([seed, 'optimum', i]);
    return [r.uniform(-4, 4), r.uniform(-4, 4)];
  });
  for (let g = 0; g < generations; g++) {
    const rng = new Stream([seed, 'generation', g]);
    const batch: Experience[] = [];
    optima.forEach((opt, i) => {
      for (const action of learner.act(Array.from({ length: learner.capacity }, () => [i]), rng, 'explore')) {
        batch.push({ features: [i], action, feedback: channel.feedback(dist(action, opt), sense, { taskKey: `task-${i}` }), taskKey: `task-${i}` });
      }
    });
    learner.learn(batch, rng);
  }
  const greedy = learner.act(optima.map((_, i) => [i]), new Stream([seed, 'eval']), 'greedy');
  return optima.map((opt, i) => dist(greedy[i]!, opt));
}

describe('cem on a synthetic 2-D task (feedback = −distance to a hidden optimum per task)', () => {
  it('converges with graded feedback', () => {
    const errors = synthetic(createChannel('graded'), { direction: 'lower', threshold: 0.5 }, 40, 1);
    console.log('cem synthetic graded, 40 generations: distance to optimum per task', errors.map((e) => e.toFixed(4)));
    for (const e of errors) expect(e).toBeLessThan(0.05);
  });

  it('reaches the pass radius with binary feedback (1 within 0.5 of the optimum)', () => {
    const errors = synthetic(createChannel('binary'), { direction: 'lower', threshold: 0.5 }, 60, 2);
    console.log('cem synthetic binary, 60 generations: distance to optimum per task', errors.map((e) => e.toFixed(4)));
    for (const e of errors) expect(e).toBeLessThan(0.5);
  });
});

describe('cem on the projectile world (in process, default parameters, metric restError ≤ zone half-width)', () => {
  it('passes ground truth on every task with binary feedback too, at a small budget', () => {
    const params = resolveParams(projectile, {});
    const rt = new WorldRuntime(projectile);
    const metric = compileMetric(metricFromMeasurement('restError', 'lower', params.zoneHalfWidth as number));
    const env: LearnerEnv = { world: 'projectile', actionSpace: projectile.actionSpace(params as never), featureNames: projectile.featureNames!(params as never) };
    const GENERATIONS = 40;
    const summary: Record<string, unknown>[] = [];
    for (const kind of ['binary', 'graded'] as const) {
      for (const seed of [1, 2]) {
        const learner = make({}, env);
        const channel = createChannel(kind);
        const tasks = Array.from({ length: 4 }, (_, i) => projectile.sampleTask(new Stream([seed, 'task', i]), 'train', params as never));
        const features = tasks.map((t) => projectile.taskFeatures!(t, params as never));
        let episode = 0;
        for (let g = 0; g < GENERATIONS; g++) {
          const rng = new Stream([seed, 'generation', g]);
          const batch: Experience[] = [];
          tasks.forEach((task, i) => {
            for (const action of learner.act(Array.from({ length: learner.capacity }, () => features[i]!), rng, 'explore')) {
              const c = rt.run(params, { episode: episode++, task, action }, seed, false);
              batch.push({ features: features[i]!, action, feedback: channel.feedback(metric.value(c.measurements), metric, { taskKey: `t${i}` }), taskKey: `t${i}` });
            }
          });
          learner.learn(batch, rng);
        }
        const greedy = learner.act(features, new Stream([seed, 'eval']), 'greedy');
        const results = tasks.map((task, i) => rt.run(params, { episode: 0, task, action: greedy[i]! }, seed, false));
        summary.push({ feedback: kind, seed, episodes: episode, gtPass: results.filter((c) => c.gtPass).length + '/4', restError: results.map((c) => +c.measurements.restError!.toFixed(3)).join(' ') });
        for (const c of results) expect(c.gtPass).toBe(true);
      }
    }
    console.table(summary);
  });
});

describe('cem mechanics', () => {
  it('keeps the Gaussian when a generation is all ties; breaks partial ties with the seeded stream', () => {
    const run = (learnSeed: number) => {
      const l = make({ population: 8, eliteFraction: 0.5 });
      const acts = l.act(Array.from({ length: 8 }, () => [0]), new Stream([1, 'act']), 'explore');
      l.learn(acts.map((action) => ({ features: [0], action, feedback: 0, taskKey: 'k' })), new Stream([learnSeed, 'learn']));
      const flat = l.distribution('k');
      // Two successes among eight, elite of four: two of the six tied failures join, chosen by the stream.
      l.learn(acts.map((action, i) => ({ features: [0], action, feedback: i < 2 ? 1 : 0, taskKey: 'k' })), new Stream([learnSeed, 'learn']));
      return { flat, after: l.distribution('k') };
    };
    const a = run(1);
    expect(a.flat).toEqual({ mean: [0, 0], std: [3, 3], generations: 1 });
    expect(run(1)).toEqual(a);
    expect(run(2).after.mean).not.toEqual(a.after.mean);
  });

  it('floors the std at minStd · range and clamps samples to the box', () => {
    const l = make({ population: 4, eliteFraction: 0.25, smoothing: 0, minStd: 0.01 });
    const acts = [[1, 1], [2, 2], [3, 3], [4, 4]];
    l.learn(acts.map((action, i) => ({ features: [0], action, feedback: i, taskKey: 'k' })), new Stream([1]));
    expect(l.distribution('k')).toEqual({ mean: [4, 4], std: [0.1, 0.1], generations: 1 });
    const wide = make({ initialStdFraction: 1 });
    for (const a of wide.act(Array.from({ length: 200 }, () => [9]), new Stream([3]), 'explore')) {
      for (const x of a) expect(Math.abs(x)).toBeLessThanOrEqual(5);
    }
  });

  it('save/load restores identical behaviour, pending samples included', () => {
    const a = make({ population: 6 });
    const rng = new Stream([4, 'sl']);
    const step = (l: CemLearner, r: Stream, n: number) => {
      const acts = l.act(Array.from({ length: n }, () => [0]), r, 'explore');
      l.learn(acts.map((action) => ({ features: [0], action, feedback: -dist(action, [1, -2]), taskKey: 'k' })), r);
      return acts;
    };
    step(a, rng, 6);
    step(a, rng, 4); // 4 pending in the buffer
    const state = structuredClone(a.save());
    const b = make({ population: 6 });
    b.load(state);
    const ra = new Stream([5, 'cont']);
    const rb = new Stream([5, 'cont']);
    for (let i = 0; i < 5; i++) expect(step(b, rb, 5)).toEqual(step(a, ra, 5));
    expect(b.distribution('k')).toEqual(a.distribution('k'));
    expect(() => make({ population: 7 }).load(state)).toThrow(/config differs/);
  });

  it('validates hyperparameters and declares capacity and priors', () => {
    expect(cemFamily.parseConfig({})).toEqual({ population: 16, eliteFraction: 0.25, initialStdFraction: 0.3, minStd: 0.005, smoothing: 0.2 });
    expect(() => cemFamily.parseConfig({ population: 1 })).toThrow();
    expect(() => cemFamily.parseConfig({ eliteFraction: 0 })).toThrow();
    expect(() => cemFamily.parseConfig({ smoothing: 1 })).toThrow();
    expect(() => cemFamily.parseConfig({ momentum: 0.1 })).toThrow(/Unrecognized key/);
    const l = make({ population: 32 });
    expect(l.capacity).toBe(32);
    expect(l.priors.length).toBeGreaterThan(0);
    expect(() => make({}, { ...boxEnv, actionSpace: { names: ['x'], low: [0], high: [Infinity], units: [''] } })).toThrow(/bounded/);
  });
});
