/**
 * Anchors: ground-truth suites, the anchors hash, the budgeted oracle, agreement statistics and
 * the safeguards (the gate). The probe suite (./probe.ts) is deliberately NOT re-exported: the
 * experiment runner imports it directly, and learners and the meta-agent cannot reach it.
 */
export { recordAnchors, verifyAnchors, AnchorsChangedError, type AnchorsRecord } from './anchors.ts';
export { buildAnchorSuite, suiteFeatures, suiteEpisodes, MAX_SUITE_SIZE, type Play, type TaskSuite } from './suites.ts';
export { AnchorOracle, BudgetExhaustedError, type AnchorMatrix, type Cell, type OracleOptions, type RevealedVerdict } from './oracle.ts';
export { verdictMargin, consequenceMargin, summarisePasses, type PassSummary } from './evidence.ts';
export {
  goodness,
  kendallTauB,
  rocAuc,
  cohenKappa,
  tauBStatistic,
  aucStatistic,
  kappaStatistic,
  statisticText,
  UNDEFINED_CAUSES,
  agreementOf,
  metricAgreement,
  drift,
  type Agreement,
  type AgreementStatistic,
  type EvidenceCell,
  type Statistic,
  type UndefinedCause,
} from './agreement.ts';
export { fitGao, gaoGold, gaoSlope, gaoPeak, gaoTurnedDown, type GaoFit, type GaoForm, type GoldPoint } from './gao.ts';
export { groundTruthMetric } from './ground-truth.ts';
export {
  ALPHA_MAPPING,
  BASE_SAMPLE,
  defaultSample,
  gateThresholds,
  agreementGate,
  anchorGate,
  nonRegressionOnly,
  quarantine,
  checkNonRegression,
  bestMember,
  memberScores,
  sameMetric,
  describeMetric,
  type GateThresholds,
  type Proposal,
  type SafeguardContext,
  type Safeguard,
  type Decision,
  type DecisionOutcome,
  type RegressionCheck,
  type RollbackAdvice,
  type AgreementGateOptions,
  type NonRegressionOptions,
  type QuarantineOptions,
  type QuarantineFall,
  type QuarantinePoint,
  type QuarantineSafeguard,
} from './gate.ts';
