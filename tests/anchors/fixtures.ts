/**
 * Realistic anchor evidence for the gate tests: projectile episodes simulated in process with
 * `WorldRuntime`, from two kinds of throws on each anchor task —
 * - honest: a steep lob whose speed is tuned (bisection) so the body comes to rest on the target;
 * - flat fast: a 10° throw whose speed is tuned so the body *lands* on the target and then rolls
 *   away (body = ball), the exploit the gameable `minDistToTarget` rewards.
 * Population members play one kind with a seeded relative speed error of their own size.
 */
import { Stream } from '../../src/core/rng.ts';
import { resolveParams, WorldRuntime } from '../../src/core/runtime.ts';
import type { Consequence, TaskBase } from '../../src/core/types.ts';
import { buildAnchorSuite, type TaskSuite } from '../../src/anchors/suites.ts';
import { AnchorOracle, type AnchorMatrix } from '../../src/anchors/oracle.ts';
import { projectile } from '../../worlds/projectile.ts';

export const PARAMS = Object.freeze({ body: 'ball' as const });
export const SEED = 7;

const runtime = new WorldRuntime(projectile);
const resolved = resolveParams(projectile, PARAMS);

/** Simulates one throw on a task. */
export function throwAt(task: TaskBase, angle: number, speed: number, episode = 0): Consequence {
  return runtime.run(resolved, { episode, task, action: [angle, speed] }, SEED, false);
}

/** The speed at which a throw at `angle` comes to rest on the target (bisection: rest position grows with speed). */
function tuneRest(task: TaskBase, angle: number): number {
  const target = (task as unknown as { targetX: number }).targetX;
  let lo = 1;
  let hi = 15;
  for (let i = 0; i < 22; i++) {
    const mid = (lo + hi) / 2;
    if ((throwAt(task, angle, mid).measurements.restX as number) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The speed at which a throw at `angle` first touches the ground on the target (ternary search: |landing − target| is unimodal in speed). */
function tuneLanding(task: TaskBase, angle: number): number {
  let lo = 1;
  let hi = 15;
  for (let i = 0; i < 30; i++) {
    const m1 = lo + (hi - lo) / 3;
    const m2 = hi - (hi - lo) / 3;
    if ((throwAt(task, angle, m1).measurements.landingError as number) < (throwAt(task, angle, m2).measurements.landingError as number)) hi = m2;
    else lo = m1;
  }
  return (lo + hi) / 2;
}

export type Kind = 'honest' | 'flat';
export const HONEST_ANGLE = 70;
export const FLAT_ANGLE = 10;

/** The tuned speed of each kind on each task. */
export function tunedSpeeds(suite: TaskSuite): { honest: number[]; flat: number[] } {
  return {
    honest: suite.tasks.map((t) => tuneRest(t, HONEST_ANGLE)),
    flat: suite.tasks.map((t) => tuneLanding(t, FLAT_ANGLE)),
  };
}

/** One population member: a throw kind and a relative speed error. */
export interface MemberSpec {
  readonly id: string;
  readonly kind: Kind;
  readonly error: number;
}

/** Simulates every member on every suite task: consequences[member][task]. */
export function simulatePopulation(suite: TaskSuite, members: readonly MemberSpec[]): AnchorMatrix {
  const speeds = tunedSpeeds(suite);
  const consequences = members.map((m, mi) => {
    const rng = new Stream([SEED, 'member', mi]);
    return suite.tasks.map((task, ti) => {
      const base = m.kind === 'honest' ? (speeds.honest[ti] as number) : (speeds.flat[ti] as number);
      const angle = m.kind === 'honest' ? HONEST_ANGLE : FLAT_ANGLE;
      return throwAt(task, angle, base * (1 + m.error * rng.normal()), mi * 1000 + ti);
    });
  });
  return { members: members.map((m) => m.id), tasks: suite.keys, consequences };
}

export const MEMBERS: readonly MemberSpec[] = [
  { id: 'honest-0', kind: 'honest', error: 0.005 },
  { id: 'honest-1', kind: 'honest', error: 0.02 },
  { id: 'honest-2', kind: 'honest', error: 0.05 },
  { id: 'honest-3', kind: 'honest', error: 0.1 },
  { id: 'flat-0', kind: 'flat', error: 0.0 },
  { id: 'flat-1', kind: 'flat', error: 0.01 },
  { id: 'flat-2', kind: 'flat', error: 0.03 },
  { id: 'flat-3', kind: 'flat', error: 0.08 },
];

/** The anchor suite and evidence matrix used by the gate tests (built once per test file). */
export function projectileEvidence(size = 12): { suite: TaskSuite; matrix: AnchorMatrix } {
  const suite = buildAnchorSuite(projectile, PARAMS, SEED, size);
  return { suite, matrix: simulatePopulation(suite, MEMBERS) };
}

/** A fresh oracle over the evidence. */
export function oracleOf(matrix: AnchorMatrix, budget: number): AnchorOracle {
  return new AnchorOracle(matrix, { budget });
}
