/**
 * `bench experiment`: an experiment's `--quick` run at a fixed seed, end to end through the run
 * layer (events validated, the record written through a sink), once with one worker thread and
 * once with the pool; wall time includes starting the workers. `recordOverhead` is the time spent
 * inside the record sink's own calls (appends and fsyncs, timed by `timedSink`) over the pool
 * run's wall time. Both runs must produce the same content hash: a speedup that changed the
 * result would be no speedup.
 *
 * A single pair of runs is at the mercy of a shared machine (on a quiet 2-core machine one pair's
 * ratio ranged from 1.26 to 1.77 over six pairs), so the bench alternates `repeats` pairs (one
 * worker, then the pool) and reports the median time of each side, their ratio, and every pair.
 *
 * No Node imports: the host passes its pools, sinks and clock.
 */
import type { BatchRunner } from '../core/checkWorld.ts';
import { clearReferenceCache } from '../experiments/dial.ts';
import { parseExperimentConfig } from '../experiments/registry.ts';
import type { AnyExperiment, LearnerRunner } from '../experiments/types.ts';
import type { Provenance } from '../runs/record.ts';
import { startRun } from '../runs/runner.ts';
import { timedSink, type RecordSink } from '../runs/sink.ts';
import { quantileSorted } from '../stats/bootstrap.ts';

/** A host's workers for one timed run: physics, learner jobs, and how to stop them. */
export interface BenchHost {
  readonly batch: BatchRunner;
  readonly learners?: LearnerRunner;
  close(): Promise<void>;
}

/** Options of `benchExperiment`. */
export interface ExperimentBenchOptions {
  readonly experiment: AnyExperiment;
  readonly seed: number;
  /** Worker threads in total of the pool run (the other run has one). */
  readonly workers: number;
  /** Starts `workers` worker threads in total (timed). */
  readonly makeHost: (workers: number) => Promise<BenchHost>;
  /** A fresh sink per run (e.g. a file sink in a temporary folder). */
  readonly makeSink: (label: string) => RecordSink;
  readonly provenance: Provenance;
  /** Milliseconds, monotonic. */
  readonly clock: () => number;
  /** Alternating pairs of runs (one worker, then the pool); default 1. */
  readonly repeats?: number;
}

/** One pair of timed runs. */
export interface BenchPair {
  readonly oneWorkerSeconds: number;
  readonly poolSeconds: number;
  readonly speedup: number;
}

/** The bench's figures (the CLI prints them as its last line). */
export interface ExperimentBenchResult {
  readonly experiment: string;
  /** Median over the pairs. */
  readonly oneWorkerSeconds: number;
  /** Median over the pairs. */
  readonly poolSeconds: number;
  readonly workers: number;
  /** oneWorkerSeconds / poolSeconds (medians). */
  readonly speedup: number;
  /** Every pair, in the order run. */
  readonly pairs: readonly BenchPair[];
  readonly recordOverhead: number;
  /** Content hash of both runs' records (they are equal, or the bench fails). */
  readonly contentHash: string;
  readonly config: Record<string, unknown>;
}

async function timedRun(o: ExperimentBenchOptions, config: { seed: number } & Record<string, unknown>, workers: number, label: string): Promise<{ seconds: number; sinkSeconds: number; contentHash: string }> {
  // The sink first: a sink that cannot open must not leave started workers behind (they would
  // keep the process alive after the error).
  const sink = timedSink(o.makeSink(label), o.clock);
  // Evolve caches its gtLoss reference curves by configuration in this process: without this the
  // second (pool) run would reuse the first run's and skip two thirds of its work.
  clearReferenceCache();
  const t0 = o.clock();
  const host = await o.makeHost(workers);
  try {
    const outcome = await startRun({
      experiment: o.experiment,
      config,
      provenance: o.provenance,
      shard: null,
      sink,
      batch: host.batch,
      workers,
      ...(host.learners ? { learners: host.learners } : {}),
      signal: new AbortController().signal,
      now: () => new Date().toISOString(),
    });
    await sink.close();
    if (outcome.status !== 'finished') throw new Error(`bench: the ${workers}-worker run did not finish`);
    return { seconds: (o.clock() - t0) / 1000, sinkSeconds: sink.seconds, contentHash: outcome.contentHash };
  } finally {
    await host.close();
  }
}

/** Median of the values (the 0.5 quantile of `quantileSorted`). */
const median = (xs: readonly number[]): number => quantileSorted([...xs].sort((a, b) => a - b), 0.5);

/** Times the experiment's quick run on one worker thread and on `workers`, `repeats` alternating pairs. */
export async function benchExperiment(o: ExperimentBenchOptions): Promise<ExperimentBenchResult> {
  const repeats = o.repeats ?? 1;
  if (!Number.isInteger(repeats) || repeats < 1) throw new RangeError(`bench: repeats must be a whole number ≥ 1, got ${repeats}`);
  const config = parseExperimentConfig(o.experiment, { seed: o.seed }, { quick: true });
  const round = (x: number, d = 3): number => Number(x.toFixed(d));
  const ones: number[] = [];
  const pools: number[] = [];
  let sinkSeconds = 0;
  let contentHash = '';
  for (let k = 0; k < repeats; k++) {
    // Distinct labels: with `workers` = 1 both runs have one worker, and each needs its own sink.
    const one = await timedRun(o, config, 1, `one-worker-${k}`);
    const pool = await timedRun(o, config, o.workers, `pool-${o.workers}-workers-${k}`);
    // Every run must give the first one's record: a speedup that changed the result is none.
    contentHash ||= one.contentHash;
    for (const [r, n] of [[one, 1], [pool, o.workers]] as const) {
      if (r.contentHash !== contentHash) throw new Error(`bench: the ${n}-worker run of pair ${k + 1} differs from the first run (content hashes ${r.contentHash} and ${contentHash})`);
    }
    ones.push(one.seconds);
    pools.push(pool.seconds);
    sinkSeconds += pool.sinkSeconds;
  }
  const oneWorkerSeconds = median(ones);
  const poolSeconds = median(pools);
  return {
    experiment: o.experiment.id,
    oneWorkerSeconds: round(oneWorkerSeconds),
    poolSeconds: round(poolSeconds),
    workers: o.workers,
    speedup: round(oneWorkerSeconds / poolSeconds),
    pairs: ones.map((one, k) => ({ oneWorkerSeconds: round(one), poolSeconds: round(pools[k] as number), speedup: round(one / (pools[k] as number)) })),
    recordOverhead: round(sinkSeconds / pools.reduce((a, b) => a + b, 0), 5),
    contentHash,
    config,
  };
}
