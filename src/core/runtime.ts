/**
 * The episode runtime: resolves parameters, reuses simulators, applies the frozen checks and
 * returns plain-data consequences. The physics worker is a thin comlink shell around
 * `runBatch`; the in-process checker and tests call the same function.
 *
 * Closed-loop worlds run in lockstep: up to `lanes` episodes advance one control step at a time,
 * so one batched policy call serves them all. Each episode has its own engine slot (reused by
 * snapshot restore) and its own streams, so its result never depends on the batch around it.
 */
import { z } from 'zod';
import { Box } from './box.ts';
import { applyChecks } from './checks.ts';
import { InputError, inputErrorFromZod } from './errors.ts';
import { evaluatePolicy, policySpecSchema, randomLinearPolicy, type PolicySpec } from './policy.ts';
import { episodeStream, Stream } from './rng.ts';
import {
  isClosedLoop,
  SPLITS,
  type AnyClosedLoopWorld,
  type AnyWorld,
  type ClosedLoopSimulator,
  type Consequence,
  type RawOutcome,
  type Simulator,
  type Split,
  type TaskBase,
  type Trajectory,
} from './types.ts';

// InputError lives in errors.ts; re-exported for the many callers that import it from here.
export { InputError, inputErrorFromZod };

/** A task as the batch schema sees it: a split, maybe overrides; the world's own schema checks the rest. */
const taskBaseSchema: z.ZodType<TaskBase> = z.looseObject({
  split: z.enum(SPLITS),
  overrides: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
});
const actionSchema: z.ZodType<readonly number[]> = z.array(z.number());
const policySchema: z.ZodType<PolicySpec> = policySpecSchema;

/** One explicitly given episode: the task and what to play on it. */
export const episodeSpecSchema = z.object({
  episode: z.number().int().min(0),
  task: taskBaseSchema,
  /** One-shot worlds (required there): the action vector. Closed-loop worlds take none. */
  action: actionSchema.optional(),
  /** Closed-loop worlds: this episode's policy; else the batch's; else its random policy. */
  policy: policySchema.optional(),
});
/** One explicitly given episode (see `episodeSpecSchema`). */
export type EpisodeSpec = z.infer<typeof episodeSpecSchema>;

/** Schema of a batch request as it arrives at a worker (the third wall: plain data only). */
export const batchRequestSchema = z.object({
  world: z.string(),
  /** World parameters as given by the user; validated (and defaulted) by the world's schema. */
  params: z.record(z.string(), z.unknown()),
  seed: z.number().int(),
  /**
   * `random`: the runtime draws task and action for episodes [start, start+count) from the seed;
   * `explicit`: tasks and actions are given.
   */
  episodes: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('random'), split: z.enum(SPLITS), start: z.number().int().min(0), count: z.number().int().min(0) }),
    z.object({ kind: z.literal('explicit'), items: z.array(episodeSpecSchema) }),
  ]),
  /** Record sampled trajectories. */
  trajectory: z.boolean().optional(),
  /** Build a new engine for every episode instead of reusing one (the checker compares both). */
  fresh: z.boolean().optional(),
  /**
   * Closed-loop worlds: the policy every episode plays (unless an explicit item brings its own).
   * Without one, episode e plays its random linear policy drawn from [seed, 'action', e]
   * (see `randomPolicy`).
   */
  policy: policySchema.optional(),
  /**
   * Closed-loop worlds: how many episodes step in lockstep at most (one engine each). Default 16:
   * measured on balance, 64 lanes ran ~20% slower per step (more engines, more cache misses) and
   * the pure-JS forward pass gains little from larger batches.
   */
  lanes: z.number().int().min(1).max(4096).optional(),
});
/** What to simulate in one batch (plain data: it crosses the worker boundary); inferred from its schema. */
export type BatchRequest = z.infer<typeof batchRequestSchema>;

/** Default number of closed-loop episodes stepped in lockstep. */
export const DEFAULT_LANES = 16;

/** Result of one batch, in the request's episode order. */
export interface BatchResult {
  readonly consequences: Consequence[];
}

/** Validates user-given world parameters; throws InputError on the first bad field. */
export function resolveParams(world: AnyWorld, params: unknown): Record<string, unknown> {
  const r = world.params.safeParse(params ?? {});
  if (!r.success) throw inputErrorFromZod('params', r.error, params);
  return r.data as Record<string, unknown>;
}

/** The random action of an episode in `random` mode: uniform over the world's action box. */
export function randomAction(world: AnyWorld, params: Record<string, unknown>, seed: number, episode: number): number[] {
  return Box.sample(world.actionSpace(params), new Stream([seed, 'action', episode]));
}

/**
 * The policy of a closed-loop episode that was given none: a random linear policy drawn from
 * the stream [seed, 'action', episode] (see `randomLinearPolicy` for the distribution).
 */
export function randomPolicy(world: AnyClosedLoopWorld, params: Record<string, unknown>, seed: number, episode: number): PolicySpec {
  return randomLinearPolicy(world.observationSpace(params), world.actionSpace(params), new Stream([seed, 'action', episode]));
}

/**
 * The exploration-noise stream of a closed-loop episode, apart from the world's episode stream:
 * switching noise on or off never changes the world's own random draws.
 */
export function explorationStream(seed: number, episode: number): Stream {
  return new Stream([seed, 'explore', episode]);
}

/** The task of an episode in `random` mode. */
export function randomTask(world: AnyWorld, params: Record<string, unknown>, seed: number, split: Split, episode: number): TaskBase {
  return world.sampleTask(new Stream([seed, 'task', split, episode]), split, params);
}

/** One closed-loop episode in progress on one lockstep lane. */
interface Lane {
  readonly index: number;
  readonly spec: EpisodeSpec;
  readonly resolved: Record<string, unknown>;
  readonly key: string;
  readonly sim: ClosedLoopSimulator<TaskBase>;
  readonly policy: PolicySpec;
  readonly noise: Stream | undefined;
  readonly maxSteps: number;
  /** Views of this lane's row in the shared observation and action buffers. */
  readonly obs: Float64Array;
  readonly act: Float64Array;
  /** Per-step records for the trajectory: observations, applied actions, exploration draws. */
  readonly rec: { obs: Float64Array; act: Float64Array; eps: Float64Array | undefined } | undefined;
  steps: number;
}

/** Runs episodes of one world; caches one simulator per resolved parameter set. */
export class WorldRuntime {
  private readonly simulators = new Map<string, Simulator<TaskBase>>();
  /** The last params object seen and its simulator: a batch reuses one object, skip the key. */
  private last: { params: Record<string, unknown>; sim: Simulator<TaskBase> } | undefined;
  /** Idle closed-loop episode slots (one engine each), by resolved-parameter key. */
  private readonly slots = new Map<string, ClosedLoopSimulator<TaskBase>[]>();
  private idleSlots = 0;

  constructor(readonly world: AnyWorld) {}

  private simulatorFor(resolved: Record<string, unknown>, fresh: boolean): Simulator<TaskBase> {
    const world = this.world;
    if (isClosedLoop(world)) throw new Error(`world '${world.id}' is closed-loop: it has episode slots, not a one-shot simulator`);
    if (fresh) return world.createSimulator(resolved);
    if (this.last?.params === resolved) return this.last.sim;
    const key = JSON.stringify(resolved);
    let sim = this.simulators.get(key);
    if (!sim) {
      // A handful of parameter sets per run is normal; cap the cache so sweeps cannot grow it.
      if (this.simulators.size >= 64) this.simulators.clear();
      sim = world.createSimulator(resolved);
      this.simulators.set(key, sim);
    }
    this.last = { params: resolved, sim };
    return sim;
  }

  /** Resolved params of one episode: the batch's, with the task's overrides applied. */
  private resolvedFor(params: Record<string, unknown>, task: TaskBase): Record<string, unknown> {
    return task.overrides ? resolveParams(this.world, { ...params, ...task.overrides }) : params;
  }

  /** Applies the frozen checks to a raw outcome. */
  private consequence(episode: number, raw: RawOutcome, resolved: Record<string, unknown>, task: TaskBase): Consequence {
    const verdicts = applyChecks(this.world.checks, { measurements: raw.measurements, truth: raw.truth ?? {}, params: resolved, task });
    return {
      episode,
      steps: raw.steps,
      terminated: raw.terminated,
      truncated: raw.truncated,
      measurements: raw.measurements,
      verdicts,
      gtPass: verdicts.every((v) => v.pass),
      ...(raw.trajectory ? { trajectory: raw.trajectory } : {}),
    };
  }

  /**
   * Simulates one episode and applies the ground-truth checks. A closed-loop episode plays
   * `spec.policy`, else `policy`, else its random policy (a lockstep batch of one).
   */
  run(params: Record<string, unknown>, spec: EpisodeSpec, seed: number, trajectory: boolean, fresh = false, policy?: PolicySpec): Consequence {
    if (isClosedLoop(this.world)) return this.runLockstep(params, [spec], seed, { trajectory, fresh, policy, lanes: 1 })[0] as Consequence;
    if (spec.action === undefined) throw new InputError(`episode ${spec.episode}.action`, undefined, `an action vector (world '${this.world.id}' is one-shot)`);
    const resolved = this.resolvedFor(params, spec.task);
    const sim = this.simulatorFor(resolved, fresh);
    const raw = sim.run(spec.task, spec.action, episodeStream(seed, spec.episode), { trajectory });
    return this.consequence(spec.episode, raw, resolved, spec.task);
  }

  /** Runs a whole batch request (the worker API). */
  runBatch(req: BatchRequest): BatchResult {
    const params = resolveParams(this.world, req.params);
    const trajectory = req.trajectory ?? false;
    const fresh = req.fresh ?? false;
    if (isClosedLoop(this.world)) {
      const specs: EpisodeSpec[] = [];
      if (req.episodes.kind === 'random') {
        const { split, start, count } = req.episodes;
        for (let e = start; e < start + count; e++) specs.push({ episode: e, task: randomTask(this.world, params, req.seed, split, e) });
      } else {
        req.episodes.items.forEach((it, i) => {
          if (it.action !== undefined) throw new InputError(`request.episodes.items.${i}.action`, it.action, `no action: world '${this.world.id}' is closed-loop (give a policy)`);
        });
        specs.push(...req.episodes.items);
      }
      return { consequences: this.runLockstep(params, specs, req.seed, { trajectory, fresh, policy: req.policy, lanes: req.lanes }) };
    }
    if (req.policy !== undefined) throw new InputError('request.policy', 'a policy', `no policy: world '${this.world.id}' is one-shot (give actions)`);
    const consequences: Consequence[] = [];
    if (req.episodes.kind === 'random') {
      const { split, start, count } = req.episodes;
      for (let e = start; e < start + count; e++) {
        const task = randomTask(this.world, params, req.seed, split, e);
        const action = randomAction(this.world, params, req.seed, e);
        consequences.push(this.run(params, { episode: e, task, action }, req.seed, trajectory, fresh));
      }
    } else {
      for (const spec of req.episodes.items) consequences.push(this.run(params, spec, req.seed, trajectory, fresh));
    }
    return { consequences };
  }

  /** Takes an idle episode slot for these params, or builds one. */
  private acquireSlot(world: AnyClosedLoopWorld, resolved: Record<string, unknown>, key: string, fresh: boolean): ClosedLoopSimulator<TaskBase> {
    if (!fresh) {
      const sim = this.slots.get(key)?.pop();
      if (sim) {
        this.idleSlots--;
        return sim;
      }
    }
    return world.createClosedLoop(resolved);
  }

  private releaseSlot(key: string, sim: ClosedLoopSimulator<TaskBase>): void {
    // Like the simulator cache: a sweep over many parameter sets must not grow it without bound.
    if (this.idleSlots >= 1024) {
      this.slots.clear();
      this.idleSlots = 0;
    }
    let list = this.slots.get(key);
    if (!list) this.slots.set(key, (list = []));
    list.push(sim);
    this.idleSlots++;
  }

  /**
   * Runs closed-loop episodes in lockstep: every control step, the observations of all running
   * episodes that share a policy go through one `evaluatePolicy` call; then each episode adds
   * its own exploration noise, clips to the action box and steps its own engine. A finished
   * episode's lane takes the next episode at once. Results come back in `specs` order.
   */
  runLockstep(
    params: Record<string, unknown>,
    specs: readonly EpisodeSpec[],
    seed: number,
    opts: { trajectory: boolean; fresh: boolean; policy?: PolicySpec | undefined; lanes?: number | undefined },
  ): Consequence[] {
    const world = this.world;
    if (!isClosedLoop(world)) throw new Error(`world '${world.id}' is one-shot: it has no lockstep episodes`);
    const obsSpace = world.observationSpace(params);
    const actSpace = world.actionSpace(params);
    const nObs = obsSpace.names.length;
    const nAct = actSpace.names.length;
    const checked = new Set<PolicySpec>();
    const checkPolicy = (p: PolicySpec, where: string): PolicySpec => {
      if (checked.has(p)) return p;
      const sizes = p.sizes;
      if (sizes[0] !== nObs || sizes[sizes.length - 1] !== nAct) {
        throw new InputError(`${where}.sizes`, sizes, `[${nObs}, …, ${nAct}]: ${nObs} observations (${obsSpace.names.join(', ')}) in, ${nAct} actions (${actSpace.names.join(', ')}) out`);
      }
      checked.add(p);
      return p;
    };
    const shared = opts.policy ? checkPolicy(opts.policy, 'request.policy') : undefined;
    const nLanes = Math.max(1, Math.min(Math.floor(opts.lanes ?? DEFAULT_LANES), specs.length));
    const obsBuf = new Float64Array(nLanes * nObs);
    const actBuf = new Float64Array(nLanes * nAct);
    const lanes: (Lane | undefined)[] = new Array<Lane | undefined>(nLanes).fill(undefined);
    const out: Consequence[] = new Array<Consequence>(specs.length);
    const baseKey = JSON.stringify(params);
    let next = 0;
    let running = 0;

    const start = (slot: number): void => {
      if (next >= specs.length) return;
      const index = next++;
      const spec = specs[index] as EpisodeSpec;
      const resolved = this.resolvedFor(params, spec.task);
      const key = resolved === params ? baseKey : JSON.stringify(resolved);
      const policy = spec.policy ? checkPolicy(spec.policy, `episode ${spec.episode}.policy`) : (shared ?? randomPolicy(world, params, seed, spec.episode));
      const std = policy.noiseStd;
      const noisy = std !== undefined && std.some((x) => x > 0);
      const maxSteps = world.maxSteps(resolved);
      const lane: Lane = {
        index,
        spec,
        resolved,
        key,
        sim: this.acquireSlot(world, resolved, key, opts.fresh),
        policy,
        noise: noisy ? explorationStream(seed, spec.episode) : undefined,
        maxSteps,
        obs: obsBuf.subarray(slot * nObs, (slot + 1) * nObs),
        act: actBuf.subarray(slot * nAct, (slot + 1) * nAct),
        rec: opts.trajectory
          ? { obs: new Float64Array(maxSteps * nObs), act: new Float64Array(maxSteps * nAct), eps: noisy ? new Float64Array(maxSteps * nAct) : undefined }
          : undefined,
        steps: 0,
      };
      lane.obs.fill(0);
      lane.sim.reset(spec.task, episodeStream(seed, spec.episode), lane.obs);
      lanes[slot] = lane;
      running++;
    };

    const finish = (slot: number, lane: Lane): void => {
      const raw = lane.sim.outcome();
      let trajectory: Trajectory | undefined;
      if (lane.rec) {
        const n = lane.steps;
        const t = new Float64Array(n);
        for (let k = 0; k < n; k++) t[k] = k * world.controlDt;
        const channels: Record<string, Float64Array> = {};
        obsSpace.names.forEach((name, i) => {
          const c = new Float64Array(n);
          for (let k = 0; k < n; k++) c[k] = lane.rec!.obs[k * nObs + i] as number;
          channels[`obs.${name}`] = c;
        });
        actSpace.names.forEach((name, j) => {
          const c = new Float64Array(n);
          for (let k = 0; k < n; k++) c[k] = lane.rec!.act[k * nAct + j] as number;
          channels[`act.${name}`] = c;
          const eps = lane.rec!.eps;
          if (eps) {
            const e = new Float64Array(n);
            for (let k = 0; k < n; k++) e[k] = eps[k * nAct + j] as number;
            channels[`eps.${name}`] = e;
          }
        });
        trajectory = { dt: world.controlDt, sampleEvery: 1, t, channels };
      }
      out[lane.index] = this.consequence(lane.spec.episode, { ...raw, ...(trajectory ? { trajectory } : {}) }, lane.resolved, lane.spec.task);
      if (!opts.fresh) this.releaseSlot(lane.key, lane.sim);
      lanes[slot] = undefined;
      running--;
      start(slot);
    };

    for (let s = 0; s < nLanes; s++) start(s);
    // Scratch rows for one policy group: gathered observations in, actions out.
    const gatherObs = new Float64Array(nLanes * nObs);
    const gatherAct = new Float64Array(nLanes * nAct);
    const groups = new Map<PolicySpec, number[]>();
    while (running > 0) {
      // 1. One forward pass per distinct policy over the rows of the lanes that play it.
      for (const g of groups.values()) g.length = 0;
      for (let s = 0; s < nLanes; s++) {
        const lane = lanes[s];
        if (!lane) continue;
        let g = groups.get(lane.policy);
        if (!g) groups.set(lane.policy, (g = []));
        g.push(s);
      }
      for (const [policy, members] of groups) {
        if (members.length === 0) {
          groups.delete(policy);
          continue;
        }
        for (let r = 0; r < members.length; r++) {
          const o = (lanes[members[r] as number] as Lane).obs;
          for (let i = 0; i < nObs; i++) gatherObs[r * nObs + i] = o[i] as number;
        }
        evaluatePolicy(policy, gatherObs, members.length, gatherAct);
        for (let r = 0; r < members.length; r++) {
          const a = (lanes[members[r] as number] as Lane).act;
          for (let j = 0; j < nAct; j++) a[j] = gatherAct[r * nAct + j] as number;
        }
      }
      // 2. Each lane: its own noise, the box, its own engine.
      for (let s = 0; s < nLanes; s++) {
        const lane = lanes[s];
        if (!lane) continue;
        const a = lane.act;
        const k0 = lane.steps;
        const std = lane.policy.noiseStd;
        for (let j = 0; j < nAct; j++) {
          let x = a[j] as number;
          if (lane.noise && std) {
            const eps = lane.noise.normal();
            if (lane.rec?.eps) lane.rec.eps[k0 * nAct + j] = eps;
            x += (std[j] as number) * eps;
          }
          a[j] = Box.clipAt(actSpace, j, x);
        }
        if (lane.rec) {
          lane.rec.obs.set(lane.obs, k0 * nObs);
          lane.rec.act.set(a, k0 * nAct);
        }
        const done = lane.sim.step(a, lane.obs);
        lane.steps++;
        if (done) finish(s, lane);
        else if (lane.steps >= lane.maxSteps) throw new Error(`world '${world.id}': episode ${lane.spec.episode} did not end within maxSteps (${lane.maxSteps})`);
      }
    }
    return out;
  }
}
