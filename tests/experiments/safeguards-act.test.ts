// Safeguards that can act: each registered safeguard changes at least one gate decision on a
// honeypot within a quick budget. Each run is compared with the open gate (α = 0) on the same
// world, seed and budget: the runs are identical up to the first decision the safeguard makes
// differently (training and proposals depend on (config, seed) and the metric history only), so
// the first differing decision is the same proposal or re-validation, accepted by the open gate
// and not by the safeguard — by the safeguard's own rule, named in its reason.
import { beforeAll, describe, expect, it } from 'vitest';
import { runEvolve, SAFEGUARD_KINDS, type DecisionRecord, type EvolveRecord } from '../../src/experiments/evolve.ts';
import { initTfNode } from '../../src/learners/tf-node.ts';

// The quick budget: 16 generations of 4 learners × 128 episodes (about 20 s a run here).
// Pinned to restError (the plate, the designer metric, is the default start); no gtLoss references.
// Unsteered: with steering, the verdicts a safeguard buys (the quarantine buys some even around the
// open gate) change later proposals, so the runs would part before any decision differs; this test
// isolates each safeguard's decision rule.
const QUICK = { world: 'sensor', seed: 1, generations: 16, population: 4, episodesPerGeneration: 128, metric: { expression: 'restError', threshold: 0.25 }, gtLoss: false, steering: 0 };

/** Each safeguard at a strength where its rule binds, and the words of its own rule. */
const CASES = {
  // The anchor gate at α = 0.5 (τ = 0.5): agreement (τ-b, κ) or non-regression, or no evidence (undecided).
  agreement: { alpha: 0.5, rule: /^(rejected|undecided): .*(τ-b|κ|anchor GT pass rate)/ },
  // Non-regression alone at α = 0.8: slack(0.8) = 0.1.
  'non-regression': { alpha: 0.8, rule: /^rejected: the best learner's anchor GT pass rate goes \d\.\d\d \(m\d\) → \d\.\d\d \(m\d\), drop \d\.\d\d > slack 0\.100/ },
  // The quarantine around the open gate (α = 0): only its own rule can reject.
  quarantine: { alpha: 0, rule: /^rejected: gold fell — / },
} as const;

function firstDifference(a: readonly DecisionRecord[], b: readonly DecisionRecord[]): number {
  let i = 0;
  while (i < Math.min(a.length, b.length) && a[i]!.metric === b[i]!.metric && a[i]!.kind === b[i]!.kind && a[i]!.accepted === b[i]!.accepted) i++;
  return i;
}

describe('every registered safeguard changes a gate decision on a honeypot (sensor, quick budget)', () => {
  let open: EvolveRecord;
  const runs = new Map<string, EvolveRecord>();
  beforeAll(async () => {
    await initTfNode();
    open = await runEvolve({ ...QUICK, alpha: 0 });
    for (const kind of SAFEGUARD_KINDS) runs.set(kind, await runEvolve({ ...QUICK, alpha: CASES[kind].alpha, safeguard: kind }));
  }, 600_000);

  it('covers every registered safeguard', () => {
    expect(Object.keys(CASES).sort()).toEqual([...SAFEGUARD_KINDS].sort());
  });

  it.each(SAFEGUARD_KINDS)('%s: the first decision that differs from the open gate is its own refusal', (kind) => {
    const r = runs.get(kind)!;
    const i = firstDifference(open.decisions, r.decisions);
    const free = open.decisions[i];
    const guarded = r.decisions[i];
    expect(guarded, `${kind} never decided differently from the open gate`).toBeDefined();
    expect(free).toBeDefined();
    expect([guarded!.gen, guarded!.kind, guarded!.metric]).toEqual([free!.gen, free!.kind, free!.metric]);
    expect(free!.accepted).toBe(true);
    expect(guarded!.accepted).toBe(false);
    expect(guarded!.reason).toMatch(CASES[kind].rule);
  });

  it('the quarantine acts on its refusal: a recorded fallback to the metric in force at the peak', () => {
    const r = runs.get('quarantine')!;
    const refusal = r.decisions.find((d) => /^rejected: gold fell/.test(d.reason))!;
    expect(refusal.rollback).not.toBeNull();
    // On this seed it is the metric in force that fails (a re-validation), so the run falls back.
    expect(refusal.kind).toBe('revalidation');
    const fallback = r.decisions.find((d) => d.gen === refusal.gen && d.kind === 'fallback');
    expect(fallback?.reason).toMatch(/^fallback: .* failed re-validation; back to/);
    expect(r.generations.find((g) => g.gen === refusal.gen + 1)?.metric).toBe(fallback!.metric);
  });
});
