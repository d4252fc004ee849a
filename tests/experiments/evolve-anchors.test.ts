// The anchors are re-verified at the end of every evolve run: a mismatch fails the run loudly.
// (The checks are deep-frozen, so the change is simulated by making verification report one.)
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { AnchorsChangedError } from '../../src/anchors/index.ts';
import { main, type CliIO } from '../../src/cli/main.ts';
import { runEvolve } from '../../src/experiments/evolve.ts';
import { initTfNode } from '../../src/learners/tf-node.ts';

const calls: string[] = [];
vi.mock('../../src/anchors/index.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/anchors/index.ts')>();
  return {
    ...real,
    recordAnchors: (world: Parameters<typeof real.recordAnchors>[0]) => {
      calls.push('record');
      return real.recordAnchors(world);
    },
    verifyAnchors: (world: Parameters<typeof real.verifyAnchors>[0], record: Parameters<typeof real.verifyAnchors>[1]) => {
      calls.push('verify');
      real.verifyAnchors(world, record); // the real check passes…
      throw new real.AnchorsChangedError(record.world, record.checksHash, 'f'.repeat(64), 'the ground-truth check code differs from the run start'); // …then a change is reported
    },
  };
});

const SMALL = { world: 'projectile', alpha: 0.5, generations: 2, population: 2, episodesPerGeneration: 32, anchorTasks: 4, probeTasks: 4, trainTasks: 16, evalTasks: 4, warmup: 1, seed: 3 };

beforeAll(async () => {
  await initTfNode();
});

describe('anchors re-verified at the end of the run', () => {
  it('records the anchors first, verifies them last, and an AnchorsChangedError fails the run', async () => {
    calls.length = 0;
    await expect(runEvolve(SMALL)).rejects.toThrow(AnchorsChangedError);
    expect(calls).toEqual(['record', 'verify']);
  });

  it('the CLI reports it loudly (exit 1, ANCHORS CHANGED) rather than printing a result', async () => {
    let out = '';
    let err = '';
    const io: CliIO = { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), progress: false };
    const code = await main(['evolve', '--world', 'projectile', '--alpha', '0.5', '--generations', '2', '--population', '2', '--episodes', '16', '--warmup', '1', '--json'], io);
    expect(code).toBe(1);
    expect(err).toMatch(/ANCHORS CHANGED for world 'projectile'.*this run is invalid/);
    expect(out).toBe('');
  });
});
