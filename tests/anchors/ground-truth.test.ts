import { beforeAll, describe, expect, it } from 'vitest';
import { groundTruthMetric } from '../../src/anchors/ground-truth.ts';
import { defineChecks } from '../../src/core/checks.ts';
import { WorldRuntime } from '../../src/core/runtime.ts';
import type { AnyWorld, Consequence } from '../../src/core/types.ts';
import { metricPasses, metricValue } from '../../src/metrics/index.ts';
import { WORLDS } from '../../worlds/index.ts';
import { projectile } from '../../worlds/projectile.ts';
import { PARAMS, projectileEvidence } from './fixtures.ts';

const EXPRESSIBLE = ['projectile', 'guess', 'hoops', 'pusher', 'sensor'];

function random(world: AnyWorld, params: Record<string, unknown>, count: number): Consequence[] {
  const runtime = new WorldRuntime(world);
  return (['anchor', 'probe'] as const).flatMap(
    (split) => runtime.runBatch({ world: world.id, params, seed: 3, episodes: { kind: 'random', split, start: 0, count } }).consequences,
  );
}

describe('the ground-truth metric', () => {
  let honest: Consequence[];
  beforeAll(() => {
    honest = projectileEvidence(8).matrix.consequences.flat() as Consequence[];
  });

  it('exists exactly for the worlds whose checks read only measurements and params', () => {
    for (const world of WORLDS) expect(groundTruthMetric(world, {}) !== null, world.id).toBe(EXPRESSIBLE.includes(world.id));
    expect(groundTruthMetric(projectile, { zoneHalfWidth: 0.3 })).toMatchObject({ expression: 'restError', direction: 'lower', threshold: 0.3 });
  });

  it('passes exactly when the checks pass, on simulated episodes of every such world', () => {
    let passes = 0;
    for (const world of WORLDS) {
      const gt = groundTruthMetric(world, {});
      if (!gt) continue;
      for (const c of random(world, {}, 24)) {
        expect(metricPasses(gt, metricValue(gt, c.measurements)), `${world.id} episode ${c.episode}`).toBe(c.gtPass);
        if (c.gtPass) passes++;
      }
    }
    // Random throws rarely pass; the projectile evidence (honest lobs, body = ball) adds many that do.
    const gt = groundTruthMetric(projectile, PARAMS)!;
    for (const c of honest) expect(metricPasses(gt, metricValue(gt, c.measurements))).toBe(c.gtPass);
    expect(passes + honest.filter((c) => c.gtPass).length).toBeGreaterThan(10);
  });

  it('prefers a declaration on the world, and refuses to guess for replaced checks', () => {
    const declared = { ...projectile, groundTruthMetric: () => ({ expression: 'restError', direction: 'lower', threshold: 0.25 }) } as AnyWorld;
    expect(groundTruthMetric(declared, {})!.threshold).toBe(0.25);
    const renamed: AnyWorld = { ...projectile, checks: defineChecks([{ ...projectile.checks.checks[0]!, name: 'somethingElse' }]) };
    expect(groundTruthMetric(renamed, {})).toBeNull();
  });
});
