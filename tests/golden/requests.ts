/**
 * The golden batches of a world, shared by the Node golden test and the browser page so both
 * runtimes play exactly the same requests: random episodes of each split (trajectories on), and
 * for `balance` also long episodes under a stabilising controller, so ten simulated seconds of a
 * hinged pole (rotation, constraints) are compared across runtimes, not only quick falls.
 */
import { linearPolicy } from '../../src/core/policy.ts';
import { resolveParams, type BatchRequest } from '../../src/core/runtime.ts';
import type { AnyWorld } from '../../src/core/types.ts';
import { GOLDEN_EPISODES, GOLDEN_SEED } from './constants.ts';

/** LQR gains for the default cart-pole (see tests/worlds/balance.test.ts), squashed into ±10 N. */
const BALANCE_GAINS = [1.0, 2.3, 31.9, 8.2];

/** The requests whose consequences, in order, make up a world's golden digest. */
export function goldenRequests(world: AnyWorld): BatchRequest[] {
  const per = GOLDEN_EPISODES / 3;
  const requests: BatchRequest[] = (['train', 'anchor', 'probe'] as const).map((split, i) => ({
    world: world.id,
    params: {},
    seed: GOLDEN_SEED,
    episodes: { kind: 'random', split, start: i * per, count: per },
    trajectory: true,
  }));
  if (world.id === 'balance') {
    const space = world.actionSpace(resolveParams(world, {}));
    requests.push({
      world: world.id,
      params: {},
      seed: GOLDEN_SEED,
      episodes: { kind: 'random', split: 'train', start: GOLDEN_EPISODES, count: 4 },
      policy: linearPolicy([BALANCE_GAINS.map((k) => k / 10)], [0], space),
      trajectory: true,
    });
  }
  return requests;
}
