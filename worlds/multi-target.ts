/**
 * multi-target — the launcher must hit k targets (k = 1…8) with one throw each.
 *
 * Ground truth `allHit`: every target's throw comes to rest inside its zone; plus one verdict
 * per target (`hit1` … `hitK`). This is the world of the emergence experiment: an all-or-nothing
 * check over k parts turns smooth per-target progress (p) into an abrupt-looking curve (p^k).
 */
import { z } from 'zod';
import { SPLITS, type GroundTruthCheck, type MeasurementSpec } from '../src/core/types.ts';
import { defineWorld } from '../src/core/world.ts';
import { launcherView } from './shared/launcher-view.ts';
import { LauncherScene, launcherParamShape, launcherPassive, sampleTargetX, shiftedGravity, THROW_HIGH, THROW_LOW, type LauncherParams } from './shared/launcher.ts';

/** The most targets a task can have. */
export const MAX_TARGETS = 8;

const params = z.strictObject({
  ...launcherParamShape,
  k: z.number().int().min(1).max(MAX_TARGETS).default(4).describe('Number of targets, one throw each.'),
});
type MultiTargetParams = LauncherParams & { k: number };

const task = z.strictObject({
  split: z.enum(SPLITS),
  targets: z.array(z.number().min(0).max(50)).min(1).max(MAX_TARGETS),
  overrides: z.strictObject({ gravity: launcherParamShape.gravity.unwrap() }).optional(),
});
type MultiTargetTask = z.infer<typeof task>;

const measurements = [
  { name: 'hits', doc: 'Targets whose throw came to rest in its zone.', unit: 'count', better: 'higher' },
  { name: 'hitFraction', doc: 'hits / k: the continuous counterpart of allHit.', unit: 'fraction', better: 'higher' },
  { name: 'meanRestError', doc: 'Mean distance from where each throw ends to its zone centre.', unit: 'm', better: 'lower' },
  { name: 'maxRestError', doc: 'Largest rest error over the targets.', unit: 'm', better: 'lower' },
  { name: 'meanLandingError', doc: 'Mean distance from first ground contact to the zone centre.', unit: 'm', better: 'lower', gameable: 'ignores rolling after landing (body=ball)' },
  { name: 'meanMinDistToTarget', doc: 'Mean closest approach of each throw to its zone centre.', unit: 'm', better: 'lower', gameable: 'fast flat throws pass close and leave' },
  { name: 'maxHeight', doc: 'Highest point over all throws.', unit: 'm', better: 'none' },
  { name: 'totalLaunchEnergy', doc: 'Sum of launch kinetic energies per kilogram.', unit: 'J/kg', better: 'lower' },
  { name: 'bounces', doc: 'Ground contacts after the first, summed over throws.', unit: 'count', better: 'lower' },
] as const satisfies readonly MeasurementSpec[];

const hitMargin = (i: number) => (input: { truth: Readonly<Record<string, number>>; params: MultiTargetParams }) =>
  input.params.zoneHalfWidth - (input.truth[`restError${i}`] ?? Infinity);

const perTarget: GroundTruthCheck<MultiTargetParams, MultiTargetTask>[] = Array.from({ length: MAX_TARGETS }, (_, j) => ({
  name: `hit${j + 1}`,
  doc: `Throw ${j + 1} comes to rest with its centre inside zone ${j + 1}.`,
  margin: hitMargin(j + 1),
  applies: (p: MultiTargetParams) => j < p.k,
}));

/** The multi-target world definition. */
export const multiTarget = defineWorld({
  id: 'multi-target',
  version: 1,
  title: 'Multi-target',
  description: 'Hit k targets with one throw each; ground truth is all-or-nothing over the k parts.',
  params,
  task,
  actionSpace: (p) => ({
    names: Array.from({ length: p.k }, (_, i) => [`angle${i + 1}`, `speed${i + 1}`]).flat(),
    low: Array.from({ length: p.k }, () => [...THROW_LOW]).flat(),
    high: Array.from({ length: p.k }, () => [...THROW_HIGH]).flat(),
    units: Array.from({ length: p.k }, () => ['deg', 'm/s']).flat(),
  }),
  measurements,
  checks: [
    {
      name: 'allHit',
      doc: 'Every one of the k throws comes to rest with its centre inside its zone.',
      margin: ({ truth, params: p }) => {
        let worst = Infinity;
        for (let i = 1; i <= p.k; i++) worst = Math.min(worst, p.zoneHalfWidth - (truth[`restError${i}`] ?? Infinity));
        return worst;
      },
    },
    ...perTarget,
  ],
  defaultMetric: (p) => ({ expression: 'meanRestError', direction: 'lower', threshold: p.zoneHalfWidth }),
  // The designer's metric: landings, averaged — blind to rolling (body=ball) and to one bad throw among good ones.
  designerMetric: (p) => ({ expression: 'meanLandingError', direction: 'lower', threshold: p.zoneHalfWidth, blindSpot: 'rolling after landing (body=ball), and a mean hides one missed target among k' }),
  featureNames: (p) => [...Array.from({ length: p.k }, (_, i) => `target${i + 1}`), 'gravity'],
  taskFeatures: (t, p) => [...Array.from({ length: p.k }, (_, i) => t.targets[i] ?? 0), t.overrides?.gravity ?? p.gravity],
  sampleTask(rng, split, p) {
    const kind = split === 'probe' ? rng.int(0, 2) : 2;
    const targets = Array.from({ length: p.k }, () => sampleTargetX(rng, split, p, kind === 1));
    if (kind === 0) return { split, targets, overrides: { gravity: shiftedGravity(rng, p.gravity) } };
    return { split, targets };
  },
  // The energy check's scene: a random throw left to itself.
  passive: (p, rng) => launcherPassive(p, rng),
  // What the app draws: every target's zone; the trajectory is the first throw's (the one recorded).
  view: (p, t) => launcherView(p, t.targets.slice(0, p.k)),
  createSimulator(p) {
    const scene = new LauncherScene(p);
    return {
      run(t, action, rng, options) {
        let steps = 0;
        let allRest = true;
        let hits = 0;
        let sumRest = 0;
        let maxRest = 0;
        let sumLanding = 0;
        let sumMinDist = 0;
        let maxHeight = -Infinity;
        let energy = 0;
        let bounces = 0;
        const truth: Record<string, number> = {};
        let trajectory;
        for (let i = 0; i < p.k; i++) {
          const target = t.targets[i] ?? t.targets[t.targets.length - 1] ?? 0;
          // Only the first throw's trajectory is recorded: enough to draw, cheap to send.
          const r = scene.throw(target, action[2 * i] as number, action[2 * i + 1] as number, rng, options.trajectory && i === 0);
          if (r.trajectory) trajectory = r.trajectory;
          steps += r.steps;
          allRest &&= r.atRest;
          const restError = Math.abs(r.restX - target);
          truth[`restError${i + 1}`] = restError;
          if (restError <= p.zoneHalfWidth) hits++;
          sumRest += restError;
          maxRest = Math.max(maxRest, restError);
          sumLanding += Math.abs(r.landingX - target);
          sumMinDist += r.minDistToTarget;
          maxHeight = Math.max(maxHeight, r.maxHeight);
          energy += r.launchEnergy;
          bounces += r.bounces;
        }
        return {
          steps,
          terminated: allRest,
          truncated: !allRest,
          measurements: {
            hits,
            hitFraction: hits / p.k,
            meanRestError: sumRest / p.k,
            maxRestError: maxRest,
            meanLandingError: sumLanding / p.k,
            meanMinDistToTarget: sumMinDist / p.k,
            maxHeight,
            totalLaunchEnergy: energy,
            bounces,
          },
          truth,
          ...(trajectory ? { trajectory } : {}),
        };
      },
    };
  },
});
