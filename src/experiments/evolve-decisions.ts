/**
 * The adopted metric of an evolve run, kept so that every change of it is a recorded decision.
 *
 * Three kinds of decision change or keep the metric in force:
 * - `proposal`: the safeguard reviews a metric the meta-agent proposed; accepted, it is in force
 *   from the next generation;
 * - `revalidation`: the safeguard reviews the metric in force again, on the evidence of the
 *   population it trained (a metric can agree with ground truth when adopted and stop agreeing
 *   once learners optimise it); rejected, the metric has *failed re-validation*;
 * - `fallback`: what the runner does after a failed re-validation (or on a quarantine's rollback
 *   advice): it puts another metric in force and records why, in the same generation.
 *
 * ## What the run falls back to, and why
 * The **most recent metric in force that has not failed re-validation** (walking back the order in
 * which metrics came into force), or the quarantine's advised metric when it is eligible. The
 * floor is the start metric (the designer's, or the configured one): it is never re-validated,
 * because it was not proposed — it is what the researcher chose to ship, and the baseline every
 * proposal is judged against — so the walk always ends.
 * Why this and not the designer metric directly: the metric before the failed one was adopted on
 * anchor evidence (an accepted decision, or it is the start metric) and has not been shown wrong
 * since, so stepping back one metric keeps what the anchors supported and undoes only what they
 * now reject; jumping to the designer metric would throw away accepted evidence (and bring back
 * the designer's blind spot). Why not simply the parent: the parent may itself have failed
 * re-validation, and a fallback that lands on a rejected metric is how a run used to flip-flop
 * between two rejected metrics with no decision in between.
 *
 * A metric that failed re-validation returns only through a fresh accepted `proposal` decision,
 * which is taken in a later generation — on new anchor evidence, since the oracle is rebuilt from
 * each generation's population (proposals are not reviewed in a generation whose re-validation
 * failed). The same metric (expression, direction, threshold) always keeps the same id.
 */
import { metricToSpec, type Metric, type MetricSpec } from '../metrics/index.ts';

/** A metric of the lineage (the start metric and every one put in force). */
export interface MetricLineage {
  readonly id: string;
  /** Generation from which it was in force. */
  readonly from: number;
  readonly expression: string;
  readonly direction: 'lower' | 'higher';
  readonly threshold: number;
  readonly parent: string | null;
  readonly operator: string;
}

/** What the audit reads of a generation record (evolve.ts's GenerationRecord has these fields). */
interface GenerationRecord {
  readonly gen: number;
  readonly metric: string;
  readonly direction: string;
  readonly threshold: number;
}

/** What the audit reads of a decision record (evolve.ts's DecisionRecord has these fields). */
interface DecisionRecord extends GenerationRecord {
  readonly kind: 'proposal' | 'revalidation' | 'fallback';
  readonly outcome: string;
  readonly inForceFrom: number | null;
}

/** A metric as a spec (`expression`) or as run records name it (`metric`: the expression text). */
type MetricLike = { readonly direction: string; readonly threshold: number } & ({ readonly expression: string } | { readonly metric: string });

const textOf = (m: MetricLike): string => ('expression' in m ? m.expression : m.metric);

/** Identity of a metric: expression, direction and threshold. */
export function metricKey(m: MetricLike): string {
  return `${m.direction} ${m.threshold} ${textOf(m)}`;
}

const describe = (m: MetricLike): string => `${textOf(m)} ${m.direction === 'lower' ? '≤' : '≥'} ${m.threshold}`;

/** A fallback the runner takes: the metric it falls back to and the sentence that says why. */
export interface Fallback {
  readonly id: string;
  readonly metric: Metric;
  readonly reason: string;
  /** True when the target is the safeguard's advice. */
  readonly advised: boolean;
}

/** A MetricBook as plain data (an evolve checkpoint holds it, so a resumed run decides as the uninterrupted one). */
export interface MetricBookSnapshot {
  readonly count: number;
  readonly entries: readonly { readonly id: string; readonly metric: MetricSpec; readonly parent: string | null }[];
  readonly failed: readonly (readonly [string, number])[];
  readonly order: readonly string[];
  readonly lineage: readonly MetricLineage[];
  readonly currentId: string;
}

/** The metrics of a run: ids, parents, the order they came into force, and which failed re-validation. */
export class MetricBook {
  private readonly idByKey = new Map<string, string>();
  private readonly entries = new Map<string, { metric: Metric; parent: string | null }>();
  /** Id → generation in which it failed re-validation (cleared by a fresh accepted decision). */
  private readonly failed = new Map<string, number>();
  /** Ids in the order they came into force (a metric can appear more than once). */
  private readonly order: string[] = [];
  private count = 0;
  /** Every metric put in force, with the generation it took over (the start metric first). */
  readonly lineage: MetricLineage[] = [];
  current: Metric;
  currentId: string;

  constructor(start: Metric, source: string) {
    this.current = start;
    this.currentId = this.idOf(start, null);
    this.order.push(this.currentId);
    this.lineage.push({ id: this.currentId, from: 0, ...metricToSpec(start), parent: null, operator: source });
  }

  /** The book as plain data (see MetricBookSnapshot). */
  snapshot(): MetricBookSnapshot {
    return {
      count: this.count,
      entries: [...this.entries].map(([id, e]) => ({ id, metric: metricToSpec(e.metric), parent: e.parent })),
      failed: [...this.failed],
      order: [...this.order],
      lineage: this.lineage.map((l) => ({ ...l })),
      currentId: this.currentId,
    };
  }

  /** A book from its snapshot; `parseSpec` turns a stored metric back into a Metric (the world's measurements). */
  static restore(snap: MetricBookSnapshot, parseSpec: (spec: MetricSpec) => Metric): MetricBook {
    const first = snap.entries[0];
    if (!first) throw new Error('internal: a metric book snapshot with no metrics');
    const book = new MetricBook(parseSpec(first.metric), snap.lineage[0]?.operator ?? '');
    book.idByKey.clear();
    book.entries.clear();
    book.order.length = 0;
    book.lineage.length = 0;
    for (const e of snap.entries) {
      const metric = parseSpec(e.metric);
      book.idByKey.set(metricKey(metric), e.id);
      book.entries.set(e.id, { metric, parent: e.parent });
    }
    for (const [id, gen] of snap.failed) book.failed.set(id, gen);
    book.order.push(...snap.order);
    book.lineage.push(...snap.lineage.map((l) => ({ ...l })));
    book.count = snap.count;
    const cur = book.entries.get(snap.currentId);
    if (!cur) throw new Error(`internal: metric book snapshot's current id ${snap.currentId} is not among its metrics`);
    book.current = cur.metric;
    book.currentId = snap.currentId;
    return book;
  }

  /** The id of a metric (a new one the first time it is seen; `parent` is kept for new ids only). */
  private idOf(metric: Metric, parent: string | null): string {
    const key = metricKey(metric);
    const known = this.idByKey.get(key);
    if (known !== undefined) return known;
    const id = `M${this.count++}`;
    this.idByKey.set(key, id);
    this.entries.set(id, { metric, parent });
    return id;
  }

  /** The metric a metric was derived from (null for the start metric). */
  parentOf(id: string): { readonly id: string; readonly metric: Metric } | null {
    const parent = this.entries.get(id)?.parent ?? null;
    const entry = parent === null ? undefined : this.entries.get(parent);
    return parent !== null && entry ? { id: parent, metric: entry.metric } : null;
  }

  /** True when the metric failed re-validation and no accepted decision has brought it back since. */
  hasFailed(metric: Metric): boolean {
    const id = this.idByKey.get(metricKey(metric));
    return id !== undefined && this.failed.has(id);
  }

  /** Records that the metric in force failed re-validation in generation `gen`. */
  failRevalidation(gen: number): void {
    this.failed.set(this.currentId, gen);
  }

  /** An accepted proposal: in force from `gen + 1`; a fresh accepted decision clears an earlier failure. Returns its id. */
  adoptAccepted(metric: Metric, gen: number, operator: string): string {
    const parent = this.currentId;
    const id = this.idOf(metric, parent);
    const entry = this.entries.get(id)!;
    // A re-proposed metric was derived anew from the metric in force: that is its parent now.
    if (id !== parent) entry.parent = parent;
    const failedAt = this.failed.get(id);
    // New evidence only: proposals are never reviewed in the generation whose re-validation failed.
    if (failedAt !== undefined && !(gen > failedAt)) throw new Error(`internal: ${describe(metric)} failed re-validation at generation ${failedAt} and was accepted again in the same generation`);
    this.failed.delete(id);
    this.put(id, gen, operator);
    return id;
  }

  /**
   * Where to fall back from the metric in force: `preferred` (a quarantine's advice) when it has
   * not failed re-validation and differs from the current metric, else the most recent metric in
   * force that has not failed, else the start metric. Null when that is the current metric.
   */
  fallbackTarget(preferred: Metric | null): Fallback | null {
    const here = this.currentId;
    if (preferred && !this.hasFailed(preferred)) {
      const id = this.idByKey.get(metricKey(preferred));
      if (id !== here) {
        return { id: id ?? this.idOf(preferred, here), metric: id ? this.entries.get(id)!.metric : preferred, reason: `the metric advised by the safeguard, ${describe(preferred)}`, advised: true };
      }
    }
    for (let i = this.order.length - 1; i >= 0; i--) {
      const id = this.order[i] as string;
      if (id === here || this.failed.has(id)) continue;
      const failedSkipped = [...new Set(this.order.slice(i + 1).filter((x) => this.failed.has(x)))];
      const skipped = failedSkipped.length ? `; skipped, as failed re-validation: ${failedSkipped.map((x) => `${x} (${describe(this.entries.get(x)!.metric)}, gen ${this.failed.get(x)})`).join(', ')}` : '';
      return { id, metric: this.entries.get(id)!.metric, reason: `the most recent metric in force that has not failed re-validation, ${id} (${describe(this.entries.get(id)!.metric)})${skipped}`, advised: false };
    }
    const start = this.order[0] as string;
    if (start === here) return null;
    return { id: start, metric: this.entries.get(start)!.metric, reason: `the start metric ${start} (${describe(this.entries.get(start)!.metric)}), the floor`, advised: false };
  }

  /** Puts a fallback in force from `gen + 1`. */
  fallBack(target: Fallback, gen: number, operator: string): void {
    this.put(target.id, gen, operator);
  }

  private put(id: string, gen: number, operator: string): void {
    const entry = this.entries.get(id)!;
    this.current = entry.metric;
    this.currentId = id;
    this.order.push(id);
    this.lineage.push({ id, from: gen + 1, ...metricToSpec(entry.metric), parent: entry.parent, operator });
  }
}

/** What `auditMetricChanges` found. */
export interface MetricChangeAudit {
  /** Generations whose metric in force differs from the previous generation's. */
  readonly changes: number;
  /** Changes backed by an accepted proposal / by a fallback. */
  readonly byAccepted: number;
  readonly byFallback: number;
  /** Every breach of the two rules, one sentence each (empty when the record is sound). */
  readonly violations: readonly string[];
}

/**
 * Checks a run record against the two rules of the gate's decisions, from the generations alone
 * (what was in force) and the decisions (what was decided):
 * 1. every generation whose metric (expression, direction, threshold) differs from the previous
 *    one has an accepted proposal or a fallback decision for that metric, in force from that
 *    generation (decided in the generation before);
 * 2. no metric that failed re-validation is in force again unless an accepted proposal decision
 *    for it came after the failure.
 */
export function auditMetricChanges(record: { readonly generations: readonly GenerationRecord[]; readonly decisions: readonly DecisionRecord[] }): MetricChangeAudit {
  const violations: string[] = [];
  let changes = 0;
  let byAccepted = 0;
  let byFallback = 0;
  const failed = new Map<string, number>();
  const gens = record.generations;
  for (let i = 0; i < gens.length; i++) {
    const g = gens[i] as GenerationRecord;
    const key = metricKey(g);
    if (i > 0) {
      const prev = gens[i - 1] as GenerationRecord;
      // Decisions of the previous generation decide what is in force in this one, in the order taken.
      for (const d of record.decisions.filter((x) => x.gen === prev.gen)) {
        if (d.kind === 'revalidation' && d.outcome === 'rejected') failed.set(metricKey(d), d.gen);
        if (d.kind === 'proposal' && d.outcome === 'accepted') failed.delete(metricKey(d));
      }
      if (key !== metricKey(prev)) {
        changes++;
        const backing = record.decisions.find((d) => d.inForceFrom === g.gen && metricKey(d) === key && ((d.kind === 'proposal' && d.outcome === 'accepted') || d.kind === 'fallback'));
        if (!backing) violations.push(`generation ${g.gen}: the metric changed from ${describe(prev)} to ${describe(g)} with no accepted or fallback decision for it`);
        else if (backing.kind === 'fallback') byFallback++;
        else byAccepted++;
      }
    }
    const failedAt = failed.get(key);
    if (failedAt !== undefined) violations.push(`generation ${g.gen}: ${describe(g)} is in force although it failed re-validation at generation ${failedAt} and no accepted decision brought it back`);
  }
  return { changes, byAccepted, byFallback, violations };
}
