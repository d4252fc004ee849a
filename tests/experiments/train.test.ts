import { describe, expect, it } from 'vitest';
import { main, type CliIO } from '../../src/cli/main.ts';
import { runTraining, validateTrainConfig } from '../../src/experiments/train.ts';
import { initTfNode } from '../../src/learners/tf-node.ts';
import { trainInWorker } from '../../workers/learner-node.ts';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), progress: false };
  return { code: await main(argv, io), out, err };
}

const small = { world: 'projectile', learner: 'gaussian-policy', feedback: 'graded', episodes: 640, evalTasks: 32, evalPoints: 4, seed: 3 };

describe('train experiment', () => {
  it('is deterministic: same config and seed give the same curve, in process and in a learner worker', async () => {
    await initTfNode();
    const a = await runTraining(small);
    const b = await trainInWorker(small);
    expect(b.curve).toEqual(a.curve);
    expect(a.curve).toHaveLength(4);
    expect(a.backend).toBe('wasm');
    expect(a.priors.length).toBeGreaterThan(0);
    const c = await runTraining({ ...small, seed: 4 });
    expect(c.curve).not.toEqual(a.curve);
  });

  it('train --json prints the documented shape', async () => {
    const r = await run('train', '--world', 'projectile', '--learner', 'cem', '--feedback', 'hotcold', '--episodes', '300', '--seed', '1', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j).slice(0, 6)).toEqual(['world', 'learner', 'feedback', 'seed', 'curve', 'final']);
    expect(Object.keys(j.curve[0]).sort()).toEqual(['bitsPerFeedback', 'episodes', 'gtPassRate', 'metric']);
    expect(Object.keys(j.final).sort()).toEqual(['gtPassRate', 'metric']);
    expect(j.feedback).toBe('hotcold');
  });

  it('scheduled feedback with a named schedule runs', async () => {
    const r = await run('train', '--world', 'projectile', '--learner', 'cem', '--feedback', 'scheduled', '--schedule', 'cosine', '--episodes', '200', '--json');
    expect(r.code).toBe(0);
  });

  const bad: Array<[string[], RegExp]> = [
    [['--learner', 'nope'], /learner: "nope" .*gaussian-policy/],
    [['--learner', 'cem', '--feedback', 'telepathy'], /--feedback: "telepathy" .*binary, hotcold, graded, scheduled/],
    [['--learner', 'gaussian-policy', '--set', 'width=-3'], /width: -3 .*≥ 1/],
    [['--learner', 'cem', '--set', 'bogus=1'], /--set: "bogus" .*parameter of projectile/],
    [['--learner', 'cem', '--metric', 'landingEror'], /did you mean 'landingError'/],
    [['--learner', 'cem', '--metric', 'constructor.constructor(1)'], /metric: /],
    [['--learner', 'cem', '--schedule', 'cosine'], /schedule: "cosine" .*only with --feedback scheduled/],
    [['--learner', 'cem', '--schedule', 'wobbly', '--feedback', 'scheduled'], /--schedule: "wobbly"/],
    [['--learner', 'cem', '--episodes', '-5'], /--episodes/],
    [['--learner', 'cem', '--threshold', 'abc'], /--threshold: "abc"/],
  ];
  for (const [argv, message] of bad) {
    it(`exits 2 on bad input: ${argv.join(' ')}`, async () => {
      const r = await run('train', '--world', 'projectile', ...argv);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    });
  }

  it('validateTrainConfig rejects unknown config keys', () => {
    expect(() => validateTrainConfig({ ...small, wat: 1 })).toThrow(/wat/);
  });
});
