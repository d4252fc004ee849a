/** The metric language: parse, print, evaluate; and metrics built from it. */
export {
  METRIC_LIMITS,
  BINARY_OPS,
  COMPARE_OPS,
  FUNCTION_NAMES,
  FUNCTIONS,
  build,
  children,
  checkAst,
  astEquals,
  stripPositions,
  isMeasurementName,
  measurementTable,
  MeasurementTable,
  type AstInfo,
  type BinaryOp,
  type CompareOp,
  type FunctionName,
  type FunctionSpec,
  type Expr,
  type NumberNode,
  type MeasurementNode,
  type NegateNode,
  type BinaryNode,
  type CompareNode,
  type CallNode,
  type MeasurementList,
} from './ast.ts';
export { MetricError, type MetricErrorCode, type MetricErrorDetails, type SourcePosition } from './errors.ts';
export { parse } from './parser.ts';
export { print } from './printer.ts';
export { compile, evaluate, type CompiledExpr } from './interpreter.ts';
export {
  METRIC_DIRECTIONS,
  metricSpecSchema,
  parseMetric,
  compileMetric,
  sameMetric,
  metricToSpec,
  metricFromMeasurement,
  metricValue,
  metricPasses,
  measurementsUsed,
  type Metric,
  type MetricDirection,
  type MetricSpec,
  type MetricSense,
  type CompiledMetric,
} from './metric.ts';
export { directionRequiredText, inferDirection, resolveDirection, senseOf, type DirectionInference, type DirectionVote, type Sense } from './direction.ts';
