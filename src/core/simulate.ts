/**
 * Random-action simulation of a world, folded into a digest as consequences arrive: the domain
 * side of `mirage-lab simulate` and the demo's baseline. Runtime-agnostic: the episodes run on
 * an injected `EpisodeStreamer` (the Node or browser physics pool, or `inProcessStreamer`), and
 * no consequence is kept, so memory does not grow with the number of episodes.
 */
import { z } from 'zod';
import { ConsequenceDigest } from './digest.ts';
import { randomAction, resolveParams, WorldRuntime, type BatchRequest, type EpisodeSpec } from './runtime.ts';
import { isClosedLoop, SPLITS, type AnyWorld, type Consequence, type Split, type TaskBase } from './types.ts';

/** A simulate run's settings as plain data (the CLI's options are generated from it). */
export const simulateConfigSchema = z.strictObject({
  world: z.string().describe('World id.'),
  episodes: z.number().int().min(1).max(10_000_000).default(1000).describe('Number of episodes.'),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0).describe('Run seed.'),
  split: z.enum(SPLITS).default('train').describe('Task split of the random tasks.'),
  params: z.record(z.string(), z.unknown()).default({}).describe('World parameters.'),
});

/** Options of a stream: `onBatch` gets every episode's consequence once, batches in episode order. */
export interface EpisodeStreamOptions {
  readonly onBatch: (consequences: readonly Consequence[]) => void;
  /** Episodes per batch (the streamer's default when absent); results never depend on it. */
  readonly batchSize?: number;
  /** Episodes done so far and the request's total. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Runs a request's episodes and streams their consequences in episode order, keeping none (PhysicsPool satisfies it). */
export interface EpisodeStreamer {
  stream(req: BatchRequest, opts: EpisodeStreamOptions): Promise<void>;
}

/** What to simulate. */
export interface SimulateOptions {
  readonly world: AnyWorld;
  readonly episodes: number;
  readonly seed: number;
  /** Task split of random tasks (ignored when `tasks` is given). */
  readonly split: Split;
  /** World parameters as the user gave them (validated by the runtime). */
  readonly params: Record<string, unknown>;
  /** Fixed tasks (a scenario's), played in turn with the same seeded random actions as random mode. */
  readonly tasks?: readonly TaskBase[];
  readonly onProgress?: (done: number, total: number) => void;
  /** Explicit episodes built per stream call (default EXPLICIT_CHUNK); the result does not depend on it. */
  readonly explicitChunk?: number;
}

/** The result of `simulate`: a digest over every consequence in episode order, and the GT pass rate. */
export interface SimulateSummary {
  readonly world: string;
  readonly episodes: number;
  readonly seed: number;
  /** sha-256 of the consequences (ConsequenceDigest): equal only if every number is bitwise equal. */
  readonly hash: string;
  readonly gtPassRate: number;
}

/**
 * Explicit episodes are built this many at a time, so a scenario of a million episodes never
 * holds a million task/action items (random episodes are drawn inside the workers).
 */
const EXPLICIT_CHUNK = 10_000;

/**
 * Episodes per batch. Small batches keep each structured-clone message under glibc's 128 KB
 * mmap threshold (about 0.85 KB per projectile consequence): with the pool's default of 500,
 * the process grew by allocator fragmentation between threads (150,000 episodes on 2 workers:
 * peak RSS 353 MB at 500 per batch, 344 at 200, 296 at 100, 284 at 50; 20,000 episodes: 263
 * at 100). Throughput is unaffected: two calls stay in flight per worker.
 */
export const SIMULATE_BATCH = 64;

/** Simulates `episodes` random-action episodes on `runner`; depends on (world, params, seed, split, tasks) only. */
export async function simulate(opts: SimulateOptions, runner: EpisodeStreamer): Promise<SimulateSummary> {
  const digest = new ConsequenceDigest();
  let passes = 0;
  const onBatch = (cs: readonly Consequence[]): void => {
    for (const c of cs) {
      digest.add(c);
      if (c.gtPass) passes++;
    }
  };
  const base = { world: opts.world.id, params: opts.params, seed: opts.seed };
  const tasks = opts.tasks;
  if (tasks?.length) {
    const resolved = resolveParams(opts.world, opts.params);
    const closedLoop = isClosedLoop(opts.world);
    const chunk = Math.max(1, Math.floor(opts.explicitChunk ?? EXPLICIT_CHUNK));
    for (let start = 0; start < opts.episodes; start += chunk) {
      const count = Math.min(chunk, opts.episodes - start);
      const items: EpisodeSpec[] = Array.from({ length: count }, (_, j) => {
        const e = start + j;
        return { episode: e, task: tasks[e % tasks.length] as TaskBase, ...(closedLoop ? {} : { action: randomAction(opts.world, resolved, opts.seed, e) }) };
      });
      const onProgress = opts.onProgress;
      await runner.stream({ ...base, episodes: { kind: 'explicit', items } }, { onBatch, batchSize: SIMULATE_BATCH, ...(onProgress ? { onProgress: (done: number) => onProgress(start + done, opts.episodes) } : {}) });
    }
  } else {
    await runner.stream({ ...base, episodes: { kind: 'random', split: opts.split, start: 0, count: opts.episodes } }, { onBatch, batchSize: SIMULATE_BATCH, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
  }
  return { world: opts.world.id, episodes: opts.episodes, seed: opts.seed, hash: digest.hex(), gtPassRate: passes / opts.episodes };
}

/**
 * An EpisodeStreamer on the calling thread (no workers): for tests and runtimes without
 * workers. Results are bitwise those of the pool (wall 2), only slower.
 */
export function inProcessStreamer(world: AnyWorld, batchSize?: number): EpisodeStreamer {
  const runtime = new WorldRuntime(world);
  return {
    stream: async (req, opts) => {
      const size = batchSize ?? opts.batchSize ?? 500;
      const e = req.episodes;
      const total = e.kind === 'random' ? e.count : e.items.length;
      for (let s = 0; s < total; s += size) {
        const n = Math.min(size, total - s);
        const episodes: BatchRequest['episodes'] = e.kind === 'random' ? { ...e, start: e.start + s, count: n } : { kind: 'explicit', items: e.items.slice(s, s + n) };
        opts.onBatch(runtime.runBatch({ ...req, episodes }).consequences);
        opts.onProgress?.(s + n, total);
      }
    },
  };
}
