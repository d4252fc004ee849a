/**
 * The learner worker's API: training runs here, never on a UI thread, and only plain data
 * (configs, jobs, curve points, results, learner states) crosses the boundary. No DOM and no Node
 * imports, so the browser worker and the Node worker expose the same object.
 *
 * A learner worker is also a physics worker (`runBatch`, `ping`), so one supervised pool
 * (workers/pool.ts) serves an experiment's physics and its learner jobs; a learner job plays its
 * episodes on the worker's own physics, which is bitwise the physics of any other runner.
 */
import { installDeterministicMath } from '../src/core/detmath.ts';
import { createPhysicsApi, type PhysicsApi } from './physics-api.ts';
import { runMemberJob, type MemberJob } from '../src/experiments/evolve-member.ts';
import { inProcessRunner } from '../src/experiments/runner.ts';
import { runTraining, type CurvePoint, type TrainResult } from '../src/experiments/train.ts';

/** Learner job kinds a worker runs, by `LearnerRunner.run({ kind, input })`. */
export const LEARNER_JOB_KINDS = ['evolve-member'] as const;
/** One learner job kind. */
export type LearnerJobKind = (typeof LEARNER_JOB_KINDS)[number];

/** What a learner worker exposes over comlink. */
export interface LearnerApi extends PhysicsApi {
  /** Runs one training experiment; `onPoint` (a comlink proxy) receives each curve point. */
  train(config: unknown, onPoint?: (p: CurvePoint, total: number) => void): Promise<TrainResult>;
  /** Runs one learner job (a pure function of `input`; see LEARNER_JOB_KINDS). */
  job(kind: string, input: unknown): Promise<unknown>;
}

/**
 * Builds the API; `initTf` picks the tfjs backend for this runtime before any learner is built.
 * Training simulates episodes in this worker, so building the API installs the deterministic Math.
 */
export function createLearnerApi(initTf: () => Promise<{ backend: string; fallbackReason?: string }>): LearnerApi {
  installDeterministicMath();
  let ready: Promise<{ backend: string; fallbackReason?: string }> | undefined;
  const physics = createPhysicsApi();
  const local = inProcessRunner();
  return {
    runBatch: (req) => physics.runBatch(req),
    ping: () => physics.ping(),
    async train(config, onPoint) {
      ready ??= initTf();
      await ready;
      return runTraining(config, onPoint);
    },
    async job(kind, input) {
      ready ??= initTf();
      await ready;
      if (kind === 'evolve-member') return runMemberJob(input as MemberJob, local);
      throw new Error(`learner worker: unknown job kind '${kind}' (known: ${LEARNER_JOB_KINDS.join(', ')})`);
    },
  };
}
