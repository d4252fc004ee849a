/**
 * The learner worker's API: training runs here, never on a UI thread, and only plain data
 * (configs, curve points, results) crosses the boundary. No DOM and no Node imports, so the
 * browser worker and the Node worker expose the same object.
 */
import { installDeterministicMath } from '../src/core/detmath.ts';
import { runTraining, type CurvePoint, type TrainResult } from '../src/experiments/train.ts';

/** What a learner worker exposes over comlink. */
export interface LearnerApi {
  /** Runs one training experiment; `onPoint` (a comlink proxy) receives each curve point. */
  train(config: unknown, onPoint?: (p: CurvePoint, total: number) => void): Promise<TrainResult>;
}

/**
 * Builds the API; `initTf` picks the tfjs backend for this runtime before any learner is built.
 * Training simulates episodes in this worker, so building the API installs the deterministic Math.
 */
export function createLearnerApi(initTf: () => Promise<{ backend: string; fallbackReason?: string }>): LearnerApi {
  installDeterministicMath();
  let ready: Promise<{ backend: string; fallbackReason?: string }> | undefined;
  return {
    async train(config, onPoint) {
      ready ??= initTf();
      await ready;
      return runTraining(config, onPoint);
    },
  };
}
