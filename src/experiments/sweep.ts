/**
 * The α sweep: the same evolve configuration at several gate strengths and seeds, reduced to the
 * trade-off frontier — final probe ground truth (what the learners can really do, off the anchor
 * tasks) and episodes to the ground-truth threshold (how fast they got there) against α — with
 * Gao's fits of gold (anchor GT gain over the start) against d, the distance the learners moved,
 * pooled over the seeds of each α.
 *
 * α = 0 is uncontrolled drift (fast, then wrong); α = 1 is the designer's check as sparse binary
 * feedback (right, but slower); the frontier shows what lies between.
 */
import { fitGao, type GaoFit } from '../anchors/index.ts';
import { runEvolve, type EvolveRecord, type EvolveRuntime, type EvolveSummary } from './evolve.ts';

/** The α grid of the frontier. */
export const SWEEP_ALPHAS: readonly number[] = Object.freeze([0, 0.25, 0.5, 0.75, 1]);

const mean = (xs: readonly number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** One α of the frontier (means over seeds). */
export interface FrontierPoint {
  readonly alpha: number;
  readonly runs: number;
  readonly finalProbeGt: number;
  readonly finalAnchorGt: number;
  readonly anchorGtBest: number;
  /** Mean of (best − final) anchor GT. */
  readonly anchorGtDrop: number;
  /** Mean final disagreement (1 − τ-b) over the runs where it is defined. */
  readonly finalDisagreement: number | null;
  /** Mean episodes per member to the GT threshold over the runs that reached it (null: none did). */
  readonly episodesToThreshold: number | null;
  /** How many runs reached the threshold. */
  readonly reached: number;
  readonly proxyEnd: number;
  /** Gao's fits of gold against d, pooled over the seeds. */
  readonly gao: { readonly selection: GaoFit | null; readonly rl: GaoFit | null };
}

/** One run of the sweep, reduced to its summary. */
export interface SweepRun {
  readonly alpha: number;
  readonly seed: number;
  readonly summary: EvolveSummary;
}

/** The sweep's result (plain JSON). */
export interface SweepResult {
  readonly world: string;
  readonly alphas: readonly number[];
  readonly seeds: readonly number[];
  readonly frontier: readonly FrontierPoint[];
  readonly runs: readonly SweepRun[];
}

/** Runs `base` at every α and seed and returns the frontier; `onRun` sees each finished run. */
export async function runAlphaSweep(
  base: Record<string, unknown>,
  options: { readonly alphas?: readonly number[]; readonly seeds: readonly number[] },
  onRun?: (record: EvolveRecord, done: number, total: number) => void,
  runtime: EvolveRuntime = {},
): Promise<SweepResult> {
  const alphas = options.alphas ?? SWEEP_ALPHAS;
  const total = alphas.length * options.seeds.length;
  const runs: SweepRun[] = [];
  const frontier: FrontierPoint[] = [];
  let world = String(base.world ?? '');
  for (const alpha of alphas) {
    const records: EvolveRecord[] = [];
    for (const seed of options.seeds) {
      const r = await runEvolve({ ...base, alpha, seed }, undefined, runtime);
      world = r.world;
      records.push(r);
      runs.push({ alpha, seed, summary: r.summary });
      onRun?.(r, runs.length, total);
    }
    const reached = records.map((r) => r.summary.episodesToThreshold).filter((e): e is number => e !== null);
    const points = records.flatMap((r) => r.gao.points);
    const disagreements = records.map((r) => r.summary.disagreementFinal).filter((x): x is number => x !== null);
    frontier.push({
      alpha,
      runs: records.length,
      finalProbeGt: mean(records.map((r) => r.summary.probeGtFinal)) ?? 0,
      finalAnchorGt: mean(records.map((r) => r.summary.anchorGtFinal)) ?? 0,
      anchorGtBest: mean(records.map((r) => r.summary.anchorGtBest)) ?? 0,
      anchorGtDrop: mean(records.map((r) => r.summary.anchorGtDrop)) ?? 0,
      finalDisagreement: mean(disagreements),
      episodesToThreshold: mean(reached),
      reached: reached.length,
      proxyEnd: mean(records.map((r) => r.summary.proxyEnd)) ?? 0,
      gao: { selection: fitGao(points, 'selection'), rl: fitGao(points, 'rl') },
    });
  }
  return { world, alphas: [...alphas], seeds: [...options.seeds], frontier, runs };
}
