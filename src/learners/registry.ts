/**
 * The learner families by id: the CLI, the experiment runner and the meta-agent look learners
 * up here. One file per family (src/learners/<id>.ts); add a family by adding one line.
 */
import { InputError } from '../core/errors.ts';
import { bayesGuesserFamily } from './bayes-guesser.ts';
import { cemFamily } from './cem.ts';
import { gaussianPolicyFamily } from './gaussian-policy.ts';
import { hillClimberFamily } from './hill-climber.ts';
import { physicsPriorFamily } from './physics-prior.ts';
import { policyGradientFamily } from './policy-gradient.ts';
import type { Learner, LearnerEnv, LearnerFamily } from './types.ts';

/** A family whose config type is erased (method parameters are bivariant, so any family fits). */
export type AnyLearnerFamily = LearnerFamily<unknown>;

/** Every learner family, by id. */
export const LEARNERS = {
  'gaussian-policy': gaussianPolicyFamily,
  cem: cemFamily,
  'bayes-guesser': bayesGuesserFamily,
  'physics-prior': physicsPriorFamily,
  'policy-gradient': policyGradientFamily,
  'hill-climber': hillClimberFamily,
} as const satisfies Record<string, AnyLearnerFamily>;

/** A registered learner family id. */
export type LearnerId = keyof typeof LEARNERS;

/** The registered ids, in registry order. */
export const LEARNER_IDS = Object.keys(LEARNERS) as LearnerId[];

/** The family registered under `id`; throws an InputError naming the allowed ids otherwise. */
export function getLearnerFamily(id: string): AnyLearnerFamily {
  if (!Object.hasOwn(LEARNERS, id)) throw new InputError('learner', id, `one of ${LEARNER_IDS.map((i) => JSON.stringify(i)).join(', ')}`);
  return LEARNERS[id as LearnerId] as AnyLearnerFamily;
}

/** Parses `config` with the family's schema and builds a learner (tfjs families init tfjs first). */
export async function createLearner(id: string, env: LearnerEnv, config: unknown, seed: number): Promise<Learner> {
  const family = getLearnerFamily(id);
  return family.create(env, family.parseConfig(config), seed);
}
