import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { randomTask, resolveParams } from '../../src/core/runtime.ts';
import { projectile } from '../../worlds/projectile.ts';
import { createPhysicsApi } from '../../workers/physics-api.ts';

// The worker boundary checks explicit tasks against the world's own task schema, so a bad task
// is a clear input error naming the item and field, never a NaN or a crash deep in a simulator.
describe('physics worker API: explicit tasks', () => {
  const api = createPhysicsApi();
  const params = resolveParams(projectile, {});
  const good = randomTask(projectile, params, 7, 'train', 0);
  const request = (task: unknown) => ({ world: 'projectile', params: {}, seed: 7, episodes: { kind: 'explicit' as const, items: [{ episode: 0, task: task as typeof good, action: [5, 0.8] }] } });

  it('runs a valid task as the runtime would', () => {
    expect(api.runBatch(request(good)).consequences).toHaveLength(1);
  });

  it('rejects a task field of the wrong type, naming the item and the field', () => {
    const bad = { ...good, targetX: 'far' };
    expect(() => api.runBatch(request(bad))).toThrow(InputError);
    expect(() => api.runBatch(request(bad))).toThrow(/request\.episodes\.items\.0\.task\.targetX: "far" is not allowed; expected a number/);
  });

  it('rejects a missing field and an unknown key', () => {
    const { targetX: _, ...missing } = good as typeof good & { targetX: number };
    expect(() => api.runBatch(request(missing))).toThrow(/items\.0\.task\.targetX: missing/);
    expect(() => api.runBatch(request({ ...good, wind: 3 }))).toThrow(/items\.0\.task\.wind/);
  });

  it('rejects an out-of-range override', () => {
    expect(() => api.runBatch(request({ ...good, overrides: { gravity: -5 } }))).toThrow(/items\.0\.task\.overrides\.gravity/);
  });
});
