/**
 * Golden references (matter-js's own example suite is the model): every registered world runs a
 * fixed seeded batch headless, and its digest and per-measurement sums are compared with the
 * stored file, so an accidental change shows which measurements moved.
 * Regenerate deliberately with `npm run golden:update` (prints what changed; the test never writes).
 */
import { digestConsequences } from '../../src/core/digest.ts';
import { WorldRuntime } from '../../src/core/runtime.ts';
import type { AnyWorld } from '../../src/core/types.ts';
import { GOLDEN_EPISODES, GOLDEN_SEED } from './constants.ts';
import { goldenRequests } from './requests.ts';

export { GOLDEN_EPISODES, GOLDEN_SEED };

/** What is stored per world. */
export interface GoldenRecord {
  world: string;
  version: number;
  seed: number;
  episodes: number;
  hash: string;
  checksHash: string;
  gtPassRate: number;
  /** Sum of each measurement over the batch, as a decimal string with all 17 digits. */
  measurementSums: Record<string, string>;
}

/** Runs the golden batches of a world in process. */
export function goldenRecord(world: AnyWorld): GoldenRecord {
  const rt = new WorldRuntime(world);
  const consequences = goldenRequests(world).flatMap((req) => rt.runBatch(req).consequences);
  const sums: Record<string, string> = {};
  for (const m of world.measurements) sums[m.name] = consequences.reduce((a, c) => a + (c.measurements[m.name] ?? NaN), 0).toPrecision(17);
  return {
    world: world.id,
    version: world.version,
    seed: GOLDEN_SEED,
    episodes: consequences.length,
    hash: digestConsequences(consequences),
    checksHash: world.checks.hash,
    gtPassRate: consequences.filter((c) => c.gtPass).length / consequences.length,
    measurementSums: sums,
  };
}
