/**
 * The view of a launcher scene (projectile, multi-target): ground, launch point, target zones
 * and the thrown body moved by the `x`, `y`, `angle` trajectory channels.
 */
import type { WorldView } from '../../src/core/view.ts';
import type { LauncherParams } from './launcher.ts';

/** A launcher view with one zone per target centre. */
export function launcherView(p: LauncherParams, targets: readonly number[]): WorldView {
  const far = Math.max(p.targetMax, ...targets) + p.zoneHalfWidth + 1.5;
  const zones = targets.map((x) => ({ kind: 'rect' as const, role: 'zone' as const, x, y: 0.05, w: 2 * p.zoneHalfWidth, h: 0.1 }));
  return {
    bounds: { x0: -1, x1: far, y0: -0.5, y1: Math.max(p.launchHeight + 1, (far + 1) * 0.45) },
    shapes: [
      { kind: 'rect', role: 'ground', x: far / 2, y: -0.25, w: far + 4, h: 0.5 },
      ...zones,
      { kind: 'line', role: 'launcher', x1: 0, y1: 0, x2: 0, y2: p.launchHeight },
    ],
    bodies: [{ name: p.body, shape: { kind: 'circle', r: p.radius }, x: 'x', y: 'y', angle: 'angle', trail: true }],
  };
}
