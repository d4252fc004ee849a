/**
 * The anchors of a run: the world's frozen ground-truth checks, identified by their content hash.
 * `recordAnchors` at run start goes into the run record; `verifyAnchors` at the end recomputes
 * the hash from the check code itself and fails the run loudly if anything changed.
 */
import { hashChecks, type GroundTruthCheck } from '../core/checks.ts';
import type { AnyWorld } from '../core/types.ts';

/** What a run records about its anchors (plain data). */
export interface AnchorsRecord {
  readonly world: string;
  readonly version: number;
  /** sha-256 over each check's name, doc and predicate source (src/core/checks.ts). */
  readonly checksHash: string;
  /** Check names, in order (for the reader of a run record). */
  readonly checks: readonly string[];
}

/** The anchors changed during a run: its results are not comparable with its start. */
export class AnchorsChangedError extends Error {
  constructor(
    readonly world: string,
    readonly expected: string,
    readonly actual: string,
    detail: string,
  ) {
    super(`ANCHORS CHANGED for world '${world}': ${detail} (recorded ${expected.slice(0, 16)}…, now ${actual.slice(0, 16)}…); this run is invalid`);
    this.name = 'AnchorsChangedError';
  }
}

function recompute(world: AnyWorld): string {
  return hashChecks(world.checks.checks as readonly GroundTruthCheck<never, never>[]);
}

/** Records the anchors at run start (recomputed from the check code, and checked against the declared hash). */
export function recordAnchors(world: AnyWorld): AnchorsRecord {
  const checksHash = recompute(world);
  if (checksHash !== world.checks.hash) {
    throw new AnchorsChangedError(world.id, world.checks.hash, checksHash, 'the checks no longer match the hash declared with them');
  }
  return Object.freeze({ world: world.id, version: world.version, checksHash, checks: Object.freeze(world.checks.checks.map((c) => c.name)) });
}

/** Re-verifies the anchors at run end; throws AnchorsChangedError on any mismatch. */
export function verifyAnchors(world: AnyWorld, record: AnchorsRecord): void {
  const actual = recompute(world);
  if (world.id !== record.world || world.version !== record.version) {
    throw new AnchorsChangedError(record.world, record.checksHash, actual, `recorded for ${record.world} v${record.version}, verified against ${world.id} v${world.version}`);
  }
  if (actual !== record.checksHash) throw new AnchorsChangedError(world.id, record.checksHash, actual, 'the ground-truth check code differs from the run start');
  if (world.checks.hash !== record.checksHash) throw new AnchorsChangedError(world.id, record.checksHash, world.checks.hash, 'the declared checks hash differs from the run start');
}
