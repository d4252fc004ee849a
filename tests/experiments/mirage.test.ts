// The mirage study: (1) its statistics on synthetic rollouts whose truth is known — independent
// per-target hits give p^k inside allHit's interval and jumps "explained by the metric";
// all-or-none hits (one coin per task) give allHit = p, far above p^k, and jumps "not explained";
// (2) a tiny real run through the run layer: results shape, the three scores ordered as they
// must be on the same rollouts, the learner improving, shards merging into the unsharded run.
import { beforeAll, describe, expect, it } from 'vitest';
import { Stream } from '../../src/core/rng.ts';
import { combineMirage, evenProgressBudgets, maxStepShare, mirageBudgets, PILOT_SEED_OFFSET, mirageConfigSchema, mirageExperiment, mirageResultsSchema, type MirageResults, type SeedCurve } from '../../src/experiments/mirage.ts';
import { getExperiment } from '../../src/experiments/registry.ts';
import { initTfNode } from '../../src/learners/tf-node.ts';
import { inProcessRunner } from '../../src/runs/in-process.ts';
import { mergeShards } from '../../src/runs/merge.ts';
import { makeProvenance } from '../../src/runs/provenance.ts';
import { parseRecord, type Provenance } from '../../src/runs/record.ts';
import { startRun, type RunHost } from '../../src/runs/runner.ts';
import { MemorySink } from '../../src/runs/sink.ts';

/** Synthetic seeds: per-target hit probability p(i) at point i; `correlated` = one coin per task for all k throws. */
function synthetic(config: ReturnType<typeof mirageConfigSchema.parse>, p: (i: number) => number, correlated: boolean, budgets: readonly number[] = mirageBudgets(config)): SeedCurve[] {
  return Array.from({ length: config.seeds }, (_, s) => {
    const rng = new Stream([99, s, correlated ? 'c' : 'i']);
    return {
      seed: config.seed + s,
      points: budgets.map((scale, i) => {
        const hits: number[] = [];
        for (let t = 0; t < config.evalTasks; t++) {
          if (correlated) hits.push(rng.next() < p(i) ? config.k : 0);
          else {
            let h = 0;
            for (let j = 0; j < config.k; j++) if (rng.next() < p(i)) h++;
            hits.push(h);
          }
        }
        return { scale, hits, allHit: hits.map((h) => (h === config.k ? 1 : 0)), error: hits.map((h) => 1 - h / config.k) };
      }),
      pilot: null,
    };
  });
}

describe('mirage statistics on synthetic rollouts', () => {
  const config = mirageConfigSchema.parse({ seeds: 5, evalTasks: 200, episodes: 6400, points: 8, resamples: 300, spacing: 'log' });
  // Per-target rate rising linearly in the point index: a smooth ability, no jump in it.
  const p = (i: number) => 0.2 + (0.75 * i) / 7;

  it('independent hits: p^k inside allHit’s interval almost everywhere, allHit jumpier than per-target, every jump explained by the metric', () => {
    const r = combineMirage(config, synthetic(config, p, false));
    expect(mirageResultsSchema.safeParse(r).success).toBe(true);
    expect(r.points).toHaveLength(8);
    // 95% intervals at 8 points: ≥ 6 inside leaves room for the two misses chance allows.
    expect(r.shape.predictionInside).toBeGreaterThanOrEqual(6);
    // Linear p: per-target's largest step is 1/7 of its rise; p^5's last step is ~0.45 of its rise.
    expect(r.shape.perTargetMaxStepShare!).toBeLessThan(0.2);
    expect(r.shape.stepShareRatio!).toBeGreaterThan(2);
    expect(r.jumps.length).toBeGreaterThan(0);
    expect(r.jumps.every((j) => j.verdict === 'explained by the metric')).toBe(true);
    for (const pt of r.points) {
      expect(pt.allHitCi[0]).toBeLessThanOrEqual(pt.allHit);
      expect(pt.allHitCi[1]).toBeGreaterThanOrEqual(pt.allHit);
      expect(pt.allHit).toBeLessThanOrEqual(pt.perTargetHit);
    }
  });

  it('all-or-none hits: allHit equals the per-target rate, p^k falls far below it, the jumps are not explained', () => {
    const steep = (i: number) => (i < 5 ? 0.02 : 0.3 + 0.3 * (i - 5)); // a real jump in the ability itself
    const r = combineMirage(config, synthetic(config, steep, true));
    expect(r.shape.predictionInside).toBeLessThanOrEqual(5);
    expect(r.jumps.length).toBeGreaterThan(0);
    expect(r.jumps.every((j) => j.verdict === 'not explained by the metric')).toBe(true);
    expect(r.jumps[0]?.reason).toMatch(/leaves allHit's interval/);
  });

  it('zero passes keep an honest upper bound (Wilson), not a [0, 0] interval', () => {
    const r = combineMirage(config, synthetic(config, () => 0.1, false));
    const first = r.points[0]!;
    expect(first.allHit).toBe(0);
    expect(first.allHitCi[1]).toBeGreaterThan(0);
    expect(first.predictionInside).toBe(true);
  });

  it('maxStepShare and budgets', () => {
    expect(maxStepShare([0, 0.1, 0.2, 1])).toBeCloseTo(0.8, 12);
    expect(maxStepShare([1, 1])).toBeNull();
    const b = mirageBudgets({ episodes: 6400, points: 8, roundSize: 64 });
    expect(b).toHaveLength(8);
    expect([b[0], b[7]]).toEqual([192, 6400]);
    // Log-spaced: neighbours differ by 32^(1/7) ≈ 1.64, up to rounding to whole 64-episode rounds.
    for (let i = 1; i < 8; i++) {
      expect(b[i]! % 64).toBe(0);
      expect(b[i]! / b[i - 1]!).toBeGreaterThan(1.4);
      expect(b[i]! / b[i - 1]!).toBeLessThan(1.9);
    }
    expect(() => mirageBudgets({ episodes: 100, firstBudget: 100, points: 8, roundSize: 64 })).toThrow(RangeError);
  });
});

describe('even-progress spacing', () => {
  const config = mirageConfigSchema.parse({ seeds: 5, evalTasks: 200, episodes: 6400, points: 8, resamples: 300 });
  // An ability like the learner's: at chance (0.2) for the first few hundred episodes, then a
  // logistic rise in log budget to ~0.9 (the shape docs/studies/mirage.md measured).
  const ability = (b: number) => 0.2 + 0.7 / (1 + Math.exp(-3 * (Math.log(b) - Math.log(1300))));
  const pilotAt = mirageBudgets({ ...config, points: 16 });
  const pilot = pilotAt.map((scale) => ({ scale, perTargetHit: ability(scale) }));

  it('places budgets where the pilot reached evenly spaced per-target rates, on whole rounds, first and last kept', () => {
    const { budgets, levels } = evenProgressBudgets(pilot, config);
    expect(budgets).toHaveLength(8);
    expect([budgets[0], budgets[7]]).toEqual([pilotAt[0], 6400]);
    expect(levels[0]).toBeCloseTo(ability(pilotAt[0]!), 12);
    expect(levels[7]).toBeCloseTo(ability(6400), 12);
    for (let i = 1; i < 8; i++) {
      expect(budgets[i]! % 64 === 0 || budgets[i] === 6400).toBe(true);
      expect(budgets[i]!).toBeGreaterThan(budgets[i - 1]!);
    }
    // The pilot's rate at each inner budget is its level, up to the interpolation between 16
    // pilot points and rounding to a 64-episode round: 0.03 is a quarter of one level step (~0.11).
    for (let i = 1; i < 7; i++) expect(Math.abs(ability(budgets[i]!) - levels[i]!)).toBeLessThan(0.03);
  });

  it('on an S-shaped ability, log spacing puts the rise in one step; even-progress spreads it and leaves the jump to the metric', () => {
    const pAt = (budgets: readonly number[]) => (i: number) => ability(budgets[i]!);
    const logB = mirageBudgets(config);
    const evenB = evenProgressBudgets(pilot, config).budgets;
    const log = combineMirage({ ...config, spacing: 'log' }, synthetic(config, pAt(logB), false, logB));
    const even = combineMirage(config, synthetic(config, pAt(evenB), false, evenB));
    // Seven even steps of the ability give shares near 1/7 ≈ 0.14; 0.22 leaves room for sampling
    // noise (200 tasks × 5 seeds per point). Log spacing concentrates ≥ 0.3 in its steepest step.
    expect(log.shape.perTargetMaxStepShare!).toBeGreaterThan(0.3);
    expect(even.shape.perTargetMaxStepShare!).toBeLessThan(0.22);
    // Noise-free, p^5 of an even rise from 0.2 to 0.89 puts 0.44 of its rise in the last step
    // against per-target's 1/7: ratio 3.1. Sampling noise raises per-target's largest step (here
    // 2.2 against log spacing's 1.3); 1.8 and a gap of 0.5 fail if the spacing stops evening it out.
    expect(even.shape.stepShareRatio!).toBeGreaterThan(1.8);
    expect(even.shape.stepShareRatio!).toBeGreaterThan(log.shape.stepShareRatio! + 0.5);
  });

  it('a pilot that never rises says nothing about where learning happens: log spacing', () => {
    const flat = pilotAt.map((scale) => ({ scale, perTargetHit: 0.2 }));
    expect(evenProgressBudgets(flat, config)).toEqual({ budgets: mirageBudgets(config), levels: [] });
  });
});

describe('mirage on real rollouts (tiny)', () => {
  const provenance: Provenance = makeProvenance({ mirageLab: '0.1.0', packages: {}, runtime: 'test', backend: 'wasm' });
  let tick = 0;
  const host = (): RunHost => ({ batch: inProcessRunner(), workers: 1, signal: new AbortController().signal, now: () => new Date(Date.UTC(2026, 0, 1, 0, 0, tick++)).toISOString() });
  // Seeds 3 and 4, a small budget: enough for the learner to move, cheap enough for a unit test.
  const config = mirageConfigSchema.parse({ seed: 3, seeds: 2, episodes: 1600, points: 4, evalTasks: 48, resamples: 200 });

  beforeAll(async () => {
    await initTfNode('wasm');
  });

  it('is registered; results have the documented shape; the scores of the same rollouts are ordered; learning shows', async () => {
    expect(getExperiment('mirage')).toBe(mirageExperiment);
    const sink = new MemorySink();
    const out = await startRun({ ...host(), experiment: mirageExperiment, config, provenance, shard: null, sink });
    expect(out.status).toBe('finished');
    const r = mirageResultsSchema.parse(out.results) as MirageResults;
    expect(r.axis).toMatch(/training budget/);
    expect(r.seeds).toEqual([3, 4]);
    // The pilot is a learner of its own seed, scored at its log-spaced budgets; the sweep's budgets are where it reached its levels.
    expect(r.spacing).toBe('even-progress');
    expect(r.pilot?.seed).toBe(3 + PILOT_SEED_OFFSET);
    expect(r.pilot?.points.map((p) => p.scale)).toEqual(mirageBudgets({ ...config, points: config.pilotPoints }));
    expect(r.points.map((p) => p.scale)).toEqual(evenProgressBudgets(r.pilot!.points, config).budgets);
    for (const p of r.points) {
      // Same rollouts: all k hit ⇒ each hit, so allHit ≤ perTarget^1 on every task.
      expect(p.allHit).toBeLessThanOrEqual(p.perTargetHit + 1e-12);
      expect(p.perTargetHitCi[0]).toBeLessThanOrEqual(p.perTargetHit);
      expect(p.meanErrorCi[1]).toBeGreaterThanOrEqual(p.meanError);
      expect(p.perSeed.allHit).toHaveLength(2);
    }
    // In the quick run (seeds 0–2) the mean rest error fell from ~1.6 m at 188 episodes to ~0.6 m at 1,360: 0.3 m leaves half of that.
    expect(r.points[0]!.meanError - r.points[3]!.meanError).toBeGreaterThan(0.3);
    expect(r.points[3]!.perTargetHit).toBeGreaterThan(r.points[0]!.perTargetHit + 0.1);

    // Two shards (one seed each) merge into the unsharded run, hash and results alike.
    const shards = [];
    for (const index of [1, 2]) {
      const s = new MemorySink();
      const o = await startRun({ ...host(), experiment: mirageExperiment, config, provenance, shard: { index, count: 2 }, sink: s });
      expect(o.status).toBe('finished');
      shards.push({ where: `shard${index}`, record: parseRecord(s.text) });
    }
    const merged = mergeShards(shards, () => mirageExperiment);
    expect(merged.contentHash).toBe(out.contentHash);
    expect(merged.results).toEqual(out.results);
  });
});
