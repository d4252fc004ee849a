/**
 * Feedback: the channels and measured information. Metrics come from src/metrics (one
 * vocabulary: `MetricSense`, `CompiledMetric`, `metricPasses`). (The guessing game, which needs a world, lives in src/experiments: feedback code never
 * imports worlds — the lint wall.)
 */
export * from './channels.ts';
export * from './information.ts';
