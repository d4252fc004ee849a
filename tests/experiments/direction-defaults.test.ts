// Directions from declarations, where metrics are written: `train`, `evolve` and `metric check`
// take an expression's default direction from its measurements' `better`, and exit 2 asking for
// --direction when they give none; `train --metric timeInZone` trains toward more time in the zone.
import { beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIO } from '../../src/cli/main.ts';
import { validateEvolveConfig } from '../../src/experiments/evolve.ts';
import { runTraining, validateTrainConfig } from '../../src/experiments/train.ts';
import { initTfNode } from '../../src/learners/tf-node.ts';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), progress: false };
  return { code: await main(argv, io), out, err };
}

describe('exit 2 asking for --direction when the declarations give none', () => {
  it('metric check', async () => {
    const bad = await run('metric', 'check', 'timeInZone + restError', '--world', 'projectile');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--direction.*'timeInZone \+ restError' has no default direction \(the measurements disagree/);
    expect((await run('metric', 'check', 'maxHeight', '--world', 'projectile')).code).toBe(2);
    const given = await run('metric', 'check', 'timeInZone + restError', '--world', 'projectile', '--direction', 'higher', '--json');
    expect(given.code).toBe(0);
    expect(JSON.parse(given.out)).toMatchObject({ direction: 'higher', directionSource: 'given with --direction' });
    const inferred = await run('metric', 'check', 'timeInZone', '--world', 'projectile', '--json');
    expect(JSON.parse(inferred.out)).toMatchObject({ direction: 'higher', directionSource: expect.stringMatching(/timeInZone \(better: higher\)/) });
  });

  it('train', async () => {
    const bad = await run('train', '--world', 'projectile', '--learner', 'gaussian-policy', '--metric', 'timeInZone + restError', '--threshold', '0.2', '--episodes', '64');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/direction: missing; expected lower or higher \(pass --direction\)/);
    expect(validateTrainConfig({ world: 'projectile', learner: 'gaussian-policy', metric: 'timeInZone + restError', direction: 'higher', threshold: 0.2 }).direction).toBe('higher');
  });

  it('evolve (CLI and config alike)', async () => {
    const bad = await run('evolve', '--world', 'projectile', '--alpha', '0.5', '--metric', 'timeInZone + restError', '--threshold', '1', '--generations', '1');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/metric\.direction: missing; expected lower or higher \(pass --direction\)/);
    expect(() => validateEvolveConfig({ world: 'projectile', alpha: 0.5, metric: { expression: 'maxHeight', threshold: 1 } })).toThrow(/metric\.direction: missing/);
    expect(() => validateEvolveConfig({ world: 'projectile', alpha: 0.5, metric: { expression: 'timeInZone', threshold: 0.2 } })).not.toThrow();
    expect((await run('evolve', '--world', 'projectile', '--alpha', '0.5', '--metric', 'timeInZone')).code).toBe(2); // no --threshold
    expect((await run('evolve', '--world', 'projectile', '--alpha', '0.5', '--direction', 'lower')).code).toBe(2); // no --metric
  });
});

describe('train --metric timeInZone trains toward more time in the zone', () => {
  beforeAll(async () => {
    await initTfNode();
  });

  it('the inferred direction is higher, and it beats the old default (lower) on every seed', async () => {
    // Three seeds chosen here. Taught `lower`, the learner leaves the zone (timeInZone → 0, as the
    // issue saw); taught the declared `higher`, it stays longer. Measured at this budget: gaps of
    // 0.09, 0.13, 0.12 s (tail timeInZone 0.10–0.15 s against 0.01–0.02 s; GT 0.23–0.47 against
    // 0.03–0.06). The margin 0.03 s is a third of the smallest gap, and a wrong direction gives ≤ 0.
    const base = { world: 'projectile', learner: 'gaussian-policy', metric: 'timeInZone', threshold: 0.2, episodes: 1536, evalPoints: 6, evalTasks: 64 };
    const tail = (curve: readonly { metric: number }[]): number => curve.slice(-2).reduce((s, p) => s + p.metric, 0) / 2;
    for (const seed of [1, 2, 3]) {
      const up = await runTraining({ ...base, seed });
      expect(up.metric.direction).toBe('higher');
      const down = await runTraining({ ...base, seed, direction: 'lower' });
      expect(tail(up.curve) - tail(down.curve), `seed ${seed}`).toBeGreaterThan(0.03);
    }
  }, 600_000);
});
