// Every registered world against its stored golden record. This test only reads: the files change
// through `npm run golden:update` (tests/golden/update.ts), which prints what moved.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WORLDS } from '../../worlds/index.ts';
import { goldenRecord, type GoldenRecord } from './golden.ts';
import { goldenChanges } from './update.ts';

describe('golden references', () => {
  for (const world of WORLDS) {
    it(`${world.id} matches its stored digest`, () => {
      const file = new URL(`./${world.id}.json`, import.meta.url);
      if (!existsSync(file)) throw new Error(`no golden file for '${world.id}': run \`npm run golden:update\`, review and commit it`);
      const stored = JSON.parse(readFileSync(file, 'utf8')) as GoldenRecord;
      const now = goldenRecord(world);
      // Compare the per-measurement sums first: a failure then names what moved.
      expect(now.measurementSums, 'measurements moved').toEqual(stored.measurementSums);
      expect(now.checksHash, 'ground-truth checks changed').toBe(stored.checksHash);
      expect(now.gtPassRate).toBe(stored.gtPassRate);
      expect(now.hash, 'consequence digest (trajectories included)').toBe(stored.hash);
    });
  }
});

describe('the golden comparison itself', () => {
  // A stored record altered by hand (inputs the generator did not produce): the report names each
  // field that moved, and nothing when the records are equal.
  const stored = JSON.parse(readFileSync(new URL('./projectile.json', import.meta.url), 'utf8')) as GoldenRecord;
  it('reports nothing for an identical record and every moved field otherwise', () => {
    expect(goldenChanges(stored, structuredClone(stored))).toEqual([]);
    const name = Object.keys(stored.measurementSums)[0] as string;
    const moved: GoldenRecord = { ...stored, hash: 'f'.repeat(64), gtPassRate: stored.gtPassRate + 0.5, measurementSums: { ...stored.measurementSums, [name]: '1.0000000000000000' } };
    const lines = goldenChanges(stored, moved);
    expect(lines).toHaveLength(3);
    expect(lines.join('\n')).toMatch(new RegExp(`gtPassRate: ${stored.gtPassRate} → ${stored.gtPassRate + 0.5}`));
    expect(lines.join('\n')).toMatch(new RegExp(`measurement ${name}: sum ${stored.measurementSums[name]} → 1\\.0000000000000000`));
    expect(goldenChanges(undefined, stored)[0]).toMatch(/^new golden file/);
  });
});
