/**
 * The budgeted ground-truth query: the only way learners, proposers and safeguards learn anchor
 * verdicts (wall 1).
 *
 * The runner builds one `AnchorOracle` per generation from the anchor-task consequences of the
 * current population (a matrix: members × anchor tasks), optionally with explored rows below the
 * members: the consequences of the members' exploring (stochastic) actions on the same tasks.
 * They are cells the gate may sample and buy like any other, but not learners: `values` and
 * member rankings cover the member rows only. They exist because a population that has learned
 * a blind metric can fail ground truth on every greedy cell, and evidence with constant ground
 * truth cannot tell a metric that agrees with it from one that does not (evolve, issue 10).
 * Measurements are free — metrics are
 * functions of them and anyone may evaluate a metric on them. Each ground-truth verdict (pass and
 * margin of one cell) costs one unit of the generation's budget, like a human label; re-reading
 * a verdict already bought is free (the label is known), so several proposals judged in one
 * generation share what was bought. A query past the budget throws `BudgetExhaustedError`.
 *
 * Verdicts live in ES private fields (`#`): code holding the oracle cannot read them by
 * reflection, `Object.keys`, JSON or a cast — only by paying. The oracle keeps no reference to
 * the consequences it was built from (trajectories and verdict objects are dropped).
 * Deterministic: answers depend only on the matrix, never on query order or timing.
 */
import type { Consequence } from '../core/types.ts';
import { metricValue, type Metric } from '../metrics/index.ts';
import type { EvidenceCell } from './agreement.ts';
import { consequenceMargin } from './evidence.ts';

/** A query past the generation's ground-truth budget. */
export class BudgetExhaustedError extends Error {
  constructor(
    readonly budget: number,
    readonly spent: number,
    readonly requested: number,
  ) {
    super(`anchor budget exhausted: ${spent} of ${budget} ground-truth verdicts spent this generation, ${requested} more requested`);
    this.name = 'BudgetExhaustedError';
  }
}

/** The anchor evidence of one generation: consequences[member][task]. */
export interface AnchorMatrix {
  /** Population member ids, in population order. */
  readonly members: readonly string[];
  /** Anchor task keys (the suite's `keys`), in suite order. */
  readonly tasks: readonly string[];
  readonly consequences: readonly (readonly AnchorConsequence[])[];
  /** Explored rows (each one consequence per anchor task): cells below the members', not learners. */
  readonly explored?: readonly (readonly AnchorConsequence[])[];
}

/** What the oracle keeps of a consequence. */
export type AnchorConsequence = Pick<Consequence, 'measurements' | 'verdicts' | 'gtPass'>;

/** One cell of the matrix. */
export interface Cell {
  /** Row: a member index, or members.length + k for explored row k. */
  readonly member: number;
  readonly task: number;
}

/** A bought verdict. */
export interface RevealedVerdict extends Cell {
  readonly pass: boolean;
  /** Ground-truth margin (smallest over the world's checks; see evidence.ts). */
  readonly margin: number;
}

/** Oracle options. */
export interface OracleOptions {
  /** Ground-truth verdicts this oracle may reveal (a non-negative integer, or Infinity for the runner's own evaluation). */
  readonly budget: number;
}

/** Budgeted ground truth on the anchor tasks of one generation. */
export class AnchorOracle {
  readonly members: readonly string[];
  readonly tasks: readonly string[];
  /** Rows of cells: the members, then the explored rows. */
  readonly rows: number;
  readonly budget: number;
  readonly #measurements: readonly Readonly<Record<string, number>>[];
  readonly #pass: Uint8Array;
  readonly #margin: Float64Array;
  readonly #revealed: Uint8Array;
  readonly #log: RevealedVerdict[] = [];

  constructor(matrix: AnchorMatrix, options: OracleOptions) {
    const { members, tasks, consequences } = matrix;
    const explored = matrix.explored ?? [];
    if (!(options.budget === Infinity || (Number.isInteger(options.budget) && options.budget >= 0))) {
      throw new RangeError(`oracle budget must be a non-negative integer, got ${options.budget}`);
    }
    if (consequences.length !== members.length) throw new RangeError(`${members.length} members but ${consequences.length} rows of consequences`);
    if (new Set(members).size !== members.length) throw new RangeError('member ids must be unique');
    this.rows = members.length + explored.length;
    const n = this.rows * tasks.length;
    this.members = Object.freeze([...members]);
    this.tasks = Object.freeze([...tasks]);
    this.budget = options.budget;
    this.#pass = new Uint8Array(n);
    this.#margin = new Float64Array(n);
    this.#revealed = new Uint8Array(n);
    const meas: Readonly<Record<string, number>>[] = [];
    [...consequences, ...explored].forEach((row, m) => {
      if (row.length !== tasks.length) throw new RangeError(`${m < members.length ? `member ${members[m]}` : `explored row ${m - members.length}`}: ${row.length} consequences for ${tasks.length} anchor tasks`);
      row.forEach((c, t) => {
        const i = m * tasks.length + t;
        meas.push(Object.freeze({ ...c.measurements }));
        this.#pass[i] = c.gtPass ? 1 : 0;
        this.#margin[i] = consequenceMargin(c);
      });
    });
    this.#measurements = Object.freeze(meas);
  }

  /** Cells of the matrix: rows × anchor tasks, explored rows included. */
  get size(): number {
    return this.#revealed.length;
  }

  /** Verdicts bought so far. */
  get spent(): number {
    return this.#log.length;
  }

  /** Verdicts still affordable. */
  get remaining(): number {
    return this.budget - this.#log.length;
  }

  #index(member: number, task: number): number {
    if (!Number.isInteger(member) || member < 0 || member >= this.rows) throw new RangeError(`member index ${member} out of range [0, ${this.rows})`);
    if (!Number.isInteger(task) || task < 0 || task >= this.tasks.length) throw new RangeError(`task index ${task} out of range [0, ${this.tasks.length})`);
    return member * this.tasks.length + task;
  }

  /** A cell's measurements (free; frozen). */
  measurements(member: number, task: number): Readonly<Record<string, number>> {
    return this.#measurements[this.#index(member, task)] as Readonly<Record<string, number>>;
  }

  /** A metric's values on every member cell, values[member][task] (free; NaN where undefined; explored rows excluded). */
  values(metric: Metric): number[][] {
    return this.members.map((_, m) => this.tasks.map((_, t) => metricValue(metric, this.#measurements[m * this.tasks.length + t] as Readonly<Record<string, number>>)));
  }

  /** Whether a cell's verdict has been bought. */
  isRevealed(member: number, task: number): boolean {
    return this.#revealed[this.#index(member, task)] === 1;
  }

  /** Budget units buying these cells would cost (cells already bought, and repeats, are free). */
  costOf(cells: readonly Cell[]): number {
    const fresh = new Set<number>();
    for (const c of cells) {
      const i = this.#index(c.member, c.task);
      if (this.#revealed[i] === 0) fresh.add(i);
    }
    return fresh.size;
  }

  /** One verdict: one budget unit unless already bought; throws BudgetExhaustedError past the budget. */
  query(member: number, task: number): RevealedVerdict {
    const i = this.#index(member, task);
    if (this.#revealed[i] === 0) {
      if (this.remaining < 1) throw new BudgetExhaustedError(this.budget, this.spent, 1);
      this.#revealed[i] = 1;
      this.#log.push(Object.freeze({ member, task, pass: this.#pass[i] === 1, margin: this.#margin[i] as number }));
    }
    return this.#verdict(i, member, task);
  }

  /** Several verdicts, all or nothing: throws BudgetExhaustedError before revealing any if they cost more than remains. */
  queryAll(cells: readonly Cell[]): RevealedVerdict[] {
    const cost = this.costOf(cells);
    if (cost > this.remaining) throw new BudgetExhaustedError(this.budget, this.spent, cost);
    return cells.map((c) => this.query(c.member, c.task));
  }

  #verdict(i: number, member: number, task: number): RevealedVerdict {
    return Object.freeze({ member, task, pass: this.#pass[i] === 1, margin: this.#margin[i] as number });
  }

  /** Every verdict bought so far, in purchase order. */
  revealed(): readonly RevealedVerdict[] {
    return Object.freeze([...this.#log]);
  }

  /** The bought verdicts as agreement evidence (measurements + margin + pass), in purchase order. */
  evidence(): EvidenceCell[] {
    return this.#log.map((v) => ({ measurements: this.measurements(v.member, v.task), margin: v.margin, pass: v.pass }));
  }
}
