/**
 * Which learners fit which world: every family declares its needs (`LearnerNeeds`, in its own
 * file); this module reads a world's facts (loop kind, feature and action names) and lists the
 * needs a world or a run leaves unmet. `list`, `learners` and `train` all ask here, so a misfit
 * is refused with the unmet need named (exit 2) instead of failing inside a run.
 */
import { InputError } from '../core/errors.ts';
import { isClosedLoop, type AnyWorld } from '../core/types.ts';
import { CHANNEL_KINDS, type ChannelKind } from '../feedback/channels.ts';
import { getLearnerFamily, LEARNER_IDS, type LearnerId } from './registry.ts';
import type { LearnerNeeds } from './types.ts';

/**
 * Feature names that identify a task without describing it. A world gives one when each task
 * must be solved on its own from feedback (the guessing game's hidden target): a learner that
 * maps features to actions has nothing to map from.
 */
export const OPAQUE_FEATURES: readonly string[] = ['taskId'];

/** What a learner's needs are checked against: a world under given parameters. */
export interface WorldFacts {
  readonly world: string;
  readonly loop: 'one-shot' | 'closed-loop';
  readonly featureNames: readonly string[];
  readonly actionNames: readonly string[];
  /** Every action dimension has finite bounds with high > low. */
  readonly actionBoxBounded: boolean;
}

/** What a run adds: the channel and the metric expression (absent: any). */
export interface RunFacts {
  readonly channel?: ChannelKind;
  readonly metric?: string;
}

/** A world's facts under `params` (already resolved). */
export function worldFacts(world: AnyWorld, params: Record<string, unknown>): WorldFacts {
  const box = world.actionSpace(params);
  return {
    world: world.id,
    loop: isClosedLoop(world) ? 'closed-loop' : 'one-shot',
    featureNames: world.featureNames?.(params) ?? [],
    actionNames: box.names,
    actionBoxBounded: box.low.every((lo, i) => Number.isFinite(lo) && Number.isFinite(box.high[i]) && (box.high[i] as number) > lo),
  };
}

const list = (xs: readonly string[]): string => (xs.length ? xs.join(', ') : 'none');

/** The needs `facts` (and `run`) leave unmet, each as one readable phrase; empty when it fits. */
export function unmetNeeds(needs: LearnerNeeds, facts: WorldFacts, run: RunFacts = {}): string[] {
  const unmet: string[] = [];
  if (needs.loop !== facts.loop) {
    unmet.push(needs.loop === 'closed-loop' ? `a closed-loop world (it plays a policy every step; ${facts.world} takes one action per episode)` : `a one-shot world (it gives one action per episode; ${facts.world} is closed-loop)`);
    return unmet; // Nothing else is comparable across loop kinds.
  }
  const has = (names: readonly string[], wanted: readonly string[]): boolean => wanted.every((n) => names.includes(n));
  if (needs.features && !needs.features.some((alt) => has(facts.featureNames, alt))) {
    unmet.push(`task features ${needs.features.map((a) => `[${a.join(', ')}]`).join(' or ')} (${facts.world} gives [${list(facts.featureNames)}])`);
  }
  const opaque = facts.featureNames.filter((n) => OPAQUE_FEATURES.includes(n));
  if (needs.describingFeatures && (facts.featureNames.length === 0 || opaque.length > 0)) {
    unmet.push(`task features that describe the task (${facts.world} gives [${list(facts.featureNames)}]${opaque.length ? `; ${opaque.join(', ')} only identifies a task` : ''})`);
  }
  if (needs.actions && !needs.actions.some((alt) => alt.every((n, i) => facts.actionNames[i] === n))) {
    unmet.push(`actions ${needs.actions.map((a) => `[${a.join(', ')}${a.length < 2 ? '' : ', …'}]`).join(' or ')} (${facts.world} has [${list(facts.actionNames)}])`);
  }
  if (needs.actionDims !== undefined && facts.actionNames.length !== needs.actionDims) {
    unmet.push(`exactly ${needs.actionDims} action dimension${needs.actionDims === 1 ? '' : 's'} (${facts.world} has ${facts.actionNames.length})`);
  }
  if (!facts.actionBoxBounded) unmet.push(`a bounded action box (${facts.world}'s has an infinite or empty range)`);
  if (run.channel !== undefined && !needs.channels.includes(run.channel)) {
    unmet.push(`feedback it can read: ${list(needs.channels)} (not ${run.channel})`);
  }
  if (run.metric !== undefined && needs.metrics && !needs.metrics.includes(run.metric)) {
    unmet.push(`the metric ${needs.metrics.join(' or ')} (it inverts its values; got '${run.metric}')`);
  }
  return unmet;
}

/** One learner's fit to a world: the channels it fits with, and what is unmet otherwise. */
export interface LearnerFit {
  readonly learner: LearnerId;
  /** Channels with which it fits (empty: it does not fit this world at all). */
  readonly channels: readonly ChannelKind[];
  /** The unmet needs of the world itself, channel aside (empty when it fits with some channel). */
  readonly unmet: readonly string[];
}

/** Every registered learner's fit to a world under `params` (the world's default metric assumed unless given). */
export function learnerFits(world: AnyWorld, params: Record<string, unknown>, metric?: string): LearnerFit[] {
  const facts = worldFacts(world, params);
  const m = metric ?? world.defaultMetric?.(params)?.expression;
  return LEARNER_IDS.map((id) => {
    const needs = getLearnerFamily(id).needs;
    const unmet = unmetNeeds(needs, facts, m === undefined ? {} : { metric: m });
    const channels = unmet.length ? [] : CHANNEL_KINDS.filter((c) => unmetNeeds(needs, facts, { channel: c }).length === 0);
    return { learner: id, channels, unmet };
  });
}

/** The ids of the learners that fit a world and a run. */
export function fittingLearners(world: AnyWorld, params: Record<string, unknown>, run: RunFacts = {}): LearnerId[] {
  const facts = worldFacts(world, params);
  return LEARNER_IDS.filter((id) => unmetNeeds(getLearnerFamily(id).needs, facts, run).length === 0);
}

/**
 * Throws an InputError (exit 2) unless `learnerId` fits the world and the run: the message names
 * the world, the learner, every unmet need, and the learners that do fit.
 */
export function assertLearnerFits(world: AnyWorld, params: Record<string, unknown>, learnerId: string, run: RunFacts = {}): void {
  const unmet = unmetNeeds(getLearnerFamily(learnerId).needs, worldFacts(world, params), run);
  if (!unmet.length) return;
  const fit = fittingLearners(world, params, run);
  const others = learnerFits(world, params, run.metric).filter((f) => f.channels.length && !fit.includes(f.learner));
  const fitText = fit.length ? fit.join(', ') : 'none with these settings';
  const otherText = others.length ? `; with other feedback: ${others.map((f) => `${f.learner} (${f.channels.join(', ')})`).join(', ')}` : '';
  const how = run.channel ? ` with feedback '${run.channel}'` : '';
  throw new InputError('learner', learnerId, `a learner that fits world '${world.id}'${how}. '${learnerId}' needs ${unmet.join('; ')}. Learners that fit: ${fitText}${otherText}`);
}
