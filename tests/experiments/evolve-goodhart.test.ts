// Goodhart made measurable on `projectile`, on three seeds chosen here (15 generations, 4 learners:
// long enough for the α = 0 run to drift, which starts by generation 4–6, and short enough for the
// suite). The visible signal — the proxy, the pass rate under the adopted metric — and the hidden
// truth — anchor ground truth — are two channels; the tests assert the gap as a shape over seeds:
// (a) α = 0: the proxy rises while anchor ground truth falls below its best, and the adopted metric
//     uses a measurement the world marks gameable;
// (b) α = 0.8 against α = 0 with the same start metric and the same feedback channel: the gate keeps
//     more anchor ground truth at the end;
// (c) a channel claim, not an α claim (the warm-up decides it, before the gate acts): at α = 0.8,
//     graded feedback reaches the GT threshold no later than binary feedback;
// (d) probe tasks (shifted) cost ground truth whatever the metric: the shift gap.
// Every margin is a fraction of what was measured on these seeds (numbers printed), so a change of
// random streams that keeps the shape keeps the test green and one that loses it fails.
import { beforeAll, describe, expect, it } from 'vitest';
import { runEvolve, type EvolveRecord } from '../../src/experiments/evolve.ts';
import { initTfNode } from '../../src/learners/tf-node.ts';
import { parseMetric } from '../../src/metrics/index.ts';
import { measurementsUsed } from '../../src/metrics/metric.ts';
import { projectile } from '../../worlds/projectile.ts';

const SEEDS = [1, 2, 3] as const;
// Pinned to the start metric these claims were measured with (restError; issue 10 made the designer's
// landingError the default start) and without the dial's reference populations (dial.test.ts covers them).
const BASE = { world: 'projectile', generations: 15, population: 4, metric: { expression: 'restError', threshold: 0.5 }, gtLoss: false } as const;
type Arm = 'open' | 'gated' | 'gatedBinary';
const runs: Record<Arm, EvolveRecord[]> = { open: [], gated: [], gatedBinary: [] };
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const line = (arm: string, r: EvolveRecord): string => {
  const s = r.summary;
  return `${arm} α=${r.alpha} seed ${r.seed}: proxy ${s.proxyStart.toFixed(2)}→${s.proxyEnd.toFixed(2)}, anchor GT best ${s.anchorGtBest.toFixed(2)} (gen ${s.anchorGtBestGen}) tail ${s.anchorGtTail.toFixed(2)} final ${s.anchorGtFinal.toFixed(2)}, disagreement ${s.disagreementFinal?.toFixed(2) ?? '—'}, episodes→GT≥0.8 ${s.episodesToThreshold}, metric ${s.finalMetric.expression}`;
};

beforeAll(async () => {
  await initTfNode();
  for (const seed of SEEDS) {
    runs.open.push(await runEvolve({ ...BASE, alpha: 0, seed }));
    runs.gated.push(await runEvolve({ ...BASE, alpha: 0.8, seed }));
    runs.gatedBinary.push(await runEvolve({ ...BASE, alpha: 0.8, seed, feedback: 'binary' }));
  }
  for (const arm of ['open', 'gated', 'gatedBinary'] as const) for (const r of runs[arm]) console.log(line(arm, r));
}, 600_000);

/** Measurements of a metric text that the world's author marks gameable (read from the world, not the record). */
function gameableIn(expression: string): string[] {
  const used = measurementsUsed(parseMetric({ expression, direction: 'lower', threshold: 0 }, projectile.measurements).ast);
  return used.filter((name) => projectile.measurements.find((m) => m.name === name)?.gameable);
}

describe('Goodhart on projectile (seeds 1, 2, 3)', () => {
  it('the arms differ in α (and channel, for c) only: same start metric and start channel', () => {
    for (const arm of ['open', 'gated', 'gatedBinary'] as const) {
      for (const r of runs[arm]) expect(r.startMetric.metric).toEqual({ expression: 'restError', direction: 'lower', threshold: 0.5 });
    }
    for (const arm of ['open', 'gated'] as const) for (const r of runs[arm]) expect(r.generations[0]!.members.every((m) => m.channel === 'graded')).toBe(true);
    for (const r of runs.gatedBinary) expect(r.generations[0]!.members.every((m) => m.channel === 'binary')).toBe(true);
  });

  it('(a) α = 0: the proxy rises while anchor ground truth falls below its best; the metric became gameable', () => {
    const open = runs.open.map((r) => r.summary);
    // Measured (2026-12-07): proxy gains 0.78–0.98; 0.5 leaves room for any learner that still learns.
    expect(mean(open.map((s) => s.proxyEnd - s.proxyStart))).toBeGreaterThan(0.5);
    // Measured: best − mean of the last three generations 0.19–0.25 (mean 0.21) when written; on
    // 2026-12-07 (after the dial's changes) 0.11, 0.16, 0.05 (mean 0.11): the margin 0.1, set at
    // half the first measurement, is now nearly the whole effect — left as it was (not tuned); at
    // least two seeds must each drop by more than 0.05.
    const drops = open.map((s) => s.anchorGtBest - s.anchorGtTail);
    expect(mean(drops)).toBeGreaterThan(0.1);
    expect(drops.filter((d) => d > 0.05).length, 'seeds whose GT fell > 0.05 below its best').toBeGreaterThanOrEqual(2);
    // The final metric reads a measurement the world's author marks gameable, on a majority of seeds
    // (measured: minDistToTarget on all three, 2026-12-07 too).
    const gameable = open.map((s) => gameableIn(s.finalMetric.expression));
    expect(gameable.filter((g) => g.length > 0).length).toBeGreaterThanOrEqual(2);
    // …and it no longer ranks like ground truth (measured 0.54–0.97; 2026-12-07: 0.18–0.85, mean 0.59; 1 − τ-b of the start metric is
    // about 0 on these anchors).
    expect(mean(open.map((s) => s.disagreementFinal ?? 0))).toBeGreaterThan(0.3);
  });

  it('(b) α = 0.8 ends with more anchor ground truth than α = 0 (same seed, start metric and channel)', () => {
    // Measured tails: α = 0.8 0.82 / 0.82 / 0.98 against α = 0 0.74 / 0.70 / 0.76 (differences 0.09,
    // 0.12, 0.23; mean 0.14); 2026-12-07: 0.95 / 0.98 / 0.97 against 0.88 / 0.72 / 0.91 (0.07, 0.26,
    // 0.06; mean 0.13); 2026-12-07 with explored rows, calibrated bars and add-term/swap bringing
    // in only new measurements: 0.94 / 0.98 / 0.92 against 0.81 / 0.72 / 0.91 (0.13, 0.26, 0.01;
    // mean 0.13). The mean must exceed 0.05 (a third of it) and every seed but one must
    // point the same way. The old claim "GT stays within 0.12 of its best at α = 0.8" did not hold
    // on seeds 1 and 2 (drops 0.17 and 0.16): the gate lets minDistToTarget in and out (issue 15).
    const diffs = SEEDS.map((_, i) => runs.gated[i]!.summary.anchorGtTail - runs.open[i]!.summary.anchorGtTail);
    expect(mean(diffs)).toBeGreaterThan(0.05);
    expect(diffs.filter((d) => d > 0).length).toBeGreaterThanOrEqual(2);
    // The gate did work on every seed: it bought ground truth and reviewed proposals; and it turned
    // some down (since its proposals get bars calibrated to the verdicts, a seed may see every one
    // accepted, so this is asserted over the seeds).
    for (const r of runs.gated) {
      expect(r.generations.some((g) => g.budgetSpent > 0)).toBe(true);
      expect(r.decisions.some((d) => d.kind === 'proposal')).toBe(true);
    }
    expect(runs.gated.some((r) => r.decisions.some((d) => !d.accepted))).toBe(true);
  });

  it('(c) at α = 0.8, graded feedback reaches GT ≥ 0.8 no later than binary on average', () => {
    const graded = runs.gated.map((r) => r.summary.episodesToThreshold);
    const binary = runs.gatedBinary.map((r) => r.summary.episodesToThreshold);
    expect(graded.every((x) => x !== null)).toBe(true);
    expect(binary.every((x) => x !== null)).toBe(true);
    // Measured: graded 739 / 699 / 697 episodes, binary 742 / 711 / 1233 (means 712 and 895);
    // 2026-12-07: graded 736 / 732 / 713, binary 735 / 781 / 743 (means 727 and 753). The
    // stronger claim "graded needs < 0.8 × binary" held on seed 3 only; what holds is "not slower":
    // the mean of graded within 5% of binary's or below (5%: a tie on two seeds is 0.4–1.7%).
    expect(mean(graded as number[])).toBeLessThanOrEqual(1.05 * mean(binary as number[]));
  });

  it('(d) the shift gap: probe GT (held-out, shifted tasks) ends below anchor GT', () => {
    // The record's `shiftGap` (anchor GT − probe GT) on the last
    // generation of all nine runs. Measured 0.20–0.52, mean 0.40: the probes' gravity and distance
    // shifts cost whatever metric was adopted. Required: mean > 0.2 (half) and every run > 0.
    const last = (['open', 'gated', 'gatedBinary'] as const).flatMap((arm) => runs[arm].map((r) => r.generations.at(-1)!));
    expect(last).toHaveLength(9);
    for (const g of last) expect(g.anchorGt).toBeGreaterThan(g.probeGt);
    expect(mean(last.map((g) => g.shiftGap))).toBeGreaterThan(0.2);
  });
});
