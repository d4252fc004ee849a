/**
 * The world registry: one line per world. `getWorld` is the only lookup; unknown ids are an
 * input error naming what is allowed.
 */
import type { AnyWorld } from '../src/core/types.ts';
import { InputError } from '../src/core/errors.ts';
import { projectile } from './projectile.ts';
import { multiTarget } from './multi-target.ts';
import { balance } from './balance.ts';
import { guess } from './guess.ts';
import { pusher } from './pusher.ts';
import { sensor } from './sensor.ts';
import { hoops } from './hoops.ts';
import { flip } from './flip.ts';

/** Every registered world, in listing order. */
export const WORLDS: readonly AnyWorld[] = [projectile, multiTarget, balance, guess, pusher, sensor, hoops, flip];

const byId = new Map(WORLDS.map((w) => [w.id, w]));

/** Ids of the registered worlds. */
export function worldIds(): string[] {
  return WORLDS.map((w) => w.id);
}

/** Looks a world up by id; throws InputError naming the allowed ids. */
export function getWorld(id: string): AnyWorld {
  const w = byId.get(id);
  if (!w) throw new InputError('world', id, `one of ${worldIds().join(', ')}`);
  return w;
}
