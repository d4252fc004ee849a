/**
 * What the `feedback`, `transfer` and `leakage` studies share: several training runs at once on
 * one physics runner (their batches interleave on the pool; each run depends on its own config
 * and seed only, so the results do not depend on the interleaving), learning curves summarised
 * over seeds with bootstrap intervals, and episodes to a ground-truth threshold.
 *
 * No Node and no DOM imports; plain data in and out.
 */
import type { BatchRunner } from '../core/checkWorld.ts';
import { mean, meanCi, type Interval } from '../stats/bootstrap.ts';
import { runTraining, type CurvePoint, type TrainHooks, type TrainProbe, type TrainResult } from './train.ts';

/** One training run of a study: its config (train's schema) and experimenter-side hooks. */
export interface StudyRun {
  readonly config: Record<string, unknown>;
  readonly hooks?: TrainHooks;
}

/** Runs training configs concurrently on one physics runner; results in input order. */
export function trainAll(runs: readonly StudyRun[], physics: BatchRunner): Promise<(TrainResult & { probe?: TrainProbe })[]> {
  return Promise.all(runs.map((r) => runTraining(r.config, undefined, physics, r.hooks ?? {})));
}

/** Episodes at the first curve point whose GT pass rate reaches `threshold`; null if none does. */
export function episodesToThreshold(curve: readonly CurvePoint[], threshold: number): number | null {
  return curve.find((p) => p.gtPassRate >= threshold)?.episodes ?? null;
}

/** A value with its bootstrap interval over seeds (null interval with fewer than two values). */
export interface SeedEstimate {
  readonly mean: number | null;
  readonly ci: Interval | null;
  readonly n: number;
}

/** Mean over seeds with a percentile bootstrap interval (level 0.9 unless given). */
export function overSeeds(values: readonly number[], key: readonly (number | string)[], level = 0.9): SeedEstimate {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { mean: null, ci: null, n: 0 };
  const est = finite.length > 1 ? meanCi(finite, { key, level }) : null;
  return { mean: mean(finite), ci: est ? est.ci : null, n: finite.length };
}

/** One point of a curve summarised over seeds. */
export interface CurveSummaryPoint {
  readonly episodes: number;
  readonly gtPassRate: SeedEstimate;
}

/** Per-x GT pass rate over seeds (curves share their x: same episodes and eval points). */
export function curveOverSeeds(curves: readonly (readonly CurvePoint[])[], key: readonly (number | string)[], level = 0.9): CurveSummaryPoint[] {
  const first = curves[0] ?? [];
  return first.map((p, i) => ({ episodes: p.episodes, gtPassRate: overSeeds(curves.map((c) => c[i]?.gtPassRate ?? NaN), [...key, i], level) }));
}
