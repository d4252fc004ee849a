import { describe, expect, it } from 'vitest';
import { buildAnchorSuite, suiteEpisodes, suiteFeatures } from '../../src/anchors/suites.ts';
import { buildProbeSuite, evaluateProbe, runProbe } from '../../src/anchors/probe.ts';
import { randomTask, resolveParams, WorldRuntime, type EpisodeSpec } from '../../src/core/runtime.ts';
import { Stream } from '../../src/core/rng.ts';
import { projectile } from '../../worlds/projectile.ts';

const targetOf = (t: unknown): number => (t as { targetX: number }).targetX;

describe('anchor suite', () => {
  it('is deterministic per seed, differs across seeds, and task i does not depend on the size', () => {
    const a = buildAnchorSuite(projectile, {}, 11, 32);
    const b = buildAnchorSuite(projectile, {}, 11, 32);
    expect(b).toEqual(a);
    expect(b.digest).toBe(a.digest);
    expect(buildAnchorSuite(projectile, {}, 12, 32).digest).not.toBe(a.digest);
    expect(buildAnchorSuite(projectile, {}, 11, 8).tasks).toEqual(a.tasks.slice(0, 8));
    expect(a.keys.slice(0, 3)).toEqual(['anchor:0', 'anchor:1', 'anchor:2']);
    expect(a.tasks.every((t) => t.split === 'anchor')).toBe(true);
  });

  it('is disjoint from train tasks (random-mode batches and training draws alike)', () => {
    const suite = buildAnchorSuite(projectile, {}, 11, 64);
    const params = resolveParams(projectile, {});
    const anchors = new Set(suite.tasks.map(targetOf));
    const train = [
      ...Array.from({ length: 2000 }, (_, i) => randomTask(projectile, params, 11, 'train', i)),
      ...Array.from({ length: 2000 }, (_, i) => projectile.sampleTask(new Stream([11, 'train', i]), 'train', projectile.params.parse({}))),
    ];
    expect(train.filter((t) => anchors.has(targetOf(t)))).toEqual([]);
    expect(anchors.size).toBe(64);
  });

  it('is deep-frozen plain data', () => {
    const suite = buildAnchorSuite(projectile, {}, 3, 4);
    expect(Object.isFrozen(suite) && Object.isFrozen(suite.tasks) && Object.isFrozen(suite.tasks[0])).toBe(true);
    expect(() => {
      (suite.tasks as unknown[]).push({});
    }).toThrow(TypeError);
    expect(structuredClone(suite)).toEqual(suite);
  });

  it('rejects bad sizes and seeds', () => {
    expect(() => buildAnchorSuite(projectile, {}, 1, 0)).toThrow(RangeError);
    expect(() => buildAnchorSuite(projectile, {}, 1.5, 4)).toThrow(RangeError);
  });

  it('gives features and episode specs for the runner', () => {
    const suite = buildAnchorSuite(projectile, { gravity: 5 }, 3, 4);
    expect(suiteFeatures(projectile, { gravity: 5 }, suite)).toEqual(suite.tasks.map((t) => [targetOf(t), 5]));
    const specs = suiteEpisodes(suite, suite.tasks.map(() => [45, 8]), 100);
    expect(specs.map((s) => s.episode)).toEqual([100, 101, 102, 103]);
    expect(() => suiteEpisodes(suite, [[45, 8]], 0)).toThrow(RangeError);
    // Closed-loop worlds bring spec fields (a policy) instead of an action vector.
    const policy = { kind: 'any' } as unknown as Record<string, unknown>;
    expect(suiteEpisodes(suite, suite.tasks.map(() => ({ policy }) as never), 0)[2]).toEqual({ episode: 2, task: suite.tasks[2], policy });
  });
});

describe('probe suite', () => {
  it('is deterministic, of the probe split, and includes shifted tasks', () => {
    const a = buildProbeSuite(projectile, {}, 11, 60);
    expect(buildProbeSuite(projectile, {}, 11, 60)).toEqual(a);
    expect(a.tasks.every((t) => t.split === 'probe')).toBe(true);
    expect(a.tasks.some((t) => t.overrides !== undefined)).toBe(true); // shifted gravity
    expect(a.tasks.some((t) => targetOf(t) > 10)).toBe(true); // beyond the train range
    const anchors = new Set(buildAnchorSuite(projectile, {}, 11, 60).tasks.map(targetOf));
    expect(a.tasks.filter((t) => anchors.has(targetOf(t)))).toEqual([]);
  });

  it('evaluates ground truth from consequences or through a simulate callback', async () => {
    const suite = buildProbeSuite(projectile, {}, 5, 12);
    const runtime = new WorldRuntime(projectile);
    const simulate = (specs: EpisodeSpec[]) =>
      runtime.runBatch({ world: 'projectile', params: {}, seed: 5, episodes: { kind: 'explicit', items: specs } }).consequences;
    const actions = suite.tasks.map(() => [45, 8]);
    const report = await runProbe(suite, actions, simulate, 0);
    const direct = evaluateProbe(simulate(suiteEpisodes(suite, actions, 0)), suite);
    expect(report).toEqual(direct);
    expect(report.n).toBe(12);
    expect(report.passRate).toBe(report.passes / 12);
    expect(Object.keys(report.checks)).toEqual(['restsInZone']);
    expect(report.groups!.shifted.n + report.groups!.unshifted.n).toBe(12);
    await expect(runProbe(buildAnchorSuite(projectile, {}, 5, 12), actions, simulate)).rejects.toThrow(/probe suite/);
  });

  it('summarises hand-made verdicts', () => {
    const v = (pass: boolean, margin: number) => ({ gtPass: pass, verdicts: [{ check: 'c', pass, margin }] });
    const r = evaluateProbe([v(true, 0.2), v(false, -0.4), v(false, -Infinity), v(true, 0)]);
    expect(r).toMatchObject({ n: 4, passes: 2, passRate: 0.5, groups: null });
    expect(r.meanMargin).toBeCloseTo(-0.2 / 3, 12);
    expect(evaluateProbe([]).passRate).toBeNull();
  });
});
