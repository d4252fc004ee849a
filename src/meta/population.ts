/**
 * Learner proposals, population-based-training style (Jaderberg et al. 2017): every `every`
 * generations the members are ranked by the meta-agent's own view — their score under the
 * *adopted* metric, measurements only — and the weakest `fraction` copy a strong member
 * (exploit: the runner copies weights with save/load) and perturb (explore): hyperparameters
 * scaled by one of a few factors, now and then the capacity (the weights are reshaped to the
 * new size where the family allows it, see inherit.ts), and now and then the feedback channel
 * and its schedule. Ranking by the adopted metric is the point: at α = 0 the population is selected for
 * whatever the drifted metric rewards.
 *
 * The perturbation table is plain data per learner family; a family without an entry only
 * changes channel. Every draw comes from the stream passed in; every change is returned as
 * plain data for the lineage record.
 */
import type { Stream } from '../core/rng.ts';
import { CHANNEL_KINDS, SCHEDULES, type ChannelKind, type ScheduleName } from '../feedback/channels.ts';

/** A member's feedback channel: a kind and, for `scheduled`, its schedule. */
export interface ChannelChoice {
  readonly kind: ChannelKind;
  readonly schedule?: ScheduleName;
}

/** What the meta-agent sees of one member (plain data; no ground truth). */
export interface MemberView {
  readonly id: string;
  readonly family: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly channel: ChannelChoice;
  /** Higher is better: the member's mean goodness under the adopted metric on train tasks. */
  readonly score: number;
}

/** One learner proposal: `member` becomes a perturbed copy of `from`. */
export interface LearnerChange {
  readonly member: string;
  readonly from: string;
  readonly family: string;
  readonly config: Record<string, unknown>;
  readonly channel: ChannelChoice;
  /** True when the capacity changed: the weights are reshaped (src/meta/inherit.ts) or, if they cannot be, the member restarts. */
  readonly capacityChanged: boolean;
  /** Readable list of what changed (`learningRate 0.01→0.0125`, `channel graded→hotcold`). */
  readonly perturbations: string[];
}

/** One perturbable hyperparameter of a family. */
export interface HyperparameterSpec {
  readonly key: string;
  /** Multiplicative steps to choose from. */
  readonly factors: readonly number[];
  readonly min: number;
  readonly max: number;
  readonly integer?: boolean;
  /** A capacity knob: changing it may change the weights' shape. */
  readonly capacity?: boolean;
}

/** Perturbable hyperparameters per learner family (ranges inside each family's schema). */
export const HYPERPARAMETERS: Readonly<Record<string, readonly HyperparameterSpec[]>> = Object.freeze({
  'gaussian-policy': [
    { key: 'learningRate', factors: [0.8, 1.25], min: 1e-4, max: 0.05 },
    { key: 'stdLearningRateScale', factors: [0.8, 1.25], min: 1, max: 100 },
    { key: 'width', factors: [0.5, 2], min: 4, max: 128, integer: true, capacity: true },
  ],
  cem: [
    { key: 'eliteFraction', factors: [0.8, 1.25], min: 0.05, max: 0.5 },
    { key: 'smoothing', factors: [0.8, 1.25], min: 0.01, max: 0.9 },
    { key: 'population', factors: [0.5, 2], min: 4, max: 64, integer: true, capacity: true },
  ],
  'physics-prior': [
    { key: 'eliteFraction', factors: [0.8, 1.25], min: 0.05, max: 0.5 },
    { key: 'smoothing', factors: [0.8, 1.25], min: 0.05, max: 1 },
  ],
});

/** PBT options (plain data, recorded). */
export interface PbtOptions {
  /** Share of the population replaced each time (at least one member when the population has ≥ 2). */
  readonly fraction: number;
  /** Generations between two rounds of proposals. */
  readonly every: number;
  /** Channels a member may switch to; one entry (or none) keeps channels fixed. */
  readonly channels: readonly ChannelKind[];
  /** Probability that a copy also switches channel. */
  readonly channelRate: number;
  /** Probability that a copy changes capacity. */
  readonly capacityRate: number;
}

/** Defaults: a quarter replaced every 2 generations; channel switch 20 %, capacity 10 %. */
export const DEFAULT_PBT: PbtOptions = Object.freeze({ fraction: 0.25, every: 2, channels: CHANNEL_KINDS, channelRate: 0.2, capacityRate: 0.1 });

const fmt = (x: unknown): string => (typeof x === 'number' ? String(Number(x.toPrecision(3))) : String(x));
const channelText = (c: ChannelChoice): string => (c.kind === 'scheduled' ? `scheduled:${c.schedule ?? 'linear'}` : c.kind);

/** The PBT proposals of one generation: who copies whom, with what perturbations. */
export function proposeLearnerChanges(members: readonly MemberView[], options: PbtOptions, rng: Stream): LearnerChange[] {
  if (members.length < 2) return [];
  // Best first; an undefined score ranks last; ties go to the earlier id.
  const key = (m: MemberView): number => (Number.isNaN(m.score) ? -Infinity : m.score);
  const ranked = [...members].sort((a, b) => (key(b) > key(a) ? 1 : key(b) < key(a) ? -1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const n = Math.max(1, Math.floor(options.fraction * members.length));
  const top = ranked.slice(0, n);
  const bottom = ranked.slice(-n);
  return bottom.map((weak) => {
    const donor = rng.pick(top);
    const config: Record<string, unknown> = { ...donor.config };
    const perturbations: string[] = [];
    let capacityChanged = false;
    const specs = Object.hasOwn(HYPERPARAMETERS, donor.family) ? (HYPERPARAMETERS[donor.family] as readonly HyperparameterSpec[]) : [];
    const changeCapacity = rng.next() < options.capacityRate;
    for (const spec of specs) {
      if (spec.capacity && !changeCapacity) continue;
      const old = config[spec.key];
      if (typeof old !== 'number') continue;
      let next = old * rng.pick(spec.factors);
      next = Math.min(spec.max, Math.max(spec.min, spec.integer ? Math.round(next) : Number(next.toPrecision(3))));
      if (next === old) continue;
      config[spec.key] = next;
      perturbations.push(`${spec.key} ${fmt(old)}→${fmt(next)}`);
      if (spec.capacity) capacityChanged = true;
    }
    let channel: ChannelChoice = donor.channel;
    const switchChannel = rng.next() < options.channelRate;
    if (switchChannel && options.channels.length > 1) {
      const kind = rng.pick(options.channels.filter((k) => k !== donor.channel.kind));
      channel = kind === 'scheduled' ? { kind, schedule: rng.pick(SCHEDULES) } : { kind };
      perturbations.push(`channel ${channelText(donor.channel)}→${channelText(channel)}`);
    }
    return { member: weak.id, from: donor.id, family: donor.family, config, channel, capacityChanged, perturbations };
  });
}
