import { describe, expect, it } from 'vitest';
import { main, type CliIO } from '../../src/cli/main.ts';
import { resolveParams } from '../../src/core/runtime.ts';
import { BayesGuesser, bayesGuesserFamily } from '../../src/learners/bayes-guesser.ts';
import { assertLearnerFits, fittingLearners, learnerFits, unmetNeeds, worldFacts } from '../../src/learners/compat.ts';
import { getLearnerFamily, LEARNER_IDS } from '../../src/learners/registry.ts';
import type { FeedbackInfo, LearnerEnv } from '../../src/learners/types.ts';
import { getWorld, WORLDS } from '../../worlds/index.ts';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), progress: false };
  return { code: await main(argv, io), out, err };
}

const fitsOf = (id: string, run = {}) => {
  const w = getWorld(id);
  return fittingLearners(w, resolveParams(w, {}), run);
};

describe('declared compatibility', () => {
  it('every family declares its needs; every world has at least one learner that fits it', () => {
    for (const id of LEARNER_IDS) expect(getLearnerFamily(id).needs.channels.length).toBeGreaterThan(0);
    for (const w of WORLDS) expect(fitsOf(w.id), w.id).not.toEqual([]);
  });

  it('the fits per world, from the declarations', () => {
    expect(fitsOf('projectile')).toEqual(['gaussian-policy', 'cem', 'physics-prior', 'hill-climber']);
    expect(fitsOf('multi-target')).toEqual(['gaussian-policy', 'cem', 'physics-prior', 'hill-climber']);
    expect(fitsOf('pusher')).toEqual(['gaussian-policy', 'cem', 'hill-climber']);
    expect(fitsOf('guess')).toEqual(['bayes-guesser', 'hill-climber']);
    // hill-climber reads any channel as a reward (it is told nothing of its meaning).
    expect(fitsOf('guess', { channel: 'scheduled' })).toEqual(['hill-climber']);
    expect(fitsOf('guess', { channel: 'graded', metric: 'relativeDistance' })).toEqual(['hill-climber']);
    expect(fitsOf('balance')).toEqual(['policy-gradient']);
  });

  it('names each unmet need', () => {
    const guess = worldFacts(getWorld('guess'), resolveParams(getWorld('guess'), {}));
    expect(unmetNeeds(getLearnerFamily('cem').needs, guess)).toEqual([expect.stringMatching(/describe the task.*taskId only identifies a task/)]);
    expect(unmetNeeds(getLearnerFamily('bayes-guesser').needs, guess, { channel: 'scheduled' })).toEqual([expect.stringMatching(/feedback it can read: binary, hotcold, graded \(not scheduled\)/)]);
    const pusher = worldFacts(getWorld('pusher'), resolveParams(getWorld('pusher'), {}));
    expect(unmetNeeds(getLearnerFamily('physics-prior').needs, pusher).join('; ')).toMatch(/features \[targetX, gravity\] or \[target1, gravity\].*actions/);
    expect(unmetNeeds(getLearnerFamily('policy-gradient').needs, pusher)).toEqual([expect.stringMatching(/closed-loop world/)]);
    expect(() => assertLearnerFits(getWorld('guess'), resolveParams(getWorld('guess'), {}), 'bayes-guesser', { channel: 'scheduled' })).toThrow(
      /world 'guess' with feedback 'scheduled'.*Learners that fit: hill-climber; with other feedback: bayes-guesser \(binary, hotcold, graded\)/,
    );
    const fits = learnerFits(getWorld('guess'), resolveParams(getWorld('guess'), {}));
    expect(fits.find((f) => f.learner === 'bayes-guesser')?.channels).toEqual(['binary', 'hotcold', 'graded']);
  });

  it('`learners`, `learners --world` and `list --json` show the fits; train refuses a misfit with exit 2', async () => {
    const all = await run('learners', '--json');
    expect(all.code).toBe(0);
    const rows = JSON.parse(all.out) as { id: string; fits: { world: string }[] }[];
    expect(rows.map((r) => r.id)).toEqual(LEARNER_IDS);
    expect(rows.find((r) => r.id === 'policy-gradient')?.fits.map((f) => f.world)).toEqual(['balance']);
    const one = await run('learners', '--world', 'guess');
    expect(one.out).toMatch(/fits +bayes-guesser +feedback: binary, hotcold, graded/);
    expect(one.out).toMatch(/no +cem +needs task features that describe the task/);
    expect((await run('learners', '--world', 'nowhere')).code).toBe(2);
    const list = JSON.parse((await run('list', '--json')).out) as { id: string; learners: { id: string; channels: string[] }[] }[];
    expect(list.find((w) => w.id === 'guess')?.learners).toEqual([
      { id: 'bayes-guesser', channels: ['binary', 'hotcold', 'graded'] },
      { id: 'hill-climber', channels: ['binary', 'hotcold', 'graded', 'scheduled'] },
    ]);
    const refused = await run('train', '--world', 'projectile', '--learner', 'bayes-guesser', '--episodes', '10');
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/world 'projectile'.*'bayes-guesser' needs task features \[taskId\].*Learners that fit: gaussian-policy, cem, physics-prior, hill-climber/);
  });
});

describe('bayes-guesser reads the channel it is given', () => {
  const guess = getWorld('guess');
  const p = resolveParams(guess, { n: 16 });
  const info = (kind: FeedbackInfo['kind'], extra: Partial<FeedbackInfo> = {}): FeedbackInfo => ({ kind, flip: 0, jitter: 0, tolerance: 0, metric: { expression: 'distance', direction: 'lower', threshold: 0 }, ...extra });
  const env = (feedback?: FeedbackInfo): LearnerEnv => ({ world: 'guess', actionSpace: guess.actionSpace(p), featureNames: ['n', 'taskId'], ...(feedback ? { feedback } : {}) });
  const make = (config: object, feedback?: FeedbackInfo) => new BayesGuesser(env(feedback), bayesGuesserFamily.parseConfig(config));

  it('takes semantics, noise and the pass radius from the run, and its config where given', () => {
    expect(make({}).model).toEqual({ semantics: 'hotcold', flip: 0, jitter: 0, passWithin: 0 });
    expect(make({}, info('graded', { jitter: 0.5 })).model).toEqual({ semantics: 'graded', flip: 0, jitter: 0.5, passWithin: 0 });
    expect(make({}, info('binary', { flip: 0.1, metric: { expression: 'distance', direction: 'lower', threshold: 2 } })).model).toEqual({ semantics: 'binary', flip: 0.1, jitter: 0, passWithin: 2 });
    expect(make({ flip: 0 }, info('binary', { flip: 0.1 })).model.flip).toBe(0);
  });

  it('refuses a config that contradicts the run, a channel or metric it cannot invert (InputError: exit 2)', () => {
    expect(() => make({ semantics: 'binary' }, info('graded'))).toThrow(/learnerConfig.semantics.*the run's channel 'graded'/);
    expect(() => make({}, info('scheduled'))).toThrow(/feedback: "scheduled".*binary, hotcold, graded/);
    expect(() => make({}, info('graded', { metric: { expression: 'relativeDistance', direction: 'lower', threshold: 0 } }))).toThrow(/metric.*distance, lower is better/);
    expect(() => make({}, info('hotcold', { tolerance: 1 }))).toThrow(/tolerance/);
  });
});
