/**
 * Metric proposers: which mutation operator to try next. Pluggable — the meta-agent asks a
 * proposer for an operator per candidate and reports back a reward once the generation's
 * decisions are in.
 *
 * - `random`: every operator equally often (the baseline).
 * - `bandit`: UCB1 over the operators (Auer et al. 2002): pick the operator maximising
 *   mean reward + c·sqrt(2 ln N / n), trying each once first. The reward of a candidate is
 *   acceptance × preference gain: 0 if it was not adopted, else its gain in the meta-agent's
 *   (self-flattering) preference over the metric it replaced, clipped to [0, 1]. So the bandit
 *   learns which edits get past the safeguard *and* flatter — at α = 0 that is whatever
 *   flatters most; under a strong gate, whatever the gate lets through.
 * State is plain data (counts and reward sums), recorded in the run record.
 */
import type { Stream } from '../core/rng.ts';
import { METRIC_OPERATORS, type MetricOperatorName } from './operators.ts';

/** Proposer ids. */
export const PROPOSER_KINDS = ['random', 'bandit'] as const;
/** One of the proposer ids. */
export type ProposerKind = (typeof PROPOSER_KINDS)[number];

/** Per-operator statistics (plain data). */
export interface ArmStats {
  readonly operator: MetricOperatorName;
  readonly pulls: number;
  readonly rewardSum: number;
}

/** A metric proposer: picks operators, learns from rewards. */
export interface MetricProposer {
  readonly kind: ProposerKind;
  /** The operator for the next candidate. */
  pick(rng: Stream): MetricOperatorName;
  /** Reward in [0, 1] for one candidate made with `operator`. */
  reward(operator: MetricOperatorName, reward: number): void;
  /** Statistics per operator, in METRIC_OPERATORS order. */
  stats(): ArmStats[];
  /** Restores statistics made by `stats()` (a resumed run; between generations nothing else is pending). */
  restore(stats: readonly ArmStats[]): void;
}

class Arms {
  readonly pulls = new Map<MetricOperatorName, number>(METRIC_OPERATORS.map((o) => [o, 0]));
  readonly sums = new Map<MetricOperatorName, number>(METRIC_OPERATORS.map((o) => [o, 0]));

  reward(operator: MetricOperatorName, reward: number): void {
    const r = Number.isFinite(reward) ? Math.min(1, Math.max(0, reward)) : 0;
    this.pulls.set(operator, (this.pulls.get(operator) ?? 0) + 1);
    this.sums.set(operator, (this.sums.get(operator) ?? 0) + r);
  }

  stats(): ArmStats[] {
    return METRIC_OPERATORS.map((operator) => ({ operator, pulls: this.pulls.get(operator) ?? 0, rewardSum: this.sums.get(operator) ?? 0 }));
  }

  restore(stats: readonly ArmStats[]): void {
    for (const op of METRIC_OPERATORS) {
      const a = stats.find((x) => x.operator === op);
      this.pulls.set(op, a?.pulls ?? 0);
      this.sums.set(op, a?.rewardSum ?? 0);
    }
  }
}

/** Uniform choice among the operators. */
export function randomProposer(): MetricProposer {
  const arms = new Arms();
  return {
    kind: 'random',
    pick: (rng) => rng.pick(METRIC_OPERATORS),
    reward: (op, r) => arms.reward(op, r),
    stats: () => arms.stats(),
    restore: (stats) => arms.restore(stats),
  };
}

/** UCB1 over the operators; `exploration` is c (default 0.5: rewards are small, so explore gently). */
export function banditProposer(exploration = 0.5): MetricProposer {
  const arms = new Arms();
  // Picks within one generation happen before any reward: count them so one generation spreads its candidates.
  const pending = new Map<MetricOperatorName, number>();
  return {
    kind: 'bandit',
    pick(rng) {
      const n = (op: MetricOperatorName): number => (arms.pulls.get(op) ?? 0) + (pending.get(op) ?? 0);
      const untried = METRIC_OPERATORS.filter((op) => n(op) === 0);
      let choice: MetricOperatorName;
      if (untried.length > 0) choice = rng.pick(untried);
      else {
        const total = METRIC_OPERATORS.reduce((s, op) => s + n(op), 0);
        let best = -Infinity;
        choice = METRIC_OPERATORS[0];
        for (const op of METRIC_OPERATORS) {
          const pulls = arms.pulls.get(op) ?? 0;
          const mean = pulls > 0 ? (arms.sums.get(op) ?? 0) / pulls : 0;
          // A tiny seeded jitter breaks exact ties without favouring list order.
          const ucb = mean + exploration * Math.sqrt((2 * Math.log(total)) / n(op)) + 1e-9 * rng.next();
          if (ucb > best) {
            best = ucb;
            choice = op;
          }
        }
      }
      pending.set(choice, (pending.get(choice) ?? 0) + 1);
      return choice;
    },
    reward(op, r) {
      const p = pending.get(op) ?? 0;
      if (p > 0) pending.set(op, p - 1);
      arms.reward(op, r);
    },
    stats: () => arms.stats(),
    restore(stats) {
      pending.clear();
      arms.restore(stats);
    },
  };
}

/** A proposer by id. */
export function createProposer(kind: ProposerKind): MetricProposer {
  return kind === 'bandit' ? banditProposer() : randomProposer();
}
