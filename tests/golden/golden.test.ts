import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WORLDS } from '../../worlds/index.ts';
import { goldenRecord, type GoldenRecord } from './golden.ts';

const update = process.env.UPDATE_GOLDEN === '1';

describe('golden references', () => {
  for (const world of WORLDS) {
    it(`${world.id} matches its stored digest`, () => {
      const file = new URL(`./${world.id}.json`, import.meta.url);
      const now = goldenRecord(world);
      if (update || !existsSync(file)) {
        // A missing file is written once (new world) but still fails, so it gets reviewed and committed.
        writeFileSync(file, JSON.stringify(now, null, 2) + '\n');
        if (!update) throw new Error(`no golden file for '${world.id}': wrote ${file.pathname}; review and commit it`);
        return;
      }
      const stored = JSON.parse(readFileSync(file, 'utf8')) as GoldenRecord;
      // Compare the per-measurement sums first: a failure then names what moved.
      expect(now.measurementSums, 'measurements moved').toEqual(stored.measurementSums);
      expect(now.checksHash, 'ground-truth checks changed').toBe(stored.checksHash);
      expect(now.gtPassRate).toBe(stored.gtPassRate);
      expect(now.hash, 'consequence digest (trajectories included)').toBe(stored.hash);
    });
  }
});
