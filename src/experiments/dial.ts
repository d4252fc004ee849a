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
 * only — not on α, the safeguard or the anchor budget — so each configuration has one trainer,
 * cached (`referenceTrainer`): a drift sweep trains them once per seed, not once per cell. They
 * are trained alongside the run, generation by generation: in process in the same batch as the
 * system's members, on workers in the background up to two generations ahead (`ReferenceLead`),
 * so their jobs fill the workers while the run decides (a run's first generation waits for one
 * reference generation, not for two whole reference runs); a later run of the same
 * configuration reuses what is trained and extends it.
 * The reference members use the same slots, seeds and streams as the system's members (common
 * random numbers): at generation 0 a system member and its reference twin differ only by the
 * metric they learn from.
 */
import { goodness } from '../anchors/index.ts';
import type { MetricDirection, MetricSpec } from '../metrics/index.ts';
import type { ChannelChoice } from '../meta/index.ts';
import type { LearnerState } from '../learners/types.ts';
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

/** A reference slot between generations: its learner's state (null before its first job) and its channel's state. */
export interface ReferenceSlot {
  readonly state: LearnerState | null;
  readonly channelState: Record<string, number>;
}

/**
 * A reference population's training so far, as data: its curve over the generations trained and
 * its slots' states after the last of them (null when the curve is complete: nothing is left to
 * train). What a checkpoint carries so a resumed run continues the references where they were.
 */
export interface ReferenceProgress {
  readonly curve: ReferenceCurve;
  readonly slots: readonly ReferenceSlot[] | null;
}

const channelName = (channel: ChannelChoice): string => (channel.kind === 'scheduled' ? `scheduled:${channel.schedule ?? 'linear'}` : channel.kind);

/**
 * A reference population trained generation by generation, beside the system's members: at
 * generation g the run asks for the reference's jobs of generation g (`claim`) and runs them in
 * the same batch as its members' jobs (in process) or in the background (`ReferenceLead`, on
 * workers), so no generation waits for a whole reference run. One trainer per configuration is shared through the cache: a later run of
 * the same configuration (another α or budget of a drift sweep) reads the generations already
 * trained and trains only the ones still missing. Its jobs are exactly the up-front training's
 * (same slots, seeds, streams, versions), so the curve is bitwise the same, however it is
 * interleaved.
 */
export class ReferenceTrainer {
  readonly metric: MetricSpec;
  readonly channel: ChannelChoice;
  private readonly best: number[] = [];
  private readonly means: number[] = [];
  private slots: { state: LearnerState | null; channelState: Record<string, number> }[];
  /** The generation whose jobs a caller has claimed and not yet absorbed (null: none). */
  private inFlight: { gen: number; done: Promise<void>; settle: (ok: boolean) => void } | null = null;

  constructor(
    readonly run: MemberRunConfig,
    readonly learnerConfig: Record<string, unknown>,
    metric: MetricSpec,
    channel: ChannelChoice,
  ) {
    if (!(run.heldOutTasks && run.heldOutTasks > 0)) throw new RangeError('a reference population needs held-out tasks (run.heldOutTasks > 0)');
    this.metric = metric;
    this.channel = channel;
    this.slots = Array.from({ length: run.population }, () => ({ state: null, channelState: {} }));
  }

  /** Generations trained so far. */
  get trained(): number {
    return this.best.length;
  }

  /** Whether every generation of the run is trained. */
  get complete(): boolean {
    return this.best.length >= this.run.generations;
  }

  /** The curve over the generations trained so far (copies). */
  curve(): ReferenceCurve {
    return { metric: this.metric, channel: channelName(this.channel), best: [...this.best], mean: [...this.means] };
  }

  /** The training so far as data (slots null once complete). */
  progress(): ReferenceProgress {
    return { curve: this.curve(), slots: this.complete ? null : this.slots.map((s) => ({ state: s.state, channelState: { ...s.channelState } })) };
  }

  /**
   * Takes over the training of `progress` when it is further than this trainer (a checkpoint
   * read into a fresh process). Progress without slot states can only be taken when complete.
   */
  adopt(progress: ReferenceProgress): void {
    const n = progress.curve.best.length;
    if (this.inFlight || n <= this.trained || n > this.run.generations) return;
    if (progress.slots === null && n < this.run.generations) return;
    if (progress.slots !== null && progress.slots.length !== this.run.population) return;
    this.best.splice(0, this.best.length, ...progress.curve.best);
    this.means.splice(0, this.means.length, ...progress.curve.mean);
    if (progress.slots) this.slots = progress.slots.map((s) => ({ state: s.state, channelState: { ...s.channelState } }));
  }

  /**
   * The jobs of generation `gen` when the caller is to run them: `gen` is the next generation to
   * train and nobody else is running it. Otherwise null (already trained, in flight elsewhere, or
   * earlier generations still missing: `ready` catches up). The caller then runs them and hands
   * back the results (`absorb`) or reports the failure (`release`).
   */
  claim(gen: number): MemberJob[] | null {
    if (this.inFlight || gen !== this.trained || gen >= this.run.generations) return null;
    let settle: (ok: boolean) => void = () => {};
    const done = new Promise<void>((resolve) => {
      settle = () => resolve();
    });
    this.inFlight = { gen, done, settle };
    const { run, learnerConfig, channel, metric } = this;
    return this.slots.map((m, slot) => ({ run, slot, gen, version: 0, learnerConfig, state: m.state, channel, channelState: m.channelState, metric }));
  }

  /** Takes the results of a claimed generation's jobs (in slot order). */
  absorb(gen: number, results: readonly MemberResult[]): void {
    if (this.inFlight?.gen !== gen) throw new Error(`reference: generation ${gen} was not claimed`);
    results.forEach((r, i) => {
      this.slots[i] = { state: r.state, channelState: r.channelState };
    });
    const gts = results.map((r) => r.evaluation.heldOutGt ?? 0);
    this.best.push(gts[shippedIndex(this.metric.direction, results.map((r) => r.evaluation.values))] as number);
    this.means.push(gts.reduce((a, b) => a + b, 0) / gts.length);
    const f = this.inFlight;
    this.inFlight = null;
    f.settle(true);
  }

  /** Gives a claimed generation back after its batch failed (another caller may run it). */
  release(gen: number): void {
    if (this.inFlight?.gen !== gen) return;
    const f = this.inFlight;
    this.inFlight = null;
    f.settle(false);
  }

  /**
   * Resolves once generation `gen` is trained: waits for another caller's batch, or trains the
   * missing generations alone through `jobs` (a cold cache after a resume without states, or a
   * caller that ran ahead of a trainer it shares).
   */
  async ready(gen: number, jobs: JobRunner<MemberJob, MemberResult>): Promise<void> {
    const last = Math.min(gen, this.run.generations - 1);
    while (this.trained <= last) {
      if (this.inFlight) {
        await this.inFlight.done;
        continue;
      }
      const g = this.trained;
      await this.runClaimed(g, this.claim(g) as MemberJob[], jobs);
    }
  }

  /** Runs the claimed jobs of generation `gen` through `jobs` and absorbs them; on failure gives the generation back and rethrows. */
  async runClaimed(gen: number, batch: MemberJob[], jobs: JobRunner<MemberJob, MemberResult>): Promise<void> {
    let results: MemberResult[];
    try {
      results = await jobs.runAll(batch);
    } catch (err) {
      this.release(gen);
      throw err;
    }
    this.absorb(gen, results);
  }
}

/**
 * Trains reference populations in the background, beside the system's own batches, on a runner
 * with more than one worker: a reference generation depends on the reference's previous one only,
 * never on the run's decisions, so its jobs can fill the workers while the system waits for a
 * generation's last member or decides on the calling thread. Up to `upTo` (raised by `pump`); a
 * batch that fails is given back (`release`) and its error rethrown by `check`. The jobs are the
 * same as in the foreground, so the curves are bitwise the same.
 */
export class ReferenceLead {
  private upTo = -1;
  private readonly running = new Set<ReferenceTrainer>();
  private failure: { error: unknown } | null = null;

  constructor(
    private readonly trainers: readonly ReferenceTrainer[],
    private readonly jobs: JobRunner<MemberJob, MemberResult>,
  ) {}

  /** Lets every trainer train up to generation `upTo` (inclusive) in the background. */
  pump(upTo: number): void {
    this.upTo = Math.max(this.upTo, upTo);
    for (const t of this.trainers) if (!this.running.has(t)) void this.drive(t);
  }

  /** Rethrows the first background failure. */
  check(): void {
    if (this.failure) throw this.failure.error;
  }

  private async drive(t: ReferenceTrainer): Promise<void> {
    this.running.add(t);
    try {
      while (this.failure === null && !t.complete && t.trained <= this.upTo) {
        const gen = t.trained;
        const batch = t.claim(gen);
        if (!batch) return; // Another caller is training it.
        try {
          await t.runClaimed(gen, batch, this.jobs);
        } catch (error) {
          this.failure = { error };
          return;
        }
      }
    } finally {
      this.running.delete(t);
    }
  }
}

// Reference trainers by configuration. Bounded: a sweep needs one or two per seed at a time.
const cache = new Map<string, ReferenceTrainer>();
const CACHE_LIMIT = 32;

const keyOf = (run: MemberRunConfig, learnerConfig: Record<string, unknown>, metric: MetricSpec, channel: ChannelChoice): string => JSON.stringify([run, learnerConfig, metric, channel]);

/** The shared trainer of a reference configuration (created untrained on a miss). */
export function referenceTrainer(run: MemberRunConfig, learnerConfig: Record<string, unknown>, metric: MetricSpec, channel: ChannelChoice): ReferenceTrainer {
  const key = keyOf(run, learnerConfig, metric, channel);
  const hit = cache.get(key);
  if (hit) return hit;
  const trainer = new ReferenceTrainer(run, learnerConfig, metric, channel);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, trainer);
  return trainer;
}

/** Empties the cache (tests that count the work; the bench, so both its runs train their references). */
export function clearReferenceCache(): void {
  cache.clear();
}

/**
 * The whole reference curve of a population trained on `metric` through `channel` with the run's
 * budget, trained up front (every generation before returning; evolve interleaves instead): one
 * job per member per generation through `jobs` (workers or in process: the same numbers). Shares
 * the cached trainer of its configuration.
 */
export async function referenceCurve(jobs: JobRunner<MemberJob, MemberResult>, run: MemberRunConfig, learnerConfig: Record<string, unknown>, metric: MetricSpec, channel: ChannelChoice): Promise<ReferenceCurve> {
  const trainer = referenceTrainer(run, learnerConfig, metric, channel);
  await trainer.ready(run.generations - 1, jobs);
  return trainer.curve();
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
