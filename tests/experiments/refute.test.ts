// The falsification battery. Mirage: on synthetic results whose truth is known, a jump that p^k
// explains is labelled so and fails the `metric` check, a jump the prediction misses survives it;
// the continuous re-score fails a jump that per-target and error do not share. Drift: claims read
// off a synthetic record of drift's documented shape (results.runs[] per seed), a seed-bootstrap
// that tells a claim every seed supports from one a single seed carries, and `more-seeds` through
// an injected stand-in for the drift experiment (fresh seeds that break or keep a claim).
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Stream } from '../../src/core/rng.ts';
import { combineMirage, mirageBudgets, mirageConfigSchema, type SeedCurve } from '../../src/experiments/mirage.ts';
import { driftClaims, mirageRecordChecks, refuteConfigSchema, refuteDriftClaims, refuteExperimentWith, refuteResultsSchema, type RefuteResults } from '../../src/experiments/refute.ts';
import { getExperiment } from '../../src/experiments/registry.ts';
import { defineExperiment, type AnyExperiment, type RunContext } from '../../src/experiments/types.ts';
import { inProcessRunner } from '../../src/runs/in-process.ts';

const ctx = (): RunContext => ({ batch: inProcessRunner(), workers: 1, signal: new AbortController().signal });

function mirageResult(correlated: boolean) {
  const config = mirageConfigSchema.parse({ seeds: 4, evalTasks: 200, episodes: 6400, points: 8, resamples: 300, spacing: 'log' });
  const p = (i: number) => (correlated ? (i < 5 ? 0.02 : 0.3 + 0.3 * (i - 5)) : 0.2 + (0.75 * i) / 7);
  const cells: SeedCurve[] = Array.from({ length: config.seeds }, (_, s) => {
    const rng = new Stream([5, s]);
    return {
      seed: s,
      points: mirageBudgets(config).map((scale, i) => {
        const hits = Array.from({ length: config.evalTasks }, () => {
          if (correlated) return rng.next() < p(i) ? config.k : 0;
          let h = 0;
          for (let j = 0; j < config.k; j++) if (rng.next() < p(i)) h++;
          return h;
        });
        return { scale, hits, allHit: hits.map((h) => (h === config.k ? 1 : 0)), error: hits.map((h) => 1 - h / config.k) };
      }),
      pilot: null,
    };
  });
  return { config, results: combineMirage(config, cells) };
}

async function finish(experiment: AnyExperiment, config: unknown): Promise<RefuteResults> {
  let out: unknown = null;
  for await (const e of experiment.run(experiment.configSchema.parse(config), ctx())) if (e.type === 'finished') out = e.results;
  return refuteResultsSchema.parse(out);
}

describe('refute on mirage results (record checks)', () => {
  it('a smooth per-target rate through p^k: every jump is explained by the metric, fails `metric` and `continuous`', async () => {
    const { config, results } = mirageResult(false);
    expect(results.jumps.length).toBeGreaterThan(0);
    const r = await finish(getExperiment('refute'), { target: { experiment: 'mirage', config, results, contentHash: 'abc' }, freshSeeds: 0 });
    expect(r.target).toEqual({ experiment: 'mirage', contentHash: 'abc' });
    expect(r.claims).toHaveLength(results.jumps.length);
    for (const c of r.claims) {
      expect(c.label).toBe('explained by the metric');
      expect(c.checks.find((k) => k.check === 'metric')?.survived).toBe(false);
      // Linear per-target: one step holds 1/7 ≈ 0.14 of the rise, below the 0.25 jump bar.
      expect(c.checks.find((k) => k.check === 'continuous')?.survived).toBe(false);
      // Without a re-run the re-run checks are not applicable, never passed.
      expect(c.checks.filter((k) => k.survived === null).map((k) => k.check)).toEqual(['resolution', 'seeds', 'shifted']);
      expect(c.applicable).toBe(2);
      expect(c.survived).toBe(0);
    }
    expect(r.lines.join('\n')).toMatch(/explained by the metric \(survived 0 of 2 checks\)/);
  });

  it('an ability that really jumps (all-or-none hits): not explained by the metric, survives `metric` and `continuous`', () => {
    const { results } = mirageResult(true);
    const j = results.jumps[results.jumps.length - 1]!;
    const { label, checks } = mirageRecordChecks(results, j.fromScale, j.toScale);
    expect(label).toBe('not explained by the metric');
    expect(checks.find((k) => k.check === 'metric')?.survived).toBe(true);
    // Per-target jumps with allHit here (they are the same coin): its step share is ~0.3–0.5.
    expect(checks.find((k) => k.check === 'continuous')?.survived).toBe(true);
  });

  it('bad input is refused with the field named', () => {
    expect(refuteConfigSchema.safeParse({}).success).toBe(false);
    const exp = getExperiment('refute');
    const bad = exp.configSchema.safeParse({ target: { experiment: 'train', config: {}, results: {} } });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toMatch(/mirage or drift/);
  });
});

// ------------------------------------------------------------------ drift (documented shape)

interface Run {
  world: string;
  params: Record<string, unknown>;
  alpha: number;
  budget: number;
  seed: number;
  finalGtLoss: number | null;
  maxDrift: number | null;
}

/** gtLoss per α with a U shape (interior below both ends) on `uSeeds`, an inverted U otherwise; drift falls with α. */
function driftRuns(seeds: readonly number[], uSeeds: ReadonlySet<number>): Run[] {
  const out: Run[] = [];
  for (const seed of seeds)
    for (const alpha of [0, 0.5, 1]) {
      const u = uSeeds.has(seed);
      const gt = u ? [0.3, 0.1, 0.3][alpha * 2]! : [0.3, 0.5, 0.4][alpha * 2]!;
      out.push({ world: 'projectile', params: { body: 'ball' }, alpha, budget: 40, seed, finalGtLoss: gt + 0.01 * seed, maxDrift: 0.5 - 0.4 * alpha });
    }
  return out;
}

describe('refute on drift results', () => {
  it('reads two claims per (world, budget) and judges them on the runs', () => {
    const runs = driftRuns([1, 2, 3], new Set([1, 2, 3]));
    const claims = driftClaims(runs);
    expect(claims.map((c) => c.claim.text)).toEqual([
      'projectile {"body":"ball"} budget 40: some interior α has lower final gtLoss than both ends',
      'projectile {"body":"ball"} budget 40: drift is highest at α = 0',
    ]);
    expect(claims.map((c) => c.claim.holds(runs))).toEqual([true, true]);
  });

  it('seed-bootstrap: a U every seed shows survives; a U that one seed of five carries does not', () => {
    const all = refuteDriftClaims(driftRuns([1, 2, 3, 4, 5], new Set([1, 2, 3, 4, 5])), null, 400, 0);
    expect(all[0]!.checks.find((k) => k.check === 'seed-bootstrap')?.survived).toBe(true);
    // One U seed (interior 0.1) against four inverted-U seeds (interior 0.5): the mean shows a U
    // only in resamples that draw seed 1 at least three times in five.
    const one = refuteDriftClaims(driftRuns([1, 2, 3, 4, 5], new Set([1])), null, 400, 0);
    const c = one[0]!.checks.find((k) => k.check === 'seed-bootstrap')!;
    expect(c.survived).toBe(false);
    expect(c.detail).toMatch(/holds in 0\.\d{3} of seed resamples/);
    // Checks that only a scale jump has are not applicable, not passed.
    expect(one[0]!.checks.filter((k) => k.survived === null).map((k) => k.check)).toEqual(['more-seeds', 'continuous', 'resolution', 'shifted']);
  });

  it('more-seeds re-runs drift on fresh seeds (injected stand-in): a claim the fresh seeds break fails, one they keep survives', async () => {
    // A stand-in with drift's config fields and results shape: fresh seeds show an inverted U.
    const schema = z.looseObject({ seed: z.number().int(), seeds: z.number().int() });
    const fakeDrift = defineExperiment({
      id: 'drift',
      title: 'stand-in',
      description: 'stand-in',
      configSchema: schema,
      quick: {},
      async *run(c) {
        const seeds = Array.from({ length: c.seeds }, (_, i) => c.seed + i);
        yield { type: 'finished', results: { cells: [], runs: driftRuns(seeds, new Set()) as unknown as Record<string, unknown>[] } };
      },
    });
    const refute = refuteExperimentWith((id) => (id === 'drift' ? (fakeDrift as AnyExperiment) : getExperiment(id)));
    const runs = driftRuns([1, 2], new Set([1, 2]));
    const r = await finish(refute, { target: { experiment: 'drift', config: { seed: 1, seeds: 2 }, results: { cells: [], runs } }, freshSeeds: 6 });
    expect(r.freshSeeds).toEqual([3, 4, 5, 6, 7, 8]);
    const u = r.claims[0]!.checks.find((k) => k.check === 'more-seeds')!;
    expect(u.survived).toBe(false);
    expect(u.detail).toMatch(/on 8 seeds pooled: fails; on the 6 fresh seed\(s\) alone: fails/);
    // Drift falls with α on every seed, old and fresh: that claim survives more seeds.
    expect(r.claims[1]!.checks.find((k) => k.check === 'more-seeds')?.survived).toBe(true);
  });
});
