import { describe, expect, it } from 'vitest';
import { checkWorld, VIEW_PROPERTY } from '../../src/core/checkWorld.ts';
import { viewChannels, worldViewSchema } from '../../src/core/view.ts';
import { isClosedLoop, type AnyWorld } from '../../src/core/types.ts';
import { projectile } from '../../worlds/projectile.ts';
import { WORLDS } from '../../worlds/index.ts';

// The view hook is what the app draws: every one-shot physics world has one, and the checker
// catches a view that names a channel the trajectory does not record.
describe('world views', () => {
  it('every one-shot physics world declares a valid view naming its trajectory channels', () => {
    const withView = WORLDS.filter((w) => w.view).map((w) => w.id);
    const expected = WORLDS.filter((w) => !isClosedLoop(w) && w.physics !== false).map((w) => w.id);
    expect(withView).toEqual(expected);
    const p = projectile.params.parse({ body: 'ball' });
    const v = projectile.view!(p, { split: 'train', targetX: 6 });
    expect(worldViewSchema.safeParse(v).success).toBe(true);
    expect(viewChannels(v).sort()).toEqual(['angle', 'x', 'y']);
  });

  it('the checker reports a view over a channel that is not recorded', async () => {
    const broken: AnyWorld = { ...projectile, view: (p, t) => ({ ...projectile.view!(p, t), bodies: [{ name: 'ghost', shape: { kind: 'circle', r: 0.1 }, x: 'notAChannel', y: 'y' }] }) };
    const r = await checkWorld(broken, { cases: 5 });
    const messages = r.problems.filter((p) => p.property === VIEW_PROPERTY).map((p) => p.message);
    expect(messages.length).toBeGreaterThan(0);
    expect(messages[0]).toContain("'notAChannel'");
    const ok = await checkWorld(projectile, { cases: 5 });
    expect(ok.passed).toContain(VIEW_PROPERTY);
  });
});
