import { describe, expect, it } from 'vitest';
import { checkWorld } from '../../src/core/checkWorld.ts';
import { Stream } from '../../src/core/rng.ts';
import { resolveParams, WorldRuntime } from '../../src/core/runtime.ts';
import { guess, guessCell, trainCells, type GuessTask } from '../../worlds/guess.ts';
import { getWorld, WORLDS } from '../../worlds/index.ts';

const params = guess.params.parse({});

describe('guess world', () => {
  it('passes the world checker and is registered', async () => {
    const r = await checkWorld(guess, { cases: 60 });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(WORLDS).toContain(guess);
    expect(getWorld('guess')).toBe(guess);
  });

  it('measures distance, hit and signed offset of a rounded, clamped guess', () => {
    const rt = new WorldRuntime(guess);
    const p = resolveParams(guess, { n: 16 });
    const run = (target: number, action: number) => {
      const task: GuessTask = { split: 'train', target, id: 1 };
      return rt.run(p, { episode: 0, task, action: [action] }, 0, false);
    };
    const hit = run(5, 4.5); // rounds half up to 5
    expect(hit.measurements).toEqual({ distance: 0, relativeDistance: 0, hit: 1, signedOffset: 0, guess: 5 });
    expect(hit.gtPass).toBe(true);
    expect(hit.verdicts).toEqual([{ check: 'found', pass: true, margin: 0.5 }]);
    const miss = run(5, 2.2);
    expect(miss.measurements).toMatchObject({ distance: 3, hit: 0, signedOffset: -3, guess: 2, relativeDistance: 3 / 15 });
    expect(miss.gtPass).toBe(false);
    expect(run(5, 99).measurements.guess).toBe(15);
    expect(run(5, -3).measurements.guess).toBe(0);
    expect(() => run(5, NaN)).toThrow(/finite/);
    expect(() => run(16, 0)).toThrow(/off a board/);
    expect(guessCell(-0.4, 10)).toBe(0);
  });

  it('train and anchor targets stay in the train region; half the probe tasks lie beyond it', () => {
    const m = trainCells(params);
    expect(m).toBe(768);
    const rng = new Stream([1, 'guess-tasks']);
    for (const split of ['train', 'anchor'] as const) {
      for (let i = 0; i < 500; i++) expect(guess.sampleTask(rng, split, params).target).toBeLessThan(m);
    }
    const probes = Array.from({ length: 1000 }, () => guess.sampleTask(rng, 'probe', params));
    const beyond = probes.filter((t) => t.target >= m).length / probes.length;
    expect(beyond).toBeGreaterThan(0.4);
    expect(beyond).toBeLessThan(0.6);
    for (const t of probes) expect(guess.task.safeParse(t).success).toBe(true);
  });

  it('features identify the task without revealing the target', () => {
    expect(guess.featureNames!(params)).toEqual(['n', 'taskId']);
    const rng = new Stream([2, 'guess-features']);
    const tasks = Array.from({ length: 200 }, () => guess.sampleTask(rng, 'train', params));
    const feats = tasks.map((t) => guess.taskFeatures!(t, params));
    expect(new Set(feats.map((f) => f.join(','))).size).toBe(200);
    for (const [i, f] of feats.entries()) expect(f).not.toContain(tasks[i]!.target);
  });

  it('rejects bad parameters', () => {
    expect(guess.params.safeParse({ n: 1 }).success).toBe(false);
    expect(guess.params.safeParse({ n: 65537 }).success).toBe(false);
    expect(guess.params.safeParse({ n: 10.5 }).success).toBe(false);
    expect(guess.params.safeParse({ n: 2 }).success).toBe(true);
    expect(guess.actionSpace(guess.params.parse({ n: 2 }))).toEqual({ names: ['guess'], low: [0], high: [1], units: ['cell'] });
  });
});
