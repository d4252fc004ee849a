// The schedule study: (1) its effects on synthetic cells whose truth is known (an arm that passes
// more tasks is "better" with an interval above 0, an equal arm gets "no detectable difference");
// (2) the same-scale graded score; (3) a tiny real run through the run layer: results shape,
// every arm's curve, the paired effects listed once.
import { beforeAll, describe, expect, it } from 'vitest';
import { Stream } from '../../src/core/rng.ts';
import { armFeedback, combineSchedule, sameScaleGraded, scheduleConfigSchema, scheduleExperiment, scheduleResultsSchema, type ScheduleCell } from '../../src/experiments/schedule.ts';
import { initTfNode } from '../../src/learners/tf-node.ts';
import { inProcessRunner } from '../../src/runs/in-process.ts';
import { makeProvenance } from '../../src/runs/provenance.ts';
import { startRun } from '../../src/runs/runner.ts';
import { MemorySink } from '../../src/runs/sink.ts';

describe('schedule statistics', () => {
  const config = scheduleConfigSchema.parse({ seeds: 5, evalTasks: 200, resamples: 400 });
  const cells = (rate: Record<string, number>): ScheduleCell[] =>
    Array.from({ length: 5 }, (_, s) =>
      config.arms.map((arm) => {
        const rng = new Stream([s, arm]);
        const finalPass = Array.from({ length: 200 }, () => (rng.next() < (rate[arm] ?? 0.7) ? 1 : 0));
        return { arm, seed: s, budgets: [100, 200], curve: [0.5, rate[arm] ?? 0.7], finalPass, aucPass: finalPass.map((x) => x * 0.8), finalMetric: 0.3 };
      }),
    ).flat();

  it('an arm 15 points better is "better" against both references; an equal arm is not told apart', () => {
    const r = combineSchedule(config, cells({ graded: 0.7, binary: 0.7, linear: 0.85, cosine: 0.7, step: 0.7 }));
    expect(scheduleResultsSchema.safeParse(r).success).toBe(true);
    const eff = (arm: string, against: string) => r.effects.find((e) => e.arm === arm && e.against === against && e.measure === 'final')!;
    expect(eff('linear', 'graded').verdict).toBe('better');
    expect(eff('linear', 'graded').diffCi[0]).toBeGreaterThan(0.05);
    expect(eff('linear', 'binary').verdict).toBe('better');
    // Same rate, independent draws: a 95% interval straddles 0 (this seed set was not picked; a 5% miss rate is what the level allows).
    expect(eff('cosine', 'graded').verdict).toBe('no detectable difference');
    // graded − binary is not listed again as binary's mirror
    expect(r.effects.some((e) => e.arm === 'graded' && e.against === 'binary')).toBe(false);
    expect(r.arms.map((a) => a.arm)).toEqual(['graded', 'binary', 'linear', 'cosine', 'step']);
  });

  it('same-scale graded lies in (0, 1], is ½ at the threshold, and keeps the ordering; the mix anneals to binary', () => {
    expect(sameScaleGraded(0, 0.5)).toBe(1);
    expect(sameScaleGraded(0.5, 0.5)).toBe(0.5);
    expect(sameScaleGraded(3, 0.5)).toBeLessThan(sameScaleGraded(2, 0.5));
    const sense = { direction: 'lower' as const, threshold: 0.5, expression: 'restError', value: () => 0 };
    const f = armFeedback({ mix: 'same-scale', stepAt: 0.5 }, 'linear', sense);
    const c = (progress: number) => ({ taskKey: 't', progress, rng: new Stream([1]), episode: 0 });
    expect(f(0.2, c(0))).toBeCloseTo(sameScaleGraded(0.2, 0.5), 12);
    expect(f(0.2, c(1))).toBe(1);
    expect(f(0.7, c(1))).toBe(0);
    expect(f(0.7, c(0.5))).toBeCloseTo(0.5 * sameScaleGraded(0.7, 0.5), 12);
    const step = armFeedback({ mix: 'same-scale', stepAt: 0.5 }, 'step', sense);
    expect(step(0.7, c(0.49))).toBeCloseTo(sameScaleGraded(0.7, 0.5), 12);
    expect(step(0.7, c(0.5))).toBe(0);
    // raw: the shipped channel, graded in metres (−v)
    expect(armFeedback({ mix: 'raw', stepAt: 0.5 }, 'graded', sense)(0.7, c(0))).toBeCloseTo(-0.7, 12);
  });
});

describe('schedule on real rollouts (tiny)', () => {
  beforeAll(async () => {
    await initTfNode('wasm');
  });

  it('runs every arm on seeds 7 and 8, results of the documented shape', async () => {
    const config = scheduleConfigSchema.parse({ seed: 7, seeds: 2, episodes: 640, evalPoints: 2, evalTasks: 32, resamples: 100, arms: ['graded', 'binary', 'cosine'] });
    let tick = 0;
    const out = await startRun({
      batch: inProcessRunner(),
      workers: 1,
      signal: new AbortController().signal,
      now: () => new Date(Date.UTC(2026, 0, 1, 0, 0, tick++)).toISOString(),
      experiment: scheduleExperiment,
      config,
      provenance: makeProvenance({ mirageLab: '0.1.0', packages: {}, runtime: 'test', backend: 'wasm' }),
      shard: null,
      sink: new MemorySink(),
    });
    expect(out.status).toBe('finished');
    const r = scheduleResultsSchema.parse(out.results);
    expect(r.seeds).toEqual([7, 8]);
    expect(r.arms.map((a) => a.curve.map((p) => p.episodes))).toEqual([
      [320, 640],
      [320, 640],
      [320, 640],
    ]);
    // 2 references × (the other arms) × 2 measures, graded-vs-binary once.
    expect(r.effects).toHaveLength(2 * 2 + 1 * 2);
    for (const a of r.arms) {
      expect(a.finalCi[0]).toBeLessThanOrEqual(a.final);
      expect(a.finalCi[1]).toBeGreaterThanOrEqual(a.final);
    }
  });
});
