import { describe, expect, it } from 'vitest';
import { AnchorsChangedError, recordAnchors, verifyAnchors } from '../../src/anchors/anchors.ts';
import { defineChecks, hashChecks } from '../../src/core/checks.ts';
import type { AnyWorld } from '../../src/core/types.ts';
import { WORLDS } from '../../worlds/index.ts';
import { projectile } from '../../worlds/projectile.ts';

describe('anchors: frozen, hashed, re-verified', () => {
  it('records and re-verifies every registered world', () => {
    for (const world of WORLDS) {
      const record = recordAnchors(world);
      expect(record.checksHash).toBe(world.checks.hash);
      expect(record.checks).toEqual(world.checks.checks.map((c) => c.name));
      expect(() => verifyAnchors(world, record)).not.toThrow();
      expect(JSON.parse(JSON.stringify(record))).toEqual(record);
    }
  });

  it('fails loudly when the check code differs from the run start', () => {
    const record = recordAnchors(projectile);
    // The same world with a loosened check (what a run that edited its anchors would look like).
    const loosened: AnyWorld = {
      ...projectile,
      checks: defineChecks([{ ...projectile.checks.checks[0]!, margin: ({ measurements: m, params: p }) => 2 * p.zoneHalfWidth - (m.restError as number) }]),
    };
    expect(() => verifyAnchors(loosened, record)).toThrow(AnchorsChangedError);
    expect(() => verifyAnchors(loosened, record)).toThrow(/ANCHORS CHANGED for world 'projectile'.*differs from the run start/);
    // A forged record fails too, as does a record of another world or version.
    expect(() => verifyAnchors(projectile, { ...record, checksHash: '0'.repeat(64) })).toThrow(AnchorsChangedError);
    expect(() => verifyAnchors(projectile, { ...record, version: record.version + 1 })).toThrow(AnchorsChangedError);
    // A suite whose declared hash no longer matches its checks cannot even be recorded.
    const stale: AnyWorld = { ...projectile, checks: { checks: projectile.checks.checks, hash: hashChecks(loosened.checks.checks) } };
    expect(() => recordAnchors(stale)).toThrow(AnchorsChangedError);
  });

  it('cannot be mutated: every attempt throws (checks are deep-frozen, modules are strict)', () => {
    const checks = projectile.checks.checks as unknown as Record<string, unknown>[] & { push(x: unknown): void };
    const check = checks[0] as Record<string, unknown>;
    const record = recordAnchors(projectile);
    expect(() => {
      check.margin = () => 1;
    }).toThrow(TypeError);
    expect(() => {
      check.doc = 'anything goes';
    }).toThrow(TypeError);
    expect(() => {
      delete check.name;
    }).toThrow(TypeError);
    expect(() => checks.push({ name: 'extra' })).toThrow(TypeError);
    expect(() => {
      (projectile.checks as { hash: string }).hash = 'x';
    }).toThrow(TypeError);
    expect(() => Object.defineProperty(check, 'applies', { value: () => false })).toThrow(TypeError);
    expect(() => {
      (check.margin as { extra?: number }).extra = 1; // the predicate function itself is frozen
    }).toThrow(TypeError);
    expect(() => verifyAnchors(projectile, record)).not.toThrow();
  });
});
