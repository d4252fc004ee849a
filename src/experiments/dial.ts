/**
 * The dial's measurements (issue 10), the experimenter's alone: nothing here reaches a learner
 * or the meta-agent (wall 1) — the runner calls it after a generation's decisions are made.
 *
 * - **gtLoss**: on held-out tasks of the train distribution (never the anchor tasks the gate
 *   buys), the ground-truth pass rate of a *reference* population — same learner family, same
 *   hyperparameters, same episodes per generation, trained on the ground-truth metric (whose
 *   value is the ground-truth margin's distance, `groundTruthMetric`) through the graded channel —
 *   minus that of the learner the system would ship: the member the adopted metric ranks best on
 *   its own evaluation tasks. Both sides pick their best member the same way (by their own
 *   metric), so the comparison is like for like.
 * - **bias**: the designer metric's gtLoss — a second reference population trained on the
 *   designer metric (the configured channel, no meta-agent, no PBT) — what the hard-coded end
 *   costs, generation by generation.
 * - **drift**: how far the adopted metric's disagreement rose above the lowest it reached so far.
 *
 * The reference curves depend on (world, params, seed, learner, budget, suites, metric, channel)
 * only — not on α, the safeguard or the anchor budget — so they are computed once per run
 * configuration and cached (`referenceCurve`): a drift sweep trains them once per seed, not once
 * per cell. The reference members use the same slots, seeds and streams as the system's members
 * (common random numbers): at generation 0 a system member and its reference twin differ only by
 * the metric they learn from.
 */
import { goodness } from '../anchors/index.ts';
import type { MetricDirection, MetricSpec } from '../metrics/index.ts';
import type { ChannelChoice } from '../meta/index.ts';
import type { MemberJob, MemberResult, MemberRunConfig } from './evolve-member.ts';
import type { JobRunner } from './runner.ts';

/** Index of the member a metric ranks best by mean goodness over its evaluation values (earliest on ties); an undefined value counts as the worst finite one. */
export function shippedIndex(direction: MetricDirection, values: readonly (readonly number[])[]): number {
  const scores = values.map((row) => {
    const g = row.map((v) => goodness(direction, v));
    const finite = g.filter(Number.isFinite);
    if (finite.length === 0) return -Infinity;
    const worst = Math.min(...finite);
    return g.reduce((a, x) => a + (Number.isFinite(x) ? x : worst), 0) / Math.max(1, g.length);
  });
  let best = 0;
  for (let i = 1; i < scores.length; i++) if ((scores[i] as number) > (scores[best] as number)) best = i;
  return best;
}

/** One reference population's curve: per generation, the held-out GT pass rate of its best member (by its own metric) and the population mean. */
export interface ReferenceCurve {
  readonly metric: MetricSpec;
  readonly channel: string;
  readonly best: readonly number[];
  readonly mean: readonly number[];
}

// Reference curves by configuration. Bounded: a sweep needs one or two per seed at a time.
const cache = new Map<string, ReferenceCurve>();
const CACHE_LIMIT = 32;

const keyOf = (run: MemberRunConfig, learnerConfig: Record<string, unknown>, metric: MetricSpec, channel: ChannelChoice): string => JSON.stringify([run, learnerConfig, metric, channel]);

/** Puts a curve computed elsewhere (a checkpoint) into the cache. */
export function rememberReference(run: MemberRunConfig, learnerConfig: Record<string, unknown>, channel: ChannelChoice, curve: ReferenceCurve): void {
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(keyOf(run, learnerConfig, curve.metric, channel), curve);
}

/** Empties the cache (tests that count the work). */
export function clearReferenceCache(): void {
  cache.clear();
}

/**
 * The reference curve of a population trained on `metric` through `channel` with the run's
 * budget: one job per member per generation through `jobs` (workers or in process: the same
 * numbers). Cached by configuration.
 */
export async function referenceCurve(jobs: JobRunner<MemberJob, MemberResult>, run: MemberRunConfig, learnerConfig: Record<string, unknown>, metric: MetricSpec, channel: ChannelChoice): Promise<ReferenceCurve> {
  const key = keyOf(run, learnerConfig, metric, channel);
  const hit = cache.get(key);
  if (hit) return hit;
  if (!(run.heldOutTasks && run.heldOutTasks > 0)) throw new RangeError('referenceCurve needs held-out tasks (run.heldOutTasks > 0)');
  const slots = Array.from({ length: run.population }, (_, slot) => ({ slot, state: null as MemberResult['state'] | null, channelState: {} as Record<string, number> }));
  const best: number[] = [];
  const mean: number[] = [];
  for (let gen = 0; gen < run.generations; gen++) {
    const results = await jobs.runAll(slots.map((m) => ({ run, slot: m.slot, gen, version: 0, learnerConfig, state: m.state, channel, channelState: m.channelState, metric })));
    results.forEach((r, i) => {
      const m = slots[i] as (typeof slots)[number];
      m.state = r.state;
      m.channelState = r.channelState;
    });
    const gts = results.map((r) => r.evaluation.heldOutGt ?? 0);
    best.push(gts[shippedIndex(metric.direction, results.map((r) => r.evaluation.values))] as number);
    mean.push(gts.reduce((a, b) => a + b, 0) / gts.length);
  }
  const curve: ReferenceCurve = { metric, channel: channel.kind === 'scheduled' ? `scheduled:${channel.schedule ?? 'linear'}` : channel.kind, best, mean };
  rememberReference(run, learnerConfig, channel, curve);
  return curve;
}

/** drift per generation: disagreement minus the lowest disagreement reached so far (null while undefined). */
export function driftSeries(disagreement: readonly (number | null)[]): (number | null)[] {
  let low = Infinity;
  return disagreement.map((d) => {
    if (d === null) return null;
    low = Math.min(low, d);
    return d - low;
  });
}
