/**
 * The experiment registry: every experiment `mirage-lab run`, `experiments`, `config` and the app
 * can start, one file each under src/experiments/. Adding an experiment = one import and one
 * entry in `BUILT_IN` below. No side effects on import.
 */
import { InputError, inputErrorFromZod } from '../core/runtime.ts';
import type { AnyExperiment } from './types.ts';
import { driftExperiment } from './drift.ts';
import { evolveExperiment } from './evolve.ts';
import { feedbackExperiment } from './feedback.ts';
import { guessingGameExperiment } from './guessing-game.ts';
import { mirageExperiment } from './mirage.ts';
import { scheduleExperiment } from './schedule.ts';
import { refuteExperimentWith } from './refute.ts';
import { leakageExperiment } from './leakage.ts';
import { safeguardsExperiment } from './safeguards.ts';
import { trainExperiment } from './train.ts';
import { transferExperiment } from './transfer.ts';

/** The experiments shipped with the sandbox (ports land here: train, evolve, guessing-game…). */
const BUILT_IN: readonly AnyExperiment[] = [
  trainExperiment,
  evolveExperiment,
  guessingGameExperiment,
  driftExperiment,
  mirageExperiment,
  feedbackExperiment,
  scheduleExperiment,
  transferExperiment,
  leakageExperiment,
  safeguardsExperiment,
  // refute re-runs a target's experiment (drift's more-seeds check): it gets the lookup, not an import of this file.
  refuteExperimentWith((id) => getExperiment(id)),
];

// Extra experiments registered at run time (tests' tiny experiments, plug-ins), after BUILT_IN.
const extra: AnyExperiment[] = [];

/** Every registered experiment, built-ins first, in registration order. */
export function listExperiments(): readonly AnyExperiment[] {
  return [...BUILT_IN, ...extra];
}

/** Registers an experiment (tests, plug-ins); a taken id is refused. */
export function registerExperiment(experiment: AnyExperiment): void {
  if (listExperiments().some((e) => e.id === experiment.id)) throw new Error(`experiment id '${experiment.id}' is already registered`);
  extra.push(experiment);
}

/** Removes a run-time registration (tests clean up after themselves). */
export function unregisterExperiment(id: string): void {
  const i = extra.findIndex((e) => e.id === id);
  if (i >= 0) extra.splice(i, 1);
}

/** The experiment with this id; an unknown id is an InputError (exit 2) listing the ids. */
export function getExperiment(id: string): AnyExperiment {
  const found = listExperiments().find((e) => e.id === id);
  if (found) return found;
  const ids = listExperiments().map((e) => e.id);
  throw new InputError('experiment', id, ids.length ? `one of ${ids.join(', ')}` : 'a registered experiment (none is registered)');
}

/**
 * Parses a config for an experiment: `quick` preset (when asked) under the given overrides,
 * through the experiment's schema; a bad field is an InputError naming its path.
 */
export function parseExperimentConfig(experiment: AnyExperiment, overrides: Record<string, unknown>, opts: { quick?: boolean } = {}): { seed: number } & Record<string, unknown> {
  const input = { ...(opts.quick ? experiment.quick : {}), ...overrides };
  const r = experiment.configSchema.safeParse(input);
  if (!r.success) throw inputErrorFromZod('config', r.error, input);
  return r.data as { seed: number } & Record<string, unknown>;
}
