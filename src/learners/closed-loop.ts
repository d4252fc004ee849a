/**
 * Turning a recorded closed-loop episode into what a closed-loop learner learns from (the
 * contract itself lives in types.ts): the runner calls this, any closed-loop family can use it.
 */
import type { PolicySpec } from '../core/policy.ts';
import type { Consequence } from '../core/types.ts';
import type { EpisodeExperience, Experience } from './types.ts';

/**
 * Builds an EpisodeExperience from a closed-loop consequence recorded with `trajectory: true`:
 * reads `obs.<name>` and `eps.<name>` (absent when the policy had no noise: zeros).
 */
export function experienceFromConsequence(
  c: Consequence,
  policy: PolicySpec,
  names: { readonly observations: readonly string[]; readonly actions: readonly string[] },
  fields: Pick<Experience, 'features' | 'feedback' | 'taskKey'>,
): EpisodeExperience {
  const ch = c.trajectory?.channels;
  if (!ch) throw new Error(`closed-loop runner: episode ${c.episode} has no trajectory (run it with trajectory: true)`);
  const steps = c.steps;
  const nObs = names.observations.length;
  const nAct = names.actions.length;
  const observations = new Float64Array(steps * nObs);
  const noise = new Float64Array(steps * nAct);
  names.observations.forEach((name, i) => {
    const col = ch[`obs.${name}`];
    if (!col || col.length !== steps) throw new Error(`closed-loop runner: trajectory channel obs.${name} missing or not ${steps} steps long`);
    for (let t = 0; t < steps; t++) observations[t * nObs + i] = col[t] as number;
  });
  names.actions.forEach((name, j) => {
    const col = ch[`eps.${name}`];
    if (!col) return; // A noiseless policy records no draws: ε = 0.
    for (let t = 0; t < steps; t++) noise[t * nAct + j] = col[t] as number;
  });
  return { ...fields, action: [], policy, steps, observations, noise };
}
