/**
 * The physics worker pool and its supervisor. Runtime-agnostic: workers come from a
 * `WorkerFactory` (Node worker_threads in node-pool.ts, Web Workers via `webWorkerFactory`).
 *
 * Supervision: every call races the worker's answer against its death and a deadline. A worker
 * that exits, throws or misses the deadline is terminated and replaced by a new generation,
 * and its batch runs again on another worker, at most `maxRetries` times. Comlink never
 * rejects calls to a dead worker, so without this race a crash would be a silent hang.
 */
import * as Comlink from 'comlink';
import type { BatchRequest, BatchResult } from '../src/core/runtime.ts';
import type { Consequence } from '../src/core/types.ts';
import type { BatchRunner } from '../src/core/checkWorld.ts';
import type { PhysicsApi, PingResult } from './physics-api.ts';

/** One spawned worker, as the pool needs to see it. */
export interface WorkerHandle {
  /** Where comlink talks to the worker. */
  readonly endpoint: Comlink.Endpoint;
  terminate(): Promise<void> | void;
  /** Called once when the worker ends by itself (crash, process.exit). */
  onExit(cb: (cause: string) => void): void;
  /** Called on an uncaught error inside the worker. */
  onError(cb: (cause: string) => void): void;
}

/** Spawns workers; `generation` counts replacements of the worker at `index` (0 = first). */
export interface WorkerFactory {
  spawn(index: number, generation: number): WorkerHandle;
}

/** Options of `PhysicsPool.create`. */
export interface PoolOptions {
  /** Number of workers (≥ 1). */
  readonly workers: number;
  readonly factory: WorkerFactory;
  /** Deadline of one runBatch call, by its episode count. Default 10 s + 5 ms per episode. */
  readonly deadlineMs?: (episodes: number) => number;
  /** Re-runs of a batch after its worker failed, and re-spawns of a worker that fails to start. Default 2. */
  readonly maxRetries?: number;
  /** Deadline for a new worker to answer its first ping. Default 30 s (module loading can be slow). */
  readonly startDeadlineMs?: number;
}

/** Options of `PhysicsPool.run`. */
export interface RunOptions {
  /** Episodes per batch. Default: about four batches per worker, clamped to [1, 500]. */
  readonly batchSize?: number;
  /** Called after each batch with episodes done so far and the total. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Options of `PhysicsPool.stream`. */
export interface StreamOptions extends RunOptions {
  /**
   * Receives each batch's consequences, batches in episode order. The pool keeps none of them
   * once delivered, so memory stays flat in the number of episodes.
   */
  readonly onBatch: (consequences: readonly Consequence[]) => void;
}

/**
 * Finished batches a stream may hold ahead of the next one to deliver, per lane. Bounds memory
 * when one batch is slow (a retry after a worker death) while the others run on.
 */
const AHEAD_PER_LANE = 2;

/** The default call deadline: generous, so only a real hang trips it. */
export const defaultDeadlineMs = (episodes: number): number => 10_000 + 5 * episodes;

/** A worker died or missed its deadline: the batch is worth re-running elsewhere. */
class WorkerFault extends Error {
  override readonly name = 'WorkerFault';
}

/** One generation of the worker at one index. */
interface WorkerSlot {
  readonly index: number;
  readonly generation: number;
  readonly handle: WorkerHandle;
  readonly api: Comlink.Remote<PhysicsApi>;
  state: WorkerState;
  /** Calls queued on this worker (at most PIPELINE_DEPTH). */
  inflight: number;
  /** Rejecters of the calls in flight (a batch, maybe a diagnostic ping). */
  readonly aborts: Set<(cause: string) => void>;
}

/**
 * Calls a worker may hold at once. Two keep it busy while the previous batch's results travel
 * back and the next request travels in (a worker runs one batch at a time either way).
 */
const PIPELINE_DEPTH = 2;

/** Lifecycle state of one worker slot ('busy': at least one call in flight). */
export type WorkerState = 'starting' | 'idle' | 'busy' | 'dead';

/** Supervision counters since the pool was created. */
export interface PoolStats {
  /** Batch attempts after a worker failure (each re-runs a batch on another worker). */
  readonly retries: number;
  /** Workers spawned to replace one that died, hung, threw or was killed. */
  readonly replacements: number;
}

interface Waiter {
  /** Calls the worker may hold, this one included, for the waiter to take it. */
  readonly depth: number;
  resolve(m: WorkerSlot): void;
  reject(e: Error): void;
}

/** Episode count of a request (0 for malformed ones; the worker rejects those). */
function episodeCount(req: BatchRequest): number {
  const e = req.episodes;
  if (e?.kind === 'random') return Number.isInteger(e.count) && e.count > 0 ? e.count : 0;
  if (e?.kind === 'explicit') return Array.isArray(e.items) ? e.items.length : 0;
  return 0;
}

/** Human-readable episode range of a request, for error messages. */
function describeEpisodes(req: BatchRequest): string {
  const e = req.episodes;
  if (e?.kind === 'random') return `${e.split} episodes ${e.start}..${e.start + e.count - 1} (${e.count})`;
  if (e?.kind === 'explicit' && Array.isArray(e.items)) {
    const first = e.items[0]?.episode;
    const last = e.items[e.items.length - 1]?.episode;
    return `explicit episodes ${String(first)}..${String(last)} (${e.items.length} items)`;
  }
  return 'a malformed episode selection';
}

/** Splits a request into batches of at most `size` episodes, in episode order. */
function splitRequest(req: BatchRequest, size: number): BatchRequest[] {
  const out: BatchRequest[] = [];
  const e = req.episodes;
  if (e.kind === 'random') {
    for (let s = 0; s < e.count; s += size) {
      out.push({ ...req, episodes: { ...e, start: e.start + s, count: Math.min(size, e.count - s) } });
    }
  } else {
    for (let s = 0; s < e.items.length; s += size) out.push({ ...req, episodes: { kind: 'explicit', items: e.items.slice(s, s + size) } });
  }
  return out;
}

function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/** What `invoke` needs to know of one supervised call. */
export interface InvokeOptions {
  /** Deadline of one attempt. */
  readonly deadlineMs: number;
  /** What the call does, for the error after the last retry ("world x, episodes a..b"). */
  readonly what: string;
  /**
   * Only on a worker with nothing in flight. For long calls (learner jobs): queued behind another
   * job on a busy worker, a job could wait while another worker idles, so a generation's last jobs
   * would finish one after the other on one worker. Short physics batches keep the pipeline.
   */
  readonly exclusive?: boolean;
}

/**
 * A supervised pool of physics workers; results never depend on how many there are. `Api` is
 * what its workers expose beyond the physics API (learner workers also run learner jobs, see
 * `invoke`), so one pool can serve an experiment's physics and its learner jobs.
 */
export class PhysicsPool<Api extends PhysicsApi = PhysicsApi> {
  private readonly slots: WorkerSlot[] = [];
  private readonly generations: number[] = [];
  private readonly startFailures: number[] = [];
  private readonly broken: (string | undefined)[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly terminations = new Set<Promise<void>>();
  private readonly deadlineMs: (episodes: number) => number;
  private readonly maxRetries: number;
  private readonly startDeadlineMs: number;
  private closed = false;
  private retries = 0;
  private replacements = 0;

  private constructor(private readonly opts: PoolOptions) {
    this.deadlineMs = opts.deadlineMs ?? defaultDeadlineMs;
    this.maxRetries = Math.max(0, Math.floor(opts.maxRetries ?? 2));
    this.startDeadlineMs = opts.startDeadlineMs ?? 30_000;
  }

  /** Spawns the workers and waits until each answers a ping with the deterministic Math on. */
  static async create<A extends PhysicsApi = PhysicsApi>(opts: PoolOptions): Promise<PhysicsPool<A>> {
    if (!Number.isInteger(opts.workers) || opts.workers < 1) throw new Error(`physics pool: workers must be an integer ≥ 1, got ${opts.workers}`);
    const pool = new PhysicsPool<A>(opts);
    const first: Promise<void>[] = [];
    for (let i = 0; i < opts.workers; i++) {
      pool.generations.push(0);
      pool.startFailures.push(0);
      pool.broken.push(undefined);
      first.push(pool.start(pool.spawn(i, 0)));
    }
    // A first generation that cannot start is a setup error (path, loader, import): fail fast.
    const outcomes = await Promise.allSettled(first);
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) {
      await pool.close();
      throw new Error(`physics pool: a worker failed to start: ${errorText(failed.reason)}`);
    }
    return pool;
  }

  /** Number of worker slots. */
  get size(): number {
    return this.slots.length;
  }

  /** Supervision counters (retries, replacements). */
  get stats(): PoolStats {
    return { retries: this.retries, replacements: this.replacements };
  }

  /** State of each worker slot, by index. */
  workerStates(): WorkerState[] {
    return this.slots.map((m) => m.state);
  }

  /** Pings every live worker (no supervision: for diagnostics and tests). */
  async ping(): Promise<PingResult[]> {
    return Promise.all(this.slots.map((m) => this.call(m, () => m.api.ping(), this.startDeadlineMs)));
  }

  /** Runs one batch on an idle worker, supervised: retried on a fresh worker if its worker fails. */
  async runBatch(req: BatchRequest): Promise<BatchResult> {
    return this.invoke((api) => api.runBatch(req), { deadlineMs: this.deadlineMs(episodeCount(req)), what: `world "${req.world}", ${describeEpisodes(req)}` });
  }

  /**
   * One call on a worker with the pool's supervision: raced against the worker's death and the
   * deadline; a worker that dies, throws or hangs is replaced and the call re-run on another
   * worker (at most `maxRetries` times). Only for calls whose result depends on their input alone
   * (a physics batch, a learner job), so a re-run gives the same answer.
   */
  async invoke<T>(fn: (api: Comlink.Remote<Api>) => Promise<T>, opts: InvokeOptions): Promise<T> {
    const ms = opts.deadlineMs;
    let lastCause = 'no attempt made';
    for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
      if (attempt > 0) this.retries++;
      const m = await this.acquire(opts.exclusive ? 1 : PIPELINE_DEPTH);
      try {
        const result = await this.call(m, () => fn(m.api as unknown as Comlink.Remote<Api>), ms);
        this.release(m);
        return result;
      } catch (err) {
        if (!(err instanceof WorkerFault) && err instanceof Error && (err.name === 'InputError' || err.name === 'DataCloneError')) {
          // A bad request fails the same way everywhere: no retry, and the worker is fine.
          this.release(m);
          const e = new Error(err.name === 'InputError' ? err.message : `request is not plain data: ${err.message}`);
          e.name = 'InputError';
          throw e;
        }
        lastCause = err instanceof WorkerFault ? err.message : `worker threw ${errorText(err)}`;
        this.retire(m, lastCause);
      }
    }
    throw new Error(`physics pool: ${opts.what} failed ${this.maxRetries + 1} times; last cause: ${lastCause}`);
  }

  /** Runs a request of any size split into batches across the workers; consequences come back in episode order. */
  async run(req: BatchRequest, opts: RunOptions = {}): Promise<BatchResult> {
    const consequences: Consequence[] = [];
    await this.stream(req, {
      ...opts,
      onBatch: (cs) => {
        for (const c of cs) consequences.push(c);
      },
    });
    return { consequences };
  }

  /**
   * Runs a request of any size split into batches across the workers and hands each batch's
   * consequences to `opts.onBatch` in episode order, as soon as every earlier batch is delivered.
   * Nothing is kept after delivery: a consumer that folds (a digest, a pass count) runs in
   * constant memory however many episodes the request has.
   */
  async stream(req: BatchRequest, opts: StreamOptions): Promise<void> {
    const total = episodeCount(req);
    // Malformed or empty: one call, so the worker validates it and reports the error.
    if (total === 0 || (req.episodes.kind === 'random' && !Number.isInteger(req.episodes.start))) {
      opts.onBatch((await this.runBatch(req)).consequences);
      return;
    }
    const size = Math.max(1, Math.floor(opts.batchSize ?? Math.min(500, Math.ceil(total / (this.size * 4)))));
    const parts = splitRequest(req, size);
    const lanes = Math.min(this.size * PIPELINE_DEPTH, parts.length);
    const maxAhead = lanes * AHEAD_PER_LANE;
    // Finished batches waiting for an earlier one, by batch index.
    const ready = new Map<number, Consequence[]>();
    let next = 0;
    let delivered = 0;
    let done = 0;
    let failed = false;
    let sleepers: (() => void)[] = [];
    const wakeAll = (): void => {
      const s = sleepers;
      sleepers = [];
      for (const wake of s) wake();
    };
    const deliver = (): void => {
      let moved = false;
      for (let cs = ready.get(delivered); cs !== undefined; cs = ready.get(delivered)) {
        ready.delete(delivered);
        delivered++;
        moved = true;
        opts.onBatch(cs);
      }
      if (moved) wakeAll();
    };
    // PIPELINE_DEPTH lanes per worker: each lane takes the next batch when its previous one is back,
    // unless it would run more than maxAhead batches ahead of delivery (then it waits: the batch
    // being delivered next is always in flight on another lane, so the wait ends).
    const lane = async (): Promise<void> => {
      while (!failed && next < parts.length) {
        if (next - delivered >= maxAhead) {
          await new Promise<void>((resolve) => sleepers.push(resolve));
          continue;
        }
        const i = next++;
        const part = parts[i] as BatchRequest;
        try {
          const cs = (await this.runBatch(part)).consequences;
          // Another lane failed meanwhile: the stream has already rejected, deliver nothing more.
          if (failed) return;
          ready.set(i, cs);
          deliver();
        } catch (err) {
          failed = true;
          wakeAll();
          throw err;
        }
        done += episodeCount(part);
        opts.onProgress?.(done, total);
      }
    };
    await Promise.all(Array.from({ length: lanes }, lane));
  }

  /** Terminates worker `index` as if it crashed (chaos hook); its batch in flight is re-run. */
  kill(index: number): void {
    const m = this.slots[index];
    if (!m) throw new Error(`physics pool: no worker ${index} (size ${this.size})`);
    this.retire(m, `worker ${index} killed by pool.kill`);
  }

  /** Terminates all workers; pending and later calls reject. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w.reject(new Error('physics pool: closed'));
    for (const m of this.slots) this.retire(m, 'pool closed');
    await Promise.all(this.terminations);
  }

  private spawn(index: number, generation: number): WorkerSlot {
    const handle = this.opts.factory.spawn(index, generation);
    const m: WorkerSlot = { index, generation, handle, api: Comlink.wrap<PhysicsApi>(handle.endpoint), state: 'starting', inflight: 0, aborts: new Set() };
    this.slots[index] = m;
    handle.onExit((cause) => this.retire(m, `worker ${index} (generation ${generation}) exited: ${cause}`));
    handle.onError((cause) => this.retire(m, `worker ${index} (generation ${generation}) failed: ${cause}`));
    return m;
  }

  /** Pings a new worker slot; it becomes idle on success. Rejects with the cause on failure. */
  private async start(m: WorkerSlot): Promise<void> {
    let cause: string;
    try {
      const pong = await this.call(m, () => m.api.ping(), this.startDeadlineMs);
      if (pong.deterministicMath) {
        this.startFailures[m.index] = 0;
        this.makeIdle(m);
        return;
      }
      cause = `worker ${m.index} does not run the deterministic Math (results would depend on the runtime)`;
    } catch (err) {
      cause = err instanceof WorkerFault ? err.message : `ping failed: ${errorText(err)}`;
    }
    this.retire(m, cause);
    throw new Error(cause);
  }

  /** Marks a worker slot dead, rejects its call in flight, terminates it and spawns its replacement. */
  private retire(m: WorkerSlot, cause: string): void {
    if (m.state === 'dead') return;
    // Counted here so a death during start-up (exit event) and a failed ping count the same.
    if (m.state === 'starting') this.startFailures[m.index] = (this.startFailures[m.index] ?? 0) + 1;
    m.state = 'dead';
    for (const abort of [...m.aborts]) abort(cause);
    const t = Promise.resolve()
      .then(() => m.handle.terminate())
      .catch(() => undefined)
      .finally(() => this.terminations.delete(t));
    this.terminations.add(t);
    if (this.closed || this.slots[m.index] !== m) return;
    if ((this.startFailures[m.index] ?? 0) > this.maxRetries) {
      this.markBroken(m.index, cause);
      return;
    }
    const generation = (this.generations[m.index] ?? 0) + 1;
    this.generations[m.index] = generation;
    this.replacements++;
    // A failed replacement is retired (and counted) inside start().
    this.start(this.spawn(m.index, generation)).catch(() => undefined);
  }

  /** A slot whose replacements keep failing to start stays empty; with none left, waiters fail. */
  private markBroken(index: number, cause: string): void {
    this.broken[index] = cause;
    if (this.broken.every((b) => b !== undefined)) {
      const err = new Error(`physics pool: no worker could be (re)started; last cause: ${cause}`);
      for (const w of this.waiters.splice(0)) w.reject(err);
    }
  }

  /** A live worker holding fewer than `depth` calls (the least loaded), or a wait for one. */
  private acquire(depth: number): Promise<WorkerSlot> {
    if (this.closed) return Promise.reject(new Error('physics pool: closed'));
    let best: WorkerSlot | undefined;
    for (const m of this.slots) {
      if ((m.state === 'idle' || m.state === 'busy') && m.inflight < depth && (!best || m.inflight < best.inflight)) best = m;
    }
    if (best) {
      best.inflight++;
      best.state = 'busy';
      return Promise.resolve(best);
    }
    if (this.broken.every((b) => b !== undefined)) {
      return Promise.reject(new Error(`physics pool: no worker could be (re)started; last cause: ${this.broken.at(-1) ?? '?'}`));
    }
    return new Promise((resolve, reject) => this.waiters.push({ depth, resolve, reject }));
  }

  private release(m: WorkerSlot): void {
    if (m.state !== 'busy') return;
    m.inflight--;
    this.makeIdle(m);
  }

  /** Hands the worker's free pipeline slots to waiting calls, first come first served among those that fit; idle when nothing is in flight. */
  private makeIdle(m: WorkerSlot): void {
    if (m.state === 'dead') return;
    for (let i = 0; i < this.waiters.length && m.inflight < PIPELINE_DEPTH; ) {
      const w = this.waiters[i] as Waiter;
      if (m.inflight >= w.depth) {
        i++;
        continue;
      }
      this.waiters.splice(i, 1);
      m.inflight++;
      m.state = 'busy';
      w.resolve(m);
    }
    if (m.inflight === 0) m.state = 'idle';
  }

  /** One comlink call raced against the worker's death and a deadline; the timer is always cleared. */
  private call<T>(m: WorkerSlot, fn: () => Promise<T>, ms: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (settle: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        m.aborts.delete(abort);
        settle();
      };
      const abort = (cause: string): void => finish(() => reject(new WorkerFault(cause)));
      const timer = setTimeout(() => {
        const cause = `worker ${m.index} (generation ${m.generation}) gave no answer within ${ms} ms`;
        finish(() => reject(new WorkerFault(cause)));
        this.retire(m, cause);
      }, ms);
      if (m.state === 'dead') {
        abort(`worker ${m.index} (generation ${m.generation}) is dead`);
        return;
      }
      m.aborts.add(abort);
      // Through a then, so a synchronous throw is a rejection too, not a timer left running.
      Promise.resolve()
        .then(fn)
        .then(
        (v) => finish(() => resolve(v)),
        (e: unknown) => finish(() => reject(e)),
      );
    });
  }
}

/** A factory for browser Web Workers, e.g. `webWorkerFactory(() => new Worker(new URL('./physics.worker.ts', import.meta.url), { type: 'module' }))`. */
export function webWorkerFactory(make: (index: number, generation: number) => Worker): WorkerFactory {
  return {
    spawn(index, generation) {
      const w = make(index, generation);
      return {
        endpoint: w,
        terminate: () => w.terminate(),
        // Web Workers have no exit event: an uncaught error is the crash signal.
        onExit: () => undefined,
        onError: (cb) => w.addEventListener('error', (ev) => cb(ev.message || 'uncaught error in worker')),
      };
    },
  };
}

/** A pool as the BatchRunner experiments take: each request split into batches across the workers. */
export function poolBatchRunner(pool: PhysicsPool<PhysicsApi>): BatchRunner {
  return { runBatch: (req) => pool.run(req), close: () => pool.close() };
}
