/**
 * The `drift` experiment (issue 10; `evolve --sweep` is an alias): the bias–drift dial measured.
 * It sweeps gate strength α × anchor budget (ground-truth verdicts the safeguard may buy over a
 * whole run) × seeds on projectile (body = ball) and honeypots, one evolve run per cell, and
 * reports what the ground truth cost at each setting — experimenter-only numbers that never reach
 * the learners or the meta-agent (dial.ts):
 *
 * - `gtLoss`: a reference population of the same family and budget trained on the ground-truth
 *   metric, minus the learner the system would ship, in ground-truth pass rate on held-out
 *   train-distribution tasks. High at α = 1 for the designer's blind spot (bias), high at α = 0
 *   when the self-flattering meta-agent drifts; the claim under test is that some interior α is
 *   below both ends and that the anchor budget moves that bottom;
 * - `bias`: the designer metric's gtLoss (what the locked end costs);
 * - `drift`: disagreement (1 − τ-b with the ground-truth margin) above its lowest in the run;
 * - anchor verdicts bought per run.
 *
 * "Final" numbers are means over the last `tail` generations of a run (default 3): one
 * generation's held-out pass rate on a few dozen tasks swings by 0.2 or more between neighbouring
 * generations, and a mean over three is the least smoothing that makes neighbours comparable.
 * Intervals are 95 % Student-t intervals over seeds; with one seed, a normal interval from the
 * binomial variance of the two held-out pass rates (documented as such in `interval`).
 *
 * Gao et al. 2022's forms gold = d(a − b·d) and d(a − b·ln d) are fitted per (world, α, budget)
 * on every run's generations pooled, gold = anchor GT gain over the start, d = the path length the
 * members' greedy actions travelled in action-box units (evolve's d). Not √KL: the Gaussian
 * policy's σ is learned and shared across tasks, so √KL mixes the mean's move with σ's; the greedy
 * action path is what the behaviour moved, comparable across members whose σ differ, and monotone
 * in optimisation effort as √KL from the initial policy is. Each fit carries R² and 95 % bootstrap
 * intervals for a and b (resampling points with a seeded stream).
 *
 * A sweep (`--shard i/n`, `merge`): one cell per (world, budget, α, seed) run, in that nesting
 * order; `results` is `combine` of the cells' results, so merged shards equal an unsharded run.
 */
import { z } from 'zod';
import { Stream } from '../core/rng.ts';
import { InputError } from '../core/runtime.ts';
import { fitGao, type GaoFit, type GaoForm } from '../anchors/index.ts';
import { evolveSteps, validateEvolveConfig, type EvolveRuntime } from './evolve.ts';
import type { MemberJob, MemberResult } from './evolve-member.ts';
import { workerJobs } from './runner.ts';
import { defineExperiment, type ExperimentEvent } from './types.ts';
import { getWorld } from '../../worlds/index.ts';
import { chartSpec, type VegaLiteSpec } from '../charts/specs.ts';

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** One world of the sweep: its id and non-default parameters. */
const worldSchema = z.strictObject({ world: z.string(), params: z.record(z.string(), z.unknown()).default({}) });

/** The drift experiment's config (full preset by default). */
export const driftConfigSchema = z.strictObject({
  worlds: z
    .array(worldSchema)
    .min(1)
    .max(8)
    .default([{ world: 'projectile', params: { body: 'ball' } }, { world: 'sensor', params: {} }, { world: 'hoops', params: {} }])
    .describe('Worlds (one-shot, with a designer metric and a ground-truth metric) and their non-default parameters.'),
  alphas: z.array(z.number().min(0).max(1)).min(1).max(21).default([0, 0.25, 0.5, 0.75, 1]).describe('Gate strengths α.'),
  budgets: z.array(int(0, 10_000_000)).min(1).max(10).default([40, 160, 640]).describe('Anchor budgets: ground-truth verdicts the safeguard may buy over a whole run.'),
  seeds: int(1, 100).default(5).describe('Seeds per cell: run seeds seed, seed + 1, …'),
  generations: int(2, 1000).default(20).describe('Generations per run.'),
  population: int(2, 64).default(6).describe('Learners per run.'),
  episodesPerGeneration: int(1, 1_000_000).default(256).describe('Training episodes per member per generation.'),
  warmup: int(0, 1000).default(3).describe('Generations on the designer metric before the meta-agent proposes.'),
  tail: int(1, 100).default(3).describe('Generations averaged into a run\'s final gtLoss, bias and disagreement.'),
  evolve: z.record(z.string(), z.unknown()).default({}).describe('Further evolve config fields for every run (validated by evolve).'),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(1).describe('First run seed.'),
});
/** A parsed drift config. */
export type DriftConfig = z.infer<typeof driftConfigSchema>;

/** `--quick`: projectile (ball), 5 α, 2 budgets, 1 seed, fewer and smaller generations. */
export const DRIFT_QUICK: Readonly<Record<string, unknown>> = Object.freeze({
  worlds: [{ world: 'projectile', params: { body: 'ball' } }],
  budgets: [40, 400],
  seeds: 1,
  generations: 8,
  population: 4,
  episodesPerGeneration: 128,
  warmup: 2,
  evolve: { anchorTasks: 16, probeTasks: 16, heldOutTasks: 32, trainTasks: 64, evalTasks: 16 },
});

/** One run's figures (a cell's result). */
export interface DriftRun {
  readonly world: string;
  readonly params: Record<string, unknown>;
  readonly alpha: number;
  readonly budget: number;
  readonly seed: number;
  readonly finalGtLoss: number | null;
  readonly bias: number | null;
  readonly maxDrift: number | null;
  readonly finalDisagreement: number | null;
  readonly anchorVerdictsBought: number;
  /** Held-out GT of the shipped learner and of the reference (tail means), for the one-seed interval. */
  readonly shippedGt: number | null;
  readonly referenceGt: number | null;
  readonly heldOutTasks: number;
  readonly finalMetric: string;
  readonly metricsAdopted: number;
  /** Gao points of the run: anchor GT gain over the start against d. */
  readonly gao: readonly { readonly d: number; readonly gold: number }[];
}

/** One (world, α, budget) of `results.cells` — exactly the issue's fields. */
export interface DriftCell {
  readonly world: string;
  readonly params: Record<string, unknown>;
  readonly alpha: number;
  readonly budget: number;
  readonly finalGtLoss: number | null;
  readonly finalGtLossCi: [number, number] | null;
  readonly bias: number | null;
  readonly maxDrift: number | null;
  readonly finalDisagreement: number | null;
  readonly anchorVerdictsBought: number;
}

/** A Gao fit with its intervals. */
export interface DriftGaoFit {
  readonly world: string;
  readonly alpha: number;
  readonly budget: number;
  readonly form: GaoForm;
  readonly fit: GaoFit | null;
  readonly aCi: [number, number] | null;
  readonly bCi: [number, number] | null;
}

/** The shape the issue's targets read, per (world, budget), seed by seed. */
export interface DriftShape {
  readonly world: string;
  readonly budget: number;
  /** Seeds where some interior α's final gtLoss is below both ends' (and how many seeds had all α). */
  readonly interiorBelowEnds: number;
  readonly seeds: number;
  /** The interior α with the lowest mean final gtLoss (null without interior α). */
  readonly bestAlpha: number | null;
  /** Mean maxDrift at α = 0 above every α ≥ 0.5 (null when α = 0 or no α ≥ 0.5 was run). */
  readonly driftHighestAtZero: boolean | null;
  /**
   * The neighbouring α (in the sweep's order of α) that ended closest: how far apart they are is
   * the larger of their differences in mean final gtLoss and in mean final disagreement (a
   * difference with an undefined mean counts as 0). The dial matters everywhere when even this
   * pair is ≥ 0.05 apart. Null with fewer than two α.
   */
  readonly closestNeighbours: { readonly alphas: readonly [number, number]; readonly apart: number } | null;
}

/** The neighbouring α of one (world, budget) whose cells ended closest (see DriftShape.closestNeighbours). */
export function closestNeighbours(cells: readonly Pick<DriftCell, 'alpha' | 'finalGtLoss' | 'finalDisagreement'>[]): DriftShape['closestNeighbours'] {
  const gap = (x: number | null, y: number | null): number => (x === null || y === null ? 0 : Math.abs(x - y));
  let best: DriftShape['closestNeighbours'] = null;
  for (let i = 1; i < cells.length; i++) {
    const a = cells[i - 1] as (typeof cells)[number];
    const b = cells[i] as (typeof cells)[number];
    const apart = Math.max(gap(a.finalGtLoss, b.finalGtLoss), gap(a.finalDisagreement, b.finalDisagreement));
    if (best === null || apart < best.apart) best = { alphas: [a.alpha, b.alpha], apart };
  }
  return best;
}

/** The drift experiment's results. */
export interface DriftResults {
  readonly cells: readonly DriftCell[];
  /** The designer metric's gtLoss per world, over every run of it (α and budget do not change it), with its interval. */
  readonly bias: readonly { readonly world: string; readonly params: Record<string, unknown>; readonly bias: number | null; readonly biasCi: [number, number] | null; readonly runs: number }[];
  readonly shape: readonly DriftShape[];
  readonly gao: readonly DriftGaoFit[];
  readonly interval: string;
  readonly runs: readonly DriftRun[];
}

const mean = (xs: readonly number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const nonNull = (xs: readonly (number | null)[]): number[] => xs.filter((x): x is number => x !== null && Number.isFinite(x));

// Two-sided 95 % Student-t quantiles for df = 1…30 (then the normal 1.96 is within 2 %).
const T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** 95 % Student-t interval of a mean (null with fewer than two values). */
export function tInterval(xs: readonly number[]): [number, number] | null {
  const n = xs.length;
  if (n < 2) return null;
  const m = xs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
  const t = T95[n - 2] ?? 1.96;
  return [m - (t * sd) / Math.sqrt(n), m + (t * sd) / Math.sqrt(n)];
}

/** One run's interval of gtLoss from the binomial variance of its two held-out pass rates (normal, 95 %; treats them as independent, which is conservative for paired tasks). */
function binomialInterval(run: DriftRun): [number, number] | null {
  if (run.finalGtLoss === null || run.shippedGt === null || run.referenceGt === null || run.heldOutTasks < 1) return null;
  const v = (p: number): number => (Math.min(1, Math.max(0, p)) * (1 - Math.min(1, Math.max(0, p)))) / run.heldOutTasks;
  const half = 1.96 * Math.sqrt(v(run.shippedGt) + v(run.referenceGt));
  return [run.finalGtLoss - half, run.finalGtLoss + half];
}

/** Bootstrap 95 % intervals of Gao's a and b (points resampled; seeded). */
function gaoIntervals(points: readonly { d: number; gold: number }[], form: GaoForm, key: readonly (string | number)[]): { aCi: [number, number] | null; bCi: [number, number] | null } {
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < 200; i++) {
    const rng = new Stream(['drift:gao-bootstrap', ...key, form, i]);
    const sample = points.map(() => points[rng.int(0, points.length - 1)] as { d: number; gold: number });
    const f = fitGao(sample, form);
    if (f) {
      as.push(f.a);
      bs.push(f.b);
    }
  }
  const pct = (xs: number[]): [number, number] | null => {
    if (xs.length < 20) return null;
    const s = [...xs].sort((a, b) => a - b);
    return [s[Math.floor(0.025 * (s.length - 1))] as number, s[Math.ceil(0.975 * (s.length - 1))] as number];
  };
  return { aCi: pct(as), bCi: pct(bs) };
}

/** The (world, budget, α, seed) of cell `i`. */
export function driftCellOf(config: DriftConfig, i: number): { world: { world: string; params: Record<string, unknown> }; budget: number; alpha: number; seed: number } {
  const S = config.seeds;
  const A = config.alphas.length;
  const B = config.budgets.length;
  const s = i % S;
  const a = Math.floor(i / S) % A;
  const b = Math.floor(i / (S * A)) % B;
  const w = Math.floor(i / (S * A * B));
  return { world: config.worlds[w] as { world: string; params: Record<string, unknown> }, budget: config.budgets[b] as number, alpha: config.alphas[a] as number, seed: config.seed + s };
}

const cellCount = (c: DriftConfig): number => c.worlds.length * c.budgets.length * c.alphas.length * c.seeds;

/** The evolve config of one cell. */
export function driftEvolveConfig(config: DriftConfig, i: number): Record<string, unknown> {
  const { world, budget, alpha, seed } = driftCellOf(config, i);
  return {
    ...config.evolve,
    world: world.world,
    params: world.params,
    alpha,
    seed,
    anchorBudgetTotal: budget,
    generations: config.generations,
    population: config.population,
    episodesPerGeneration: config.episodesPerGeneration,
    warmup: config.warmup,
    gtLoss: true,
  };
}

/** Checks every cell's evolve config before any work (bad input: exit 2 naming the field). */
export function validateDriftConfig(config: DriftConfig): void {
  for (const w of config.worlds) getWorld(w.world);
  for (let i = 0; i < cellCount(config); i += config.seeds) {
    try {
      validateEvolveConfig(driftEvolveConfig(config, i));
    } catch (err) {
      if (err instanceof InputError) throw new InputError(`evolve.${err.field}`, err.value, err.allowed);
      throw err;
    }
  }
}

/** The whole sweep's results from its runs, in cell order (pure: shards merge to the same). */
export function combineDrift(config: DriftConfig, cellResults: readonly unknown[]): DriftResults {
  const runs = cellResults as DriftRun[];
  const cells: DriftCell[] = [];
  const gao: DriftGaoFit[] = [];
  const shape: DriftShape[] = [];
  const biasOut: DriftResults['bias'][number][] = [];
  for (const w of config.worlds) {
    const ofWorld = runs.filter((r) => r.world === w.world && JSON.stringify(r.params) === JSON.stringify(w.params));
    const biases = nonNull(ofWorld.filter((r) => r.alpha === config.alphas[0] && r.budget === config.budgets[0]).map((r) => r.bias));
    // bias does not depend on α or budget (one designer reference per seed): one value per seed.
    const biasMean = mean(biases);
    biasOut.push({ world: w.world, params: w.params, bias: biasMean, biasCi: tInterval(biases), runs: biases.length });
    for (const budget of config.budgets) {
      const byAlpha = new Map<number, DriftRun[]>();
      for (const alpha of config.alphas) {
        const rs = ofWorld.filter((r) => r.alpha === alpha && r.budget === budget);
        byAlpha.set(alpha, rs);
        if (rs.length === 0) continue;
        const losses = nonNull(rs.map((r) => r.finalGtLoss));
        const ci = losses.length >= 2 ? tInterval(losses) : rs.length === 1 ? binomialInterval(rs[0] as DriftRun) : null;
        cells.push({
          world: w.world,
          params: w.params,
          alpha,
          budget,
          finalGtLoss: mean(losses),
          finalGtLossCi: ci,
          bias: mean(nonNull(rs.map((r) => r.bias))),
          maxDrift: mean(nonNull(rs.map((r) => r.maxDrift))),
          finalDisagreement: mean(nonNull(rs.map((r) => r.finalDisagreement))),
          anchorVerdictsBought: mean(rs.map((r) => r.anchorVerdictsBought)) ?? 0,
        });
        const points = rs.flatMap((r) => r.gao);
        for (const form of ['selection', 'rl'] as const) gao.push({ world: w.world, alpha, budget, form, fit: fitGao(points, form), ...gaoIntervals(points, form, [w.world, alpha, budget]) });
      }
      // The shape, seed by seed: some interior α below both ends.
      const lo = Math.min(...config.alphas);
      const hi = Math.max(...config.alphas);
      const interior = config.alphas.filter((a) => a !== lo && a !== hi);
      let below = 0;
      let complete = 0;
      for (let s = 0; s < config.seeds; s++) {
        const at = (a: number): number | null => byAlpha.get(a)?.find((r) => r.seed === config.seed + s)?.finalGtLoss ?? null;
        const ends = [at(lo), at(hi)];
        const mids = interior.map(at);
        if (ends.some((x) => x === null) || mids.some((x) => x === null) || interior.length === 0) continue;
        complete++;
        if (Math.min(...(mids as number[])) < Math.min(...(ends as number[]))) below++;
      }
      const meanAt = (a: number): number | null => mean(nonNull((byAlpha.get(a) ?? []).map((r) => r.finalGtLoss)));
      let bestAlpha: number | null = null;
      for (const a of interior) if (meanAt(a) !== null && (bestAlpha === null || (meanAt(a) as number) < (meanAt(bestAlpha) as number))) bestAlpha = a;
      const driftAt = (a: number): number | null => mean(nonNull((byAlpha.get(a) ?? []).map((r) => r.maxDrift)));
      const strong = config.alphas.filter((a) => a >= 0.5).map(driftAt);
      const zero = config.alphas.includes(0) ? driftAt(0) : null;
      shape.push({
        world: w.world,
        budget,
        interiorBelowEnds: below,
        seeds: complete,
        bestAlpha,
        driftHighestAtZero: zero === null || strong.length === 0 || strong.some((x) => x === null) ? null : strong.every((x) => zero > (x as number)),
        closestNeighbours: closestNeighbours(cells.filter((c) => c.world === w.world && c.params === w.params && c.budget === budget)),
      });
    }
  }
  return {
    cells,
    bias: biasOut,
    shape,
    gao,
    interval: config.seeds >= 2 ? '95 % Student-t over seeds' : 'one seed: 95 % normal interval from the binomial variance of the two held-out pass rates',
    runs,
  };
}

/**
 * The figure of the dial for one world: final gtLoss against α, a line per anchor budget, with the
 * cells' 95 % intervals as bands (the report's own chart pools per-seed points into mean ± sd).
 */
export function driftFigureSpec(results: DriftResults, world: string): VegaLiteSpec {
  const rows = results.cells
    .filter((c) => c.world === world && c.finalGtLoss !== null)
    .map((c) => ({ series: `budget ${c.budget}`, x: c.alpha, y: c.finalGtLoss, ...(c.finalGtLossCi ? { lo: c.finalGtLossCi[0], hi: c.finalGtLossCi[1] } : {}) }));
  return chartSpec({ id: 'gtLoss', title: `${world}: gtLoss against α per anchor budget (95 % intervals)`, x: 'α (gate strength)', y: 'final gtLoss' }, rows);
}

const tailMean = (xs: readonly (number | null)[], tail: number): number | null => mean(nonNull(xs.slice(-tail)));

/** The drift experiment (registry id `drift`). */
export const driftExperiment = defineExperiment<DriftConfig, DriftResults>({
  id: 'drift',
  title: 'Drift: the bias–drift dial (gtLoss against α per anchor budget)',
  description: 'Sweeps gate strength α × anchor budget × seeds with evolve on projectile (ball) and honeypots; records gtLoss, bias, drift and anchor verdicts bought (experimenter only), and fits Gao et al.’s forms. `evolve --sweep` is an alias.',
  configSchema: driftConfigSchema,
  quick: DRIFT_QUICK,
  needsTf: true,
  learnerJobs: true,
  sweep: { cellCount, combine: combineDrift },
  charts: [
    { id: 'gtLoss', title: 'gtLoss against α, per world and anchor budget (final: mean of the last generations)', x: 'α', y: 'gtLoss', mark: 'line' },
    { id: 'maxDrift', title: 'Largest drift (disagreement above its run minimum) against α', x: 'α', y: 'maxDrift', mark: 'line' },
    { id: 'disagreement', title: 'Final disagreement (1 − τ-b with the GT margin) against α', x: 'α', y: 'disagreement', mark: 'line' },
  ],
  keyResult: (r) =>
    r.shape.map((s) => `${s.world} budget ${s.budget}: interior α below both ends on ${s.interiorBelowEnds}/${s.seeds} seeds${s.bestAlpha === null ? '' : ` (best α ${s.bestAlpha})`}${s.closestNeighbours === null ? '' : `, closest neighbours α ${s.closestNeighbours.alphas.join('/')} ${s.closestNeighbours.apart.toFixed(2)} apart`}`).join('; '),
  async *run(config, ctx) {
    validateDriftConfig(config);
    const all = Array.from({ length: cellCount(config) }, (_, i) => i);
    const cells = ctx.cells ?? all;
    const restored = ctx.restore === undefined ? null : z.strictObject({ next: z.number().int(), done: z.array(z.unknown()) }).parse(ctx.restore);
    const done: unknown[] = restored ? [...restored.done] : [];
    const runtime: EvolveRuntime = { physics: ctx.batch, ...(ctx.learners ? { members: workerJobs<MemberJob, MemberResult>(ctx.learners, 'evolve-member') } : {}) };
    yield { type: 'started', unit: 'cells', total: cells.length };
    for (const [k, cell] of cells.entries()) {
      if (restored && cell < restored.next) continue;
      const { world, budget, alpha, seed } = driftCellOf(config, cell);
      yield { type: 'progress', stage: `cell ${k + 1}/${cells.length}: ${world.world} α ${alpha} budget ${budget} seed ${seed}`, done: k, total: cells.length, unit: 'cells' };
      const steps = evolveSteps(driftEvolveConfig(config, cell), runtime);
      const events: ExperimentEvent[] = [];
      let record;
      for (;;) {
        const next = await steps.next();
        if (next.done) {
          record = next.value;
          break;
        }
        if (next.value.type !== 'generation') continue;
        const g = next.value.record;
        // A compact generation event per run generation (the dial's numbers; members stay in evolve's own record).
        events.push({
          type: 'generation',
          index: g.gen,
          seed,
          cell,
          data: { alpha, budget, metric: g.metric, anchorGt: g.anchorGt, shippedGt: g.shippedGt, referenceGt: g.referenceGt, gtLoss: g.gtLoss, bias: g.bias, disagreement: g.disagreement, drift: g.drift, budgetSpent: g.budgetSpent },
        });
        if (ctx.signal.aborted) return;
      }
      const gens = record.generations;
      const run: DriftRun = {
        world: world.world,
        params: world.params,
        alpha,
        budget,
        seed,
        finalGtLoss: tailMean(gens.map((g) => g.gtLoss), config.tail),
        bias: tailMean(gens.map((g) => g.bias), config.tail),
        maxDrift: record.summary.maxDrift,
        finalDisagreement: tailMean(gens.map((g) => g.disagreement), config.tail),
        anchorVerdictsBought: record.summary.anchorVerdictsBought,
        shippedGt: tailMean(gens.map((g) => g.shippedGt), config.tail),
        referenceGt: tailMean(gens.map((g) => g.referenceGt), config.tail),
        heldOutTasks: record.config.heldOutTasks,
        finalMetric: `${record.summary.finalMetric.expression} ${record.summary.finalMetric.direction === 'lower' ? '≤' : '≥'} ${record.summary.finalMetric.threshold}`,
        metricsAdopted: record.summary.metricsAdopted,
        gao: record.gao.points.map((p) => ({ d: p.d, gold: p.gold })),
      };
      for (const e of events) yield e;
      // Short names: Vega's legend cuts labels near 20 characters.
      const series = config.worlds.length === 1 ? `budget ${budget}` : `${world.world} ${budget}`;
      if (run.finalGtLoss !== null) yield { type: 'point', chart: 'gtLoss', series, x: alpha, y: run.finalGtLoss, seed, cell };
      if (run.maxDrift !== null) yield { type: 'point', chart: 'maxDrift', series, x: alpha, y: run.maxDrift, seed, cell };
      if (run.finalDisagreement !== null) yield { type: 'point', chart: 'disagreement', series, x: alpha, y: run.finalDisagreement, seed, cell };
      const result = JSON.parse(JSON.stringify(run)) as DriftRun;
      done.push(result);
      yield { type: 'cell', cell, result };
      yield { type: 'checkpoint', state: { next: cell + 1, done: done as never } };
      if (ctx.signal.aborted) return;
    }
    yield { type: 'finished', results: JSON.parse(JSON.stringify(combineDrift(config, done))) as DriftResults };
  },
});
