/**
 * The meta-agent and its proposers. Wall 1: nothing here imports worlds/ or the probe suite;
 * world facts arrive as plain data from the runner (src/experiments/evolve.ts).
 */
export type { Proposal } from './proposal.ts';
export { MetaAgent, DEFAULT_META, type MetaAgentOptions, type MetaAgentSnapshot, type MetricView, type MetricCandidate, type MetricProposals } from './agent.ts';
export {
  METRIC_OPERATORS,
  MAX_METRIC_NODES,
  SOFTEN_CAP,
  normalise,
  mutateMetric,
  passRateOn,
  thresholdForPassRate,
  nodesWithPaths,
  replaceAt,
  round3,
  type MetricOperatorName,
  type MeasurementRecord,
  type MutationContext,
} from './operators.ts';
export { preferenceOf, DEFAULT_PREFERENCE, type PreferenceOptions, type PreferenceScore } from './preference.ts';
export { PROPOSER_KINDS, createProposer, randomProposer, banditProposer, type ProposerKind, type MetricProposer, type ArmStats } from './proposers.ts';
export {
  HYPERPARAMETERS,
  DEFAULT_PBT,
  proposeLearnerChanges,
  type ChannelChoice,
  type MemberView,
  type LearnerChange,
  type HyperparameterSpec,
  type PbtOptions,
} from './population.ts';
export { inheritState, resizeGaussianPolicyState } from './inherit.ts';
export { AnchorMemory, MEMORY_LIMIT, measurementWeights, tauB, type GateVerdict } from './steering.ts';
