import { describe, expect, it } from 'vitest';
import { Stream } from '../../src/core/rng.ts';
import { BayesGuesser, bayesGuesserFamily, posteriorEntropy, type BayesGuesserConfig } from '../../src/learners/bayes-guesser.ts';
import type { LearnerEnv } from '../../src/learners/types.ts';

const env = (n: number): LearnerEnv => ({ world: 'guess', actionSpace: { names: ['guess'], low: [0], high: [n - 1], units: ['cell'] }, featureNames: ['n', 'taskId'] });
const make = (n: number, config: Partial<BayesGuesserConfig> = {}): BayesGuesser => new BayesGuesser(env(n), bayesGuesserFamily.parseConfig(config));
const rng = new Stream([0, 'unused']);
const support = (p: Float64Array | undefined): number[] => [...(p ?? [])].flatMap((x, i) => (x > 0 ? [i] : []));
const exp = (guess: number, feedback: number, taskKey = 't', features = [16, 1]) => ({ features, action: [guess], feedback, taskKey });

describe('bayes-guesser likelihoods', () => {
  it('binary: a miss removes the guessed cell, a hit pins it', () => {
    const l = make(8, { semantics: 'binary' });
    l.learn([exp(3, 0)], rng);
    expect(support(l.posterior('t'))).toEqual([0, 1, 2, 4, 5, 6, 7]);
    expect(l.posteriorEntropyBits('t')).toBeCloseTo(Math.log2(7), 12);
    l.learn([exp(6, 1)], rng);
    expect(support(l.posterior('t'))).toEqual([6]);
    expect(l.posteriorEntropyBits('t')).toBe(0);
  });

  it('hot/cold: the first answer says nothing; then the bisector of the two guesses cuts the board', () => {
    const l = make(16, { semantics: 'hotcold' });
    l.learn([exp(0, 0)], rng);
    expect(l.posteriorEntropyBits('t')).toBe(4);
    l.learn([exp(15, 1)], rng); // warmer at 15 than at 0: the target is right of 7.5
    expect(support(l.posterior('t'))).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
    l.learn([exp(9, -1)], rng); // colder at 9 than at 15: right of 12
    expect(support(l.posterior('t'))).toEqual([13, 14, 15]);
  });

  it('hot/cold "same" keeps only the bisector cell', () => {
    const l = make(16, { semantics: 'hotcold' });
    l.learn([exp(2, 0), exp(10, 0)], rng);
    expect(support(l.posterior('t'))).toEqual([6]);
  });

  it('graded: the target is at guess ± d; from an end of the board one answer pins it', () => {
    const l = make(16, { semantics: 'graded' });
    l.learn([exp(5, -3)], rng);
    expect(support(l.posterior('t'))).toEqual([2, 8]);
    const m = make(16, { semantics: 'graded' });
    m.learn([exp(0, -11)], rng);
    expect(support(m.posterior('t'))).toEqual([11]);
  });

  it('an answer impossible under noise-free semantics is an error naming the task', () => {
    const l = make(16, { semantics: 'hotcold' });
    l.learn([exp(0, 0), exp(15, 1), exp(9, -1)], rng);
    // "Same" at 13 after 9 means the bisector cell 11, already ruled out: an error, not a silent reset.
    expect(() => l.learn([exp(13, 0)], rng)).toThrow(/task 't' is impossible/);
    expect(() => make(8, { semantics: 'binary' }).learn([exp(1, 0.5)], rng)).toThrow(/0 or 1/);
    expect(() => make(8, { semantics: 'graded' }).learn([exp(1, -0.5)], rng)).toThrow(/impossible/);
  });

  it('assumed noise softens the update instead of eliminating cells', () => {
    const l = make(8, { semantics: 'binary', flip: 0.1 });
    l.learn([exp(3, 0)], rng);
    const p = l.posterior('t')!;
    expect(support(p)).toHaveLength(8);
    expect(p[3]! / p[0]!).toBeCloseTo(0.1 / 0.9, 12);
    const g = make(8, { semantics: 'graded', jitter: 1 });
    g.learn([exp(0, -3.2)], rng);
    const q = g.posterior('t')!;
    expect(q.indexOf(Math.max(...q))).toBe(3);
  });
});

describe('bayes-guesser queries', () => {
  it('binary scans the most probable cells from the left; greedy is the MAP', () => {
    const l = make(8, { semantics: 'binary' });
    const f = [16, 1];
    expect(l.act([f], rng, 'explore')).toEqual([[0]]);
    l.learn([exp(0, 0, 't', f)], rng);
    expect(l.act([f], rng, 'explore')).toEqual([[1]]);
  });

  it('hot/cold opens at an end, then picks the most informative bisector', () => {
    const l = make(16, { semantics: 'hotcold' });
    const f = [16, 7];
    expect(l.act([f], rng, 'explore')).toEqual([[0]]);
    l.learn([exp(0, 0, 't', f)], rng);
    const [[g]] = l.act([f], rng, 'explore') as [[number]];
    // 15 would split 8/8 (1 bit); 14 puts the bisector on cell 7: colder 7, same 1, warmer 8
    // cells, H(7/16, 1/16, 8/16) ≈ 1.27 bits — the exact maximum.
    expect(g).toBe(14);
  });

  it('graded queries an end of the support, then commits to the pinned cell', () => {
    const l = make(32, { semantics: 'graded' });
    const f = [32, 9];
    expect(l.act([f], rng, 'explore')).toEqual([[0]]);
    l.learn([exp(0, -17, 't', f)], rng);
    expect(l.act([f], rng, 'explore')).toEqual([[17]]);
    expect(l.act([f], rng, 'greedy')).toEqual([[17]]);
  });

  it('act tells tasks apart by their features; unknown tasks get the uniform prior', () => {
    const l = make(16, { semantics: 'graded' });
    l.learn([exp(0, -4, 'a', [16, 1]), exp(0, -9, 'b', [16, 2])], rng);
    expect(l.act([[16, 1], [16, 2], [16, 3]], rng, 'explore')).toEqual([[4], [9], [0]]);
  });

  it('declares capacity N and its priors; rejects a non-cell action space and bad config', () => {
    const l = make(64, { semantics: 'hotcold' });
    expect(l.capacity).toBe(64);
    expect(l.priors[0]).toMatch(/one of 64 cells/);
    expect(l.priors[1]).toMatch(/feedback semantics.*hotcold/);
    expect(() => new BayesGuesser({ ...env(4), actionSpace: { names: ['a', 'b'], low: [0, 0], high: [3, 3], units: ['', ''] } }, bayesGuesserFamily.parseConfig({}))).toThrow(/one-dimensional/);
    expect(() => bayesGuesserFamily.parseConfig({ semantics: 'scheduled' })).toThrow();
    expect(() => bayesGuesserFamily.parseConfig({ unknown: 1 })).toThrow(/Unrecognized key/);
  });

  it('save/load restores identical behaviour (state is plain data)', () => {
    const a = make(32, { semantics: 'hotcold' });
    const f = [32, 5];
    // A hidden target at 21: answer like the channel would.
    const target = 21;
    let prev: number | undefined;
    const answer = (g: number): number => {
      const fb = prev === undefined ? 0 : Math.sign(Math.abs(prev - target) - Math.abs(g - target));
      prev = g;
      return fb;
    };
    for (let i = 0; i < 3; i++) {
      const [[g]] = a.act([f], rng, 'explore') as [[number]];
      a.learn([exp(g, answer(g), 't', f)], rng);
    }
    const state = structuredClone(a.save());
    const b = make(32, { semantics: 'hotcold' });
    b.load(state);
    expect(b.posterior('t')).toEqual(a.posterior('t'));
    for (let i = 0; i < 4; i++) {
      const ga = a.act([f], rng, 'explore');
      expect(b.act([f], rng, 'explore')).toEqual(ga);
      const fb = answer(ga[0]![0]!);
      a.learn([exp(ga[0]![0]!, fb, 't', f)], rng);
      b.learn([exp(ga[0]![0]!, fb, 't', f)], rng);
    }
    expect(b.posterior('t')).toEqual(a.posterior('t'));
    expect(() => make(16, { semantics: 'hotcold' }).load(state)).toThrow(/cells/);
    expect(() => make(32, { semantics: 'binary' }).load(state)).toThrow(/config differs/);
  });

  it('posteriorEntropy: uniform is log2 N, a point mass 0', () => {
    expect(posteriorEntropy(new Float64Array(8).fill(1 / 8))).toBeCloseTo(3, 12);
    expect(posteriorEntropy(Float64Array.from([0, 1, 0]))).toBe(0);
  });
});
