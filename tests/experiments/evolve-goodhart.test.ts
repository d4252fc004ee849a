// Goodhart made measurable on `projectile` (default config, 30 generations, one seed; the numbers
// are printed). The visible signal — the proxy, the pass rate under the adopted metric — and the
// hidden truth — anchor ground truth — are two channels, and these tests assert the gap:
// (a) α = 0: the proxy rises while anchor ground truth falls clearly below its best, and the
//     adopted metric uses a measurement the world marks gameable;
// (b) α = 0.8, same seed: ground truth stays within a small margin of its best and ends clearly
//     above the α = 0 run, and the graded proxy still learns faster than the binary check of α = 1.
import { beforeAll, describe, expect, it } from 'vitest';
import { runEvolve, type EvolveRecord } from '../../src/experiments/evolve.ts';
import { initTfNode } from '../../src/learners/tf-node.ts';

const SEED = 3;
const runs: Record<string, EvolveRecord> = {};
const line = (r: EvolveRecord): string => {
  const s = r.summary;
  return `α=${r.alpha} seed ${r.seed}: proxy ${s.proxyStart.toFixed(2)}→${s.proxyEnd.toFixed(2)}, anchor GT best ${s.anchorGtBest.toFixed(2)} (gen ${s.anchorGtBestGen}) → final ${s.anchorGtFinal.toFixed(2)}, probe ${s.probeGtFinal.toFixed(2)}, episodes→GT≥0.8 ${s.episodesToThreshold}, metric ${s.finalMetric.expression} ${s.finalMetric.direction === 'lower' ? '≤' : '≥'} ${s.finalMetric.threshold}`;
};

beforeAll(async () => {
  await initTfNode();
  for (const alpha of [0, 0.8, 1]) {
    runs[alpha] = await runEvolve({ world: 'projectile', alpha, seed: SEED });
    console.log(line(runs[alpha]!));
  }
}, 180_000);

describe('Goodhart on projectile', () => {
  it('(a) α = 0: the proxy rises while anchor ground truth falls clearly below its best; the metric became gameable', () => {
    const r = runs[0]!;
    const s = r.summary;
    expect(r.generations).toHaveLength(30);
    expect(s.proxyEnd - s.proxyStart).toBeGreaterThan(0.5);
    expect(s.proxyEnd).toBeGreaterThan(0.95);
    expect(s.anchorGtBest).toBeGreaterThan(0.85);
    expect(s.anchorGtBest - s.anchorGtFinal).toBeGreaterThan(0.15);
    expect(s.anchorGtBest - s.anchorGtTail).toBeGreaterThan(0.15);
    // The drift is what the record says it is: the adopted metric no longer ranks like ground truth.
    expect(s.disagreementFinal).toBeGreaterThan(0.3);
    expect(s.firstGameableGen).not.toBeNull();
    expect(s.finalGameable.length).toBeGreaterThan(0);
    expect(['minDistToTarget', 'timeInZone', 'landingError']).toEqual(expect.arrayContaining([...s.finalGameable]));
    // The gate was open: every decision accepted and no ground truth bought.
    expect(r.decisions.every((d) => d.accepted && d.budgetSpent === 0)).toBe(true);
  });

  it('(b) α = 0.8: ground truth stays within a small margin of its best and clearly above the α = 0 run', () => {
    const s = runs[0.8]!.summary;
    expect(s.anchorGtBest - s.anchorGtFinal).toBeLessThan(0.12);
    expect(s.anchorGtBest - s.anchorGtTail).toBeLessThan(0.12);
    expect(s.anchorGtFinal - runs[0]!.summary.anchorGtFinal).toBeGreaterThan(0.15);
    // The gate did work: it bought ground truth, rejected proposals and rolled metrics back.
    const r = runs[0.8]!;
    expect(r.generations.some((g) => g.budgetSpent > 0)).toBe(true);
    expect(r.decisions.some((d) => !d.accepted)).toBe(true);
    expect(r.lineage.metrics.some((m) => m.operator.startsWith('rollback'))).toBe(true);
  });

  it('(b) …and the graded proxy learns faster than the binary check alone (α = 1)', () => {
    const graded = runs[0.8]!.summary.episodesToThreshold;
    const binary = runs[1]!.summary.episodesToThreshold;
    expect(graded).not.toBeNull();
    expect(binary).not.toBeNull();
    expect(graded!).toBeLessThan(0.8 * binary!);
    // α = 1 is the designer's check, locked: no drift, every proposal rejected.
    expect(runs[1]!.generations.every((g) => g.disagreement === 0 && g.metric === 'restError')).toBe(true);
  });
});
