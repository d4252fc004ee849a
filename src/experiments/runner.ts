/**
 * What an experiment runs on, injected: a `BatchRunner` for physics (the interface the checker
 * uses; in process here, the Node pool or the browser pool elsewhere) and a `JobRunner` for
 * independent learner jobs (evolve's members: in process one after the other, or in parallel on
 * learner workers). A result depends on (config, seed) only, never on which runner ran it
 * (wall 2): physics replays bitwise on every runtime and a job is a pure function of its input.
 *
 * No Node and no DOM imports: the app and the CLI build their pools and pass them in.
 */
import type { LearnerRunner } from './types.ts';

export type { BatchRunner } from '../core/checkWorld.ts';
/** A physics runner on the calling thread (the run layer's). */
export { inProcessRunner } from '../runs/in-process.ts';

/** Runs independent jobs; results come back in input order, whatever ran them. */
export interface JobRunner<J, R> {
  /** Threads the jobs run on at once (1 in process). */
  readonly parallelism: number;
  runAll(jobs: readonly J[]): Promise<R[]>;
}

/** Jobs one after the other on the calling thread, through `run`. */
export function serialJobs<J, R>(run: (job: J) => Promise<R>): JobRunner<J, R> {
  return {
    parallelism: 1,
    async runAll(jobs) {
      const out: R[] = [];
      for (const job of jobs) out.push(await run(job));
      return out;
    },
  };
}

/** Jobs of one kind on learner workers, all at once (the runner spreads them over its workers). */
export function workerJobs<J, R>(runner: LearnerRunner, kind: string): JobRunner<J, R> {
  return {
    parallelism: runner.workers,
    runAll: (jobs) => Promise.all(jobs.map((input) => runner.run({ kind, input }) as Promise<R>)),
  };
}
