/**
 * The ground-truth metric: a metric-language expression over measurements that passes exactly
 * when the world's checks pass (its margin's sign is the checks' sign). At α = 1 the gate locks
 * the adopted metric to it, so learners get the designer's check as their (binary) feedback.
 *
 * A world may declare it (`groundTruthMetric(params)` on the world object, read structurally so
 * WorldDef need not change); otherwise this table covers the worlds whose checks read only
 * measurements and params. Checks that read hidden truth (multi-target, flip) have no such
 * expression: null. Each entry is keyed by world id *and* check names, so a world whose checks
 * are renamed or replaced falls back to null instead of a stale equivalence; equivalence itself
 * is tested by simulation in tests/anchors/ground-truth.test.ts.
 *
 * Equivalence holds bitwise: min(h − x, s − y) ≥ 0 ⇔ max(x − h, y − s) ≤ 0 for doubles (rounding
 * is monotone and x − h rounds to 0 only when x = h), and NaN measurements fail both sides.
 */
import { resolveParams } from '../core/runtime.ts';
import type { AnyWorld } from '../core/types.ts';
import { parseMetric, type Metric, type MetricSpec } from '../metrics/index.ts';

type Params = Readonly<Record<string, unknown>>;

const num = (p: Params, key: string): number => {
  const v = p[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`ground-truth metric: parameter '${key}' is not a finite number`);
  return v;
};

interface Entry {
  readonly checks: readonly string[];
  readonly spec: (p: Params) => MetricSpec;
}

const TABLE: Readonly<Record<string, Entry>> = Object.freeze<Record<string, Entry>>({
  projectile: { checks: ['restsInZone'], spec: (p) => ({ expression: 'restError', direction: 'lower', threshold: num(p, 'zoneHalfWidth') }) },
  guess: { checks: ['found'], spec: () => ({ expression: 'distance', direction: 'lower', threshold: 0.5 }) },
  hoops: {
    checks: ['reachesGoal'],
    spec: (p) => ({ expression: `max(restError - ${num(p, 'zoneHalfWidth')}, finalSpeed - 0.02)`, direction: 'lower', threshold: 0 }),
  },
  pusher: {
    checks: ['blockOnPad'],
    spec: (p) => ({ expression: `max(restError - ${num(p, 'padHalfWidth')}, blockSpeed - 0.02)`, direction: 'lower', threshold: 0 }),
  },
  sensor: {
    checks: ['inBasket'],
    spec: (p) => ({
      expression: `max(restError - ${num(p, 'basketHalfWidth')}, restHeight - ${num(p, 'wallHeight')}, finalSpeed - 0.02)`,
      direction: 'lower',
      threshold: 0,
    }),
  },
});

/** A world that declares its own ground-truth metric. */
interface DeclaresGroundTruth {
  groundTruthMetric?: (params: Params) => MetricSpec | null;
}

/** The metric equivalent to the world's checks under these params (run-level params: task overrides not applied), or null. */
export function groundTruthMetric(world: AnyWorld, params: unknown): Metric | null {
  const resolved = resolveParams(world, params);
  const declared = (world as DeclaresGroundTruth).groundTruthMetric;
  let spec: MetricSpec | null = null;
  if (typeof declared === 'function') spec = declared(resolved);
  else {
    const entry = Object.hasOwn(TABLE, world.id) ? TABLE[world.id] : undefined;
    const names = world.checks.checks.map((c) => c.name);
    if (entry && entry.checks.length === names.length && entry.checks.every((n, i) => n === names[i])) spec = entry.spec(resolved);
  }
  return spec ? parseMetric(spec, world.measurements) : null;
}
