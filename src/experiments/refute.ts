/**
 * The `refute` study — the falsification battery: given a finished run (its summary: experiment,
 * config, content hash, results) and claims about it, try to break every claim and say which
 * checks it survived. Refute your own claim first.
 *
 * On a `mirage` run a claim is "the ability appears between scale a and b" (default: every apparent
 * jump the run found). Each claim gets the mirage label ("explained by the metric" when p^k from
 * the per-target rate lies inside allHit's interval at a and at b) and five checks:
 *
 * - `metric` (record): the jump survives only if the p^k prediction does *not* explain it;
 * - `continuous` (record): the same rollouts re-scored with the continuous scores (per-target hit
 *   rate, mean rest error): survives if they also carry ≥ jumpShare of their change between a and b;
 * - `resolution` (re-run): fresh seeds, `densePoints` extra budgets between a and b and
 *   `resolution`× the evaluation tasks: survives if one step still carries ≥ ½ of the rise from a
 *   to b (abrupt at any resolution); the detail says whether allHit was already measurable at a;
 * - `seeds` (re-run): on the fresh seeds at the original budgets, the step a → b again carries
 *   ≥ jumpShare of allHit's rise and the intervals at a and b do not overlap;
 * - `shifted` (re-run): on probe tasks (shifted gravity, far targets) the ability also appears
 *   between a and b (the same two conditions).
 *
 * On a `drift` run (issue 10: `results.cells[]`, `results.runs[]` per seed) the claims are read off
 * its results per (world, budget): "some interior α has lower final gtLoss than both ends" and
 * "drift is highest at α = 0". Checks: `seed-bootstrap` (record: the claim holds in ≥ 90 % of
 * seed resamples) and `more-seeds` (re-run the same config on fresh seeds; the claim must hold on
 * all seeds pooled). The mirage-only checks are reported as not applicable, never as passed.
 *
 * The target experiment is resolved through an injected lookup (the registry passes its own), so
 * this file does not import the registry (no import cycle). Resumes by replay.
 *
 * results (RefuteResults): { study: 'refute', target: { experiment, contentHash }, freshSeeds[],
 *   claims[]: { claim, from?, to?, label?, checks[]: { check, survived: true | false | null, detail },
 *               survived, applicable }, lines[] (the printable verdicts) }
 */
import { z } from 'zod';
import { disjoint, mean, wilsonCi, type Interval } from '../stats/bootstrap.ts';
import { Stream } from '../core/rng.ts';
import { mirageConfigSchema, mirageResultsSchema, runMirageSeed, scoreRollouts, toRounds, type MirageConfig, type MirageResults, type SeedPoint } from './mirage.ts';
import { logBudgets } from './study-loop.ts';
import { defineExperiment, type AnyExperiment, type Experiment, type ExperimentEvent, type RunContext } from './types.ts';

/** The run being refuted: what its summary.json holds (the fields used here). */
export const refuteTargetSchema = z.looseObject({
  experiment: z.string(),
  config: z.record(z.string(), z.unknown()),
  contentHash: z.string().optional(),
  results: z.unknown(),
});

/** The battery's config. */
export const refuteConfigSchema = z.strictObject({
  target: refuteTargetSchema.describe("The refuted run's summary (summary.json; `mirage-lab refute DIR` fills it in)."),
  claims: z
    .array(z.strictObject({ from: z.number(), to: z.number() }))
    .optional()
    .describe('mirage: claims "the ability appears between scale from and to" (default: every apparent jump of the run).'),
  freshSeeds: z.number().int().min(0).max(64).default(3).describe('Seeds never used by the target, for the re-run checks (0: record-only checks).'),
  resolution: z.number().int().min(1).max(64).default(4).describe('mirage: evaluation tasks × this in the re-run.'),
  densePoints: z.number().int().min(0).max(64).default(6).describe('mirage: extra budgets between a and b in the re-run.'),
  probeTasks: z.number().int().min(1).max(10_000).default(256).describe('mirage: shifted (probe) tasks rolled out at every budget of the re-run.'),
  seedResamples: z.number().int().min(50).max(100_000).default(1000).describe('drift: seed resamples of the seed-bootstrap check.'),
  seed: z.number().int().min(0).default(0),
});
/** A parsed refute config. */
export type RefuteConfig = z.infer<typeof refuteConfigSchema>;

const checkSchema = z.strictObject({ check: z.string(), survived: z.boolean().nullable(), detail: z.string() });
const claimSchema = z.strictObject({
  claim: z.string(),
  from: z.number().optional(),
  to: z.number().optional(),
  label: z.enum(['explained by the metric', 'not explained by the metric']).optional(),
  checks: z.array(checkSchema),
  survived: z.number().int(),
  applicable: z.number().int(),
});
/** The battery's results shape (docs/studies/refute.md). */
export const refuteResultsSchema = z.strictObject({
  study: z.literal('refute'),
  target: z.strictObject({ experiment: z.string(), contentHash: z.string().nullable() }),
  freshSeeds: z.array(z.number().int()),
  claims: z.array(claimSchema),
  lines: z.array(z.string()),
});
/** The battery's results. */
export type RefuteResults = z.infer<typeof refuteResultsSchema>;
/** One claim's verdicts. */
export type RefuteClaim = z.infer<typeof claimSchema>;
type Check = z.infer<typeof checkSchema>;

const fmt = (x: number): string => x.toFixed(3);
const fmtCi = (ci: Interval): string => `[${fmt(ci[0])}, ${fmt(ci[1])}]`;
const SURVIVE_LABEL = (s: boolean | null): string => (s === null ? 'n/a     ' : s ? 'SURVIVED' : 'FAILED  ');

/** Finishes a claim: counts and keeps its checks. */
function claimOf(base: Omit<RefuteClaim, 'survived' | 'applicable'>): RefuteClaim {
  return { ...base, survived: base.checks.filter((c) => c.survived === true).length, applicable: base.checks.filter((c) => c.survived !== null).length };
}

/** Printable lines of the verdicts. */
export function refuteLines(claims: readonly RefuteClaim[]): string[] {
  const out: string[] = [];
  for (const c of claims) {
    out.push(`claim: ${c.claim}${c.label ? ` — ${c.label}` : ''} (survived ${c.survived} of ${c.applicable} checks)`);
    for (const k of c.checks) out.push(`  ${SURVIVE_LABEL(k.survived)} ${k.check.padEnd(14)} ${k.detail}`);
  }
  return out;
}

// ------------------------------------------------------------------------------------ mirage

/** Index of the point at scale x (the nearest one). */
function nearest(points: readonly { scale: number }[], x: number): number {
  let best = 0;
  points.forEach((p, i) => {
    if (Math.abs(p.scale - x) < Math.abs((points[best] as { scale: number }).scale - x)) best = i;
  });
  return best;
}

/** The share of a curve's total change (last − first, in its rising direction) that falls between indices i and j. */
function shareBetween(ys: readonly number[], i: number, j: number): number | null {
  const total = (ys[ys.length - 1] as number) - (ys[0] as number);
  if (!(Math.abs(total) > 0)) return null;
  return ((ys[j] as number) - (ys[i] as number)) / total;
}

/** The record-only checks of one mirage claim. */
export function mirageRecordChecks(r: MirageResults, from: number, to: number): { label: RefuteClaim['label']; checks: Check[] } {
  const i = nearest(r.points, from);
  const j = nearest(r.points, to);
  const a = r.points[i] as MirageResults['points'][number];
  const b = r.points[j] as MirageResults['points'][number];
  const explained = a.predictionInside && b.predictionInside;
  const label = explained ? 'explained by the metric' : 'not explained by the metric';
  const checks: Check[] = [
    {
      check: 'metric',
      survived: !explained,
      detail: `p^${r.k} predicts allHit ${fmt(a.predictedAllHit)} → ${fmt(b.predictedAllHit)}; measured ${fmt(a.allHit)} ${fmtCi(a.allHitCi)} → ${fmt(b.allHit)} ${fmtCi(b.allHitCi)}${explained ? ': the per-target rate alone accounts for the jump' : ': the prediction leaves the interval'}`,
    },
  ];
  const per = shareBetween(
    r.points.map((p) => p.perTargetHit),
    i,
    j,
  );
  const err = shareBetween(
    r.points.map((p) => -p.meanError),
    i,
    j,
  );
  const all = shareBetween(
    r.points.map((p) => p.allHit),
    i,
    j,
  );
  const contOk = per !== null && err !== null && per >= r.jumpShare && err >= r.jumpShare;
  checks.push({
    check: 'continuous',
    survived: per === null || err === null ? null : contOk,
    detail:
      per === null || err === null
        ? 'the continuous scores did not change over the sweep'
        : `share of the total change between ${a.scale} and ${b.scale}: allHit ${fmt(all ?? 0)}, per-target ${fmt(per)}, mean rest error ${fmt(err)} (a jump needs ≥ ${r.jumpShare})`,
  });
  return { label, checks };
}

/** What the mirage re-run measured on one fresh seed. */
interface FreshSeed {
  readonly seed: number;
  /** Scores on the evaluation tasks (resolution× as many) at every re-run budget. */
  readonly points: SeedPoint[];
  /** Scores on probe tasks at every re-run budget. */
  readonly probe: SeedPoint[];
}

/** The re-run checks of one mirage claim from the fresh seeds. */
export function mirageRerunChecks(r: MirageResults, mc: MirageConfig, budgets: readonly number[], fresh: readonly FreshSeed[], from: number, to: number): Check[] {
  if (fresh.length === 0) {
    const na = (check: string): Check => ({ check, survived: null, detail: 'no re-run (freshSeeds = 0)' });
    return [na('resolution'), na('seeds'), na('shifted')];
  }
  const k = r.k;
  const pool = (pick: (f: FreshSeed) => SeedPoint[], b: number) => {
    const idx = budgets.indexOf(b);
    const ps = fresh.map((f) => pick(f)[idx] as SeedPoint);
    const allHit = mean(ps.map((p) => mean(p.allHit)));
    const n = ps.reduce((s, p) => s + p.allHit.length, 0);
    const passes = ps.reduce((s, p) => s + p.allHit.reduce((x, y) => x + y, 0), 0);
    return { allHit, ci: wilsonCi(passes, n, mc.level) as Interval, perTarget: mean(ps.map((p) => mean(p.hits) / k)) };
  };
  const a = r.points[nearest(r.points, from)]?.scale as number;
  const b = r.points[nearest(r.points, to)]?.scale as number;
  const original = r.points.map((p) => p.scale);
  // Resolution: every re-run budget from a to b.
  const dense = budgets.filter((x) => x >= a && x <= b);
  const denseAll = dense.map((x) => pool((f) => f.points, x).allHit);
  const rise = (denseAll[denseAll.length - 1] as number) - (denseAll[0] as number);
  let maxStep = 0;
  for (let q = 1; q < denseAll.length; q++) maxStep = Math.max(maxStep, (denseAll[q] as number) - (denseAll[q - 1] as number));
  const atA = pool((f) => f.points, a);
  const resolution: Check =
    rise > 0
      ? {
          check: 'resolution',
          survived: maxStep / rise >= 0.5,
          detail: `${dense.length} budgets from ${a} to ${b}, ${fresh[0]?.points[0]?.allHit.length ?? 0} tasks per seed: the largest step carries ${fmt(maxStep / rise)} of the rise (abrupt needs ≥ 0.5); allHit at ${a} is ${fmt(atA.allHit)} ${fmtCi(atA.ci)}${atA.ci[0] > 0 ? ' — already measurable before the jump' : ''}`,
        }
      : { check: 'resolution', survived: false, detail: `on the fresh seeds allHit does not rise from ${a} to ${b} (${fmt(denseAll[0] ?? 0)} → ${fmt(denseAll[denseAll.length - 1] ?? 0)})` };
  const recur = (name: string, pick: (f: FreshSeed) => SeedPoint[], what: string): Check => {
    const curve = original.map((x) => pool(pick, x));
    const ys = curve.map((c) => c.allHit);
    const ia = original.indexOf(a);
    const ib = original.indexOf(b);
    const share = shareBetween(ys, ia, ib);
    const sep = !disjoint(curve[ia]?.ci as Interval, curve[ib]?.ci as Interval) ? false : (curve[ib]?.allHit as number) > (curve[ia]?.allHit as number);
    const ok = share !== null && share >= r.jumpShare && sep;
    return {
      check: name,
      survived: ok,
      detail: `${what}: allHit ${fmt(curve[ia]?.allHit ?? 0)} ${fmtCi(curve[ia]?.ci as Interval)} at ${a} → ${fmt(curve[ib]?.allHit ?? 0)} ${fmtCi(curve[ib]?.ci as Interval)} at ${b}; share of the rise ${share === null ? '— (no rise)' : fmt(share)}${sep ? '' : ', intervals overlap'}`,
    };
  };
  return [resolution, recur('seeds', (f) => f.points, `fresh seeds ${fresh.map((f) => f.seed).join(', ')}`), recur('shifted', (f) => f.probe, 'probe (shifted) tasks')];
}

/** Budgets of the mirage re-run: the run's own (`original`, read off its results) plus `densePoints` log-spaced inside each claim. */
export function rerunBudgets(mc: MirageConfig, original: readonly number[], claims: readonly { from: number; to: number }[], densePoints: number): number[] {
  const set = new Set(original);
  for (const c of claims) if (densePoints > 0 && c.to > c.from && c.from > 0) for (const x of logBudgets(c.from, c.to, densePoints + 2)) set.add(x);
  return toRounds(
    [...set].sort((x, y) => x - y),
    mc.roundSize,
    mc.episodes,
  );
}

async function* refuteMirage(config: RefuteConfig, ctx: RunContext): AsyncGenerator<ExperimentEvent, RefuteResults | null> {
  const mc = mirageConfigSchema.parse(config.target.config);
  const r = mirageResultsSchema.parse(config.target.results);
  const claims = config.claims ?? r.jumps.map((j) => ({ from: j.fromScale, to: j.toScale }));
  const snapped = claims.map((c) => ({ from: r.points[nearest(r.points, c.from)]?.scale as number, to: r.points[nearest(r.points, c.to)]?.scale as number }));
  const firstFresh = mc.seed + Math.max(mc.seeds, ...r.seeds.map((s) => s - mc.seed + 1));
  const freshSeeds = Array.from({ length: config.freshSeeds }, (_, i) => firstFresh + i);
  const budgets = rerunBudgets(
    mc,
    r.points.map((p) => p.scale),
    snapped,
    config.densePoints,
  );
  const fresh: FreshSeed[] = [];
  for (const seed of freshSeeds) {
    const points: SeedPoint[] = [];
    const probe: SeedPoint[] = [];
    const complete = await runMirageSeed(
      mc,
      seed,
      budgets,
      ctx,
      (i, cs, ps) => {
        points.push(scoreRollouts(budgets[i] as number, cs, mc.k));
        probe.push(scoreRollouts(budgets[i] as number, ps, mc.k));
      },
      { evalTasks: mc.evalTasks * config.resolution, probeTasks: config.probeTasks },
    );
    if (!complete) return null;
    yield { type: 'progress', stage: `fresh seed ${seed}`, done: fresh.length + 1, total: freshSeeds.length, unit: 'seeds' };
    for (let i = 0; i < budgets.length; i++) {
      const common = { x: budgets[i] as number, seed } as const;
      yield { type: 'point', chart: 'rerun', series: 'allHit', y: mean((points[i] as SeedPoint).allHit), ...common };
      yield { type: 'point', chart: 'rerun', series: 'perTargetHit', y: mean((points[i] as SeedPoint).hits) / mc.k, ...common };
      yield { type: 'point', chart: 'rerun', series: 'allHit on probe tasks', y: mean((probe[i] as SeedPoint).allHit), ...common };
    }
    fresh.push({ seed, points, probe });
  }
  // The original run's seeds re-scored is the record itself: the continuous checks read it.
  const out = snapped.map((c) => {
    const { label, checks } = mirageRecordChecks(r, c.from, c.to);
    return claimOf({ claim: `the ability (allHit, k = ${r.k}) appears between ${c.from} and ${c.to} episodes`, from: c.from, to: c.to, label, checks: [...checks, ...mirageRerunChecks(r, mc, budgets, fresh, c.from, c.to)] });
  });
  return { study: 'refute', target: { experiment: 'mirage', contentHash: config.target.contentHash ?? null }, freshSeeds, claims: out, lines: refuteLines(out) };
}

// ------------------------------------------------------------------------------------ drift

/** The per-run fields of a drift result this battery reads (issue 10's documented shape). */
const driftRunSchema = z.looseObject({
  world: z.string(),
  params: z.record(z.string(), z.unknown()).default({}),
  alpha: z.number(),
  budget: z.number(),
  seed: z.number(),
  finalGtLoss: z.number().nullable(),
  maxDrift: z.number().nullable(),
});
/** The fields of one drift run the claims read. */
export interface DriftRun {
  readonly world: string;
  readonly params?: Record<string, unknown>;
  readonly alpha: number;
  readonly budget: number;
  readonly seed: number;
  readonly finalGtLoss: number | null;
  readonly maxDrift: number | null;
}
const driftResultsSchema = z.looseObject({
  cells: z.array(z.looseObject({ world: z.string(), alpha: z.number(), budget: z.number(), finalGtLoss: z.number().nullable() })),
  runs: z.array(driftRunSchema),
});

/** A drift claim: its text and whether it holds on a set of runs (null: undefined on them). */
interface DriftClaim {
  readonly text: string;
  holds(runs: readonly DriftRun[]): boolean | null;
}

const groupKey = (r: { world: string; params?: Record<string, unknown>; budget: number }) => `${r.world} ${JSON.stringify(r.params ?? {})} budget ${r.budget}`;

/** Mean of a field per α over the runs (nulls left out). */
function byAlpha(runs: readonly DriftRun[], field: 'finalGtLoss' | 'maxDrift'): Map<number, number> {
  const m = new Map<number, number[]>();
  for (const r of runs) {
    const v = r[field];
    if (v === null || !Number.isFinite(v)) continue;
    m.set(r.alpha, [...(m.get(r.alpha) ?? []), v]);
  }
  return new Map([...m].map(([a, xs]) => [a, mean(xs)]));
}

/** The claims a drift result makes, per (world, params, budget). */
export function driftClaims(runs: readonly DriftRun[]): { key: string; claim: DriftClaim }[] {
  const keys = [...new Set(runs.map(groupKey))];
  const out: { key: string; claim: DriftClaim }[] = [];
  for (const key of keys) {
    const mine = (rs: readonly DriftRun[]) => rs.filter((r) => groupKey(r) === key);
    out.push({
      key,
      claim: {
        text: `${key}: some interior α has lower final gtLoss than both ends`,
        holds(rs) {
          const m = byAlpha(mine(rs), 'finalGtLoss');
          const alphas = [...m.keys()].sort((a, b) => a - b);
          if (alphas.length < 3) return null;
          const lo = m.get(alphas[0] as number) as number;
          const hi = m.get(alphas[alphas.length - 1] as number) as number;
          return alphas.slice(1, -1).some((a) => (m.get(a) as number) < Math.min(lo, hi));
        },
      },
    });
    out.push({
      key,
      claim: {
        text: `${key}: drift is highest at α = 0`,
        holds(rs) {
          const m = byAlpha(mine(rs), 'maxDrift');
          const zero = m.get(0);
          const high = [...m].filter(([a]) => a >= 0.5).map(([, v]) => v);
          if (zero === undefined || high.length === 0) return null;
          return high.every((v) => zero > v);
        },
      },
    });
  }
  return out;
}

/** Share of seed resamples in which a claim holds (seeds resampled with replacement, all their runs kept). */
function seedStability(claim: DriftClaim, runs: readonly DriftRun[], resamples: number, key: readonly (string | number)[]): number | null {
  const seeds = [...new Set(runs.map((r) => r.seed))];
  if (seeds.length === 0) return null;
  const rng = new Stream([...key, 'stability']);
  let hold = 0;
  let defined = 0;
  for (let t = 0; t < resamples; t++) {
    const sample = seeds.map(() => seeds[rng.int(0, seeds.length - 1)] as number);
    // A seed drawn twice counts twice: its copies are relabelled so the per-α means weigh them so.
    const rs = sample.flatMap((s, i) => runs.filter((r) => r.seed === s).map((r) => ({ ...r, seed: i })));
    const h = claim.holds(rs);
    if (h === null) continue;
    defined++;
    if (h) hold++;
  }
  return defined ? hold / defined : null;
}

/** The drift battery from the original runs and (optionally) runs on fresh seeds. */
export function refuteDriftClaims(runs: readonly DriftRun[], freshRuns: readonly DriftRun[] | null, resamples: number, seed: number): RefuteClaim[] {
  return driftClaims(runs).map(({ claim }, ci) => {
    const original = claim.holds(runs);
    const seeds = new Set(runs.map((r) => r.seed)).size;
    const checks: Check[] = [];
    const stability = seedStability(claim, runs, resamples, [seed, 'refute-drift', ci]);
    checks.push({
      check: 'seed-bootstrap',
      survived: original === null || stability === null ? null : original && stability >= 0.9,
      detail:
        original === null
          ? 'the claim is undefined on this run (too few α)'
          : `holds on the run's ${seeds} seed(s): ${original ? 'yes' : 'no'}; holds in ${fmt(stability ?? 0)} of seed resamples (robust needs ≥ 0.9${seeds < 3 ? '; with so few seeds this check cannot be strong' : ''})`,
    });
    if (freshRuns === null) checks.push({ check: 'more-seeds', survived: null, detail: 'no re-run (freshSeeds = 0)' });
    else {
      const pooled = claim.holds([...runs, ...freshRuns]);
      const alone = claim.holds(freshRuns);
      const freshSeedCount = new Set(freshRuns.map((r) => r.seed)).size;
      checks.push({
        check: 'more-seeds',
        survived: pooled,
        detail: `on ${seeds + freshSeedCount} seeds pooled: ${pooled === null ? 'undefined' : pooled ? 'holds' : 'fails'}; on the ${freshSeedCount} fresh seed(s) alone: ${alone === null ? 'undefined' : alone ? 'holds' : 'fails'}`,
      });
    }
    for (const name of ['continuous', 'resolution', 'shifted']) checks.push({ check: name, survived: null, detail: 'mirage claims only (a drift claim is about α, not a scale jump)' });
    return claimOf({ claim: claim.text, checks });
  });
}

async function* refuteDrift(config: RefuteConfig, ctx: RunContext, resolve: (id: string) => AnyExperiment): AsyncGenerator<ExperimentEvent, RefuteResults | null> {
  const results = driftResultsSchema.parse(config.target.results);
  const runs = results.runs;
  const targetSeed = Number(config.target.config.seed ?? 0);
  const targetSeeds = Number(config.target.config.seeds ?? new Set(runs.map((r) => r.seed)).size);
  const firstFresh = Math.max(targetSeed + targetSeeds, ...runs.map((r) => r.seed + 1));
  const freshSeeds = Array.from({ length: config.freshSeeds }, (_, i) => firstFresh + i);
  let freshRuns: DriftRun[] | null = null;
  if (freshSeeds.length) {
    const experiment = resolve('drift') as Experiment<{ seed: number }, unknown>;
    const cfg = experiment.configSchema.parse({ ...config.target.config, seed: firstFresh, seeds: freshSeeds.length });
    let finished: unknown = undefined;
    for await (const e of experiment.run(cfg, { ...ctx, cells: undefined, restore: undefined })) {
      if (e.type === 'progress') yield { ...e, stage: `fresh seeds: ${e.stage}` };
      if (e.type === 'finished') finished = e.results;
    }
    if (finished === undefined) return null;
    freshRuns = driftResultsSchema.parse(finished).runs;
  }
  const claims = refuteDriftClaims(runs, freshRuns, config.seedResamples, config.seed);
  return { study: 'refute', target: { experiment: 'drift', contentHash: config.target.contentHash ?? null }, freshSeeds, claims, lines: refuteLines(claims) };
}

// ------------------------------------------------------------------------------------ the experiment

/** Targets the battery knows how to refute. */
export const REFUTABLE = ['mirage', 'drift'] as const;

/**
 * The `refute` experiment, given how to find the experiment a target names (the registry passes
 * its `getExperiment`; drift's more-seeds check re-runs drift through it).
 */
export function refuteExperimentWith(resolve: (id: string) => AnyExperiment): Experiment<RefuteConfig, RefuteResults> {
  return defineExperiment<RefuteConfig, RefuteResults>({
    id: 'refute',
    title: 'Refute: the falsification battery',
    description: 'Tries to break the claims of a finished run: re-scores with continuous metrics, raises the evaluation resolution, varies seeds, probes shifted tasks; prints which checks each claim survived (mirage and drift runs).',
    configSchema: refuteConfigSchema.superRefine((c, ctx) => {
      if (!(REFUTABLE as readonly string[]).includes(c.target.experiment)) ctx.addIssue({ code: 'custom', path: ['target', 'experiment'], message: `a run of ${REFUTABLE.join(' or ')} (got '${c.target.experiment}')` });
      if (c.target.results === null || c.target.results === undefined) ctx.addIssue({ code: 'custom', path: ['target', 'results'], message: 'a finished run (its results are missing)' });
    }) as unknown as z.ZodType<RefuteConfig, unknown>,
    quick: { freshSeeds: 2, resolution: 2, densePoints: 4, probeTasks: 128 },
    resultsSchema: refuteResultsSchema,
    needsTf: true,
    charts: [{ id: 'rerun', title: 'Re-run on fresh seeds: allHit, per-target and allHit on shifted tasks', x: 'training budget (episodes, log)', y: 'rate', logX: true }],
    keyResult: (r) => r.claims.map((c) => `${c.label ? `${c.label}; ` : ''}survived ${c.survived}/${c.applicable}`).join(' | ') || 'no claims',
    async *run(config, ctx) {
      yield { type: 'started', unit: 'seeds', total: config.freshSeeds };
      const gen = config.target.experiment === 'mirage' ? refuteMirage(config, ctx) : refuteDrift(config, ctx, resolve);
      let step = await gen.next();
      while (!step.done) {
        yield step.value;
        step = await gen.next();
      }
      if (step.value) yield { type: 'finished', results: step.value };
    },
  });
}
