/**
 * The world checker (Gymnasium's env_checker, stricter): whole episodes compared bitwise across
 * repeats, fresh and reused engines, batch compositions (closed-loop lockstep included), and
 * fresh and reused workers; measurements finite and complete; verdicts consistent; the parameter
 * schema strict; the checks frozen and hashed; no energy from nowhere in the passive scene.
 * A failure names the property, the case (params, task, action or policy, seed) and where it
 * diverged.
 */
import { z } from 'zod';
import { Box } from './box.ts';
import { hashChecks } from './checks.ts';
import { installDeterministicMath } from './detmath.ts';
import { policyParamCount, randomLinearPolicy, type PolicySpec } from './policy.ts';
import { Stream } from './rng.ts';
import { resolveParams, WorldRuntime, type BatchRequest, type BatchResult, type EpisodeSpec } from './runtime.ts';
import { isClosedLoop, SPLITS, type AnyWorld, type Consequence, type PassiveScene } from './types.ts';
import { viewChannels, worldViewSchema } from './view.ts';

/** Something that runs batch requests in a worker (the pool, or a single worker). */
export interface BatchRunner {
  runBatch(req: BatchRequest): Promise<BatchResult>;
  close(): Promise<void>;
}

/** Options for `checkWorld`. */
export interface CheckWorldOptions {
  /** Number of random (params, task, action, seed) cases (default 100). */
  readonly cases?: number;
  /** Seed of the checker's own draws (default 0). */
  readonly seed?: number;
  /** Starts a brand-new single worker; without it the worker properties are reported as skipped. */
  readonly spawnWorker?: () => Promise<BatchRunner>;
}

/** Name of the checker's property for the `view` hook. */
export const VIEW_PROPERTY = 'view is plain data over recorded trajectory channels';
/** Name of the energy property (reports and tests refer to it). */
export const ENERGY_PROPERTY = 'energy does not grow over 1,000 passive steps';

/** One failed property. */
export interface CheckProblem {
  readonly property: string;
  readonly message: string;
}

/** The checker's verdict on one world. */
export interface CheckReport {
  readonly world: string;
  readonly ok: boolean;
  readonly cases: number;
  readonly checksHash: string;
  readonly passed: string[];
  readonly skipped: string[];
  /** Properties that do not apply to this world (the energy check of a world without physics). */
  readonly notApplicable: string[];
  readonly problems: CheckProblem[];
}

interface NumericRange {
  min?: number;
  max?: number;
  type?: string;
  enum?: unknown[];
}

/** Numeric ranges and enum options of a world's parameters, read from its zod schema. */
export function paramRanges(world: AnyWorld): Record<string, NumericRange> {
  const json = z.toJSONSchema(world.params, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, { minimum?: number; maximum?: number; type?: string; enum?: unknown[] }> };
  const out: Record<string, NumericRange> = {};
  for (const [k, s] of Object.entries(json.properties ?? {})) {
    out[k] = { ...(s.minimum !== undefined ? { min: s.minimum } : {}), ...(s.maximum !== undefined ? { max: s.maximum } : {}), ...(s.type ? { type: s.type } : {}), ...(s.enum ? { enum: s.enum } : {}) };
  }
  return out;
}

/** Random parameters within the schema's ranges. */
function randomParams(world: AnyWorld, rng: Stream): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, r] of Object.entries(paramRanges(world))) {
    if (r.enum) out[k] = rng.pick(r.enum);
    else if (r.type === 'integer' && r.min !== undefined && r.max !== undefined) out[k] = rng.int(r.min, r.max);
    else if (r.min !== undefined && r.max !== undefined) out[k] = rng.uniform(r.min, r.max);
  }
  return resolveParams(world, out);
}

/**
 * Describes how two consequences differ ('' when bitwise identical): the earliest trajectory
 * sample that diverged (step and time, over all channels) first, when there is one, then the
 * first differing summary field (steps, flags, a measurement, a verdict).
 */
export function firstDifference(a: Consequence, b: Consequence): string {
  const same = (x: number, y: number): boolean => Object.is(x, y);
  const parts: string[] = [];
  const ta = a.trajectory;
  const tb = b.trajectory;
  if (!ta !== !tb) parts.push('trajectory present in one only');
  else if (ta && tb) {
    let at = Infinity;
    let where = '';
    for (const k of new Set([...Object.keys(ta.channels), ...Object.keys(tb.channels)])) {
      const ca = ta.channels[k];
      const cb = tb.channels[k];
      if (!ca || !cb) {
        parts.push(`trajectory channel '${k}' present in one only`);
        continue;
      }
      const n = Math.min(ca.length, cb.length);
      let i = 0;
      while (i < n && same(ca[i] as number, cb[i] as number)) i++;
      if (i < n && i < at) {
        at = i;
        where = `diverged at step ${i * ta.sampleEvery} (t=${ta.t[i]}s): trajectory channel '${k}' ${ca[i]} vs ${cb[i]}`;
      } else if (i === n && ca.length !== cb.length && n < at) {
        at = n;
        where = `trajectory channel '${k}' ends at sample ${ca.length} vs ${cb.length}`;
      }
    }
    if (where) parts.unshift(where);
  }
  const summary = ((): string => {
    if (a.steps !== b.steps) return `steps ${a.steps} vs ${b.steps}`;
    if (a.terminated !== b.terminated || a.truncated !== b.truncated) return 'termination flags';
    for (const k of new Set([...Object.keys(a.measurements), ...Object.keys(b.measurements)])) {
      if (!same(a.measurements[k] ?? NaN, b.measurements[k] ?? NaN)) return `measurement '${k}' ${a.measurements[k]} vs ${b.measurements[k]}`;
    }
    if (a.verdicts.length !== b.verdicts.length) return 'number of verdicts';
    for (let i = 0; i < a.verdicts.length; i++) {
      const va = a.verdicts[i];
      const vb = b.verdicts[i];
      if (!va || !vb || va.check !== vb.check || va.pass !== vb.pass || !same(va.margin, vb.margin)) return `verdict '${va?.check}'`;
    }
    return '';
  })();
  if (summary) parts.push(summary);
  return parts.join('; ');
}

function describePolicy(p: PolicySpec): string {
  const noise = p.noiseStd ? `, noise std [${p.noiseStd.join(', ')}]` : '';
  return `${p.kind} [${p.sizes.join(', ')}] weights [${Array.from(p.weights).join(', ')}]${noise}`;
}

function describeCase(c: Case): string {
  const played = c.spec.policy ? `policy ${describePolicy(c.spec.policy)}` : `action [${(c.spec.action ?? []).join(', ')}]`;
  return `seed ${c.seed}, episode ${c.spec.episode}, task ${JSON.stringify(c.spec.task)}, ${played}, params ${JSON.stringify(c.params)}`;
}

/**
 * A random policy for a closed-loop case: linear, linear with exploration noise, or a small MLP
 * with noise, so the checker covers every path of the forward pass and the noise streams.
 */
function randomCasePolicy(world: AnyWorld, params: Record<string, unknown>, rng: Stream): PolicySpec {
  if (!isClosedLoop(world)) throw new Error('randomCasePolicy: one-shot world');
  const obs = world.observationSpace(params);
  const act = world.actionSpace(params);
  const base = randomLinearPolicy(obs, act, rng);
  const noiseStd = act.low.map((lo, i) => 0.1 * ((act.high[i] as number) - lo));
  const kind = rng.int(0, 2);
  if (kind === 0) return base;
  if (kind === 1) return { ...base, noiseStd };
  const sizes = [obs.names.length, 8, act.names.length];
  const weights = new Float64Array(policyParamCount(sizes));
  for (let i = 0; i < weights.length; i++) weights[i] = rng.normal();
  const half = obs.low.map((lo, i) => 0.5 * ((obs.high[i] as number) - lo) || 1);
  return { kind: 'mlp', sizes, weights, low: [...act.low], high: [...act.high], noiseStd, inputScale: half.map((h) => 1 / h) };
}

/** What one passive run measured: energies relative to the lowest potential energy reached. */
export interface EnergyRun {
  /** Total energy at the start. */
  readonly initial: number;
  /** Highest total energy over the run, and the step it happened at. */
  readonly max: number;
  readonly maxStep: number;
  /**
   * The exchangeable energy: initial total minus the lowest potential energy reached. Growth is
   * measured against it, so the arbitrary zero of potential energy (the engine's origin) drops
   * out: a bean bag thrown from 1 m compares with its fall plus its throw, not with its height
   * above some far-away origin.
   */
  readonly scale: number;
  /** (max − initial) / scale: the relative growth the check bounds by 1%. */
  readonly growth: number;
  /** A reading that was not finite, if any (step and value). */
  readonly nonFinite?: { step: number; value: number };
}

/** Steps a passive scene and measures its energy growth (the checker's energy property). */
export function measureEnergyGrowth(scene: PassiveScene, steps = 1000): EnergyRun {
  const e0 = scene.energy();
  const initial = e0.kinetic + e0.potential;
  let max = initial;
  let maxStep = 0;
  let minPotential = e0.potential;
  let nonFinite: { step: number; value: number } | undefined = Number.isFinite(initial) ? undefined : { step: 0, value: initial };
  for (let k = 1; k <= steps && !nonFinite; k++) {
    scene.step();
    const e = scene.energy();
    const total = e.kinetic + e.potential;
    if (!Number.isFinite(total)) nonFinite = { step: k, value: total };
    if (total > max) {
      max = total;
      maxStep = k;
    }
    if (e.potential < minPotential) minPotential = e.potential;
  }
  const scale = initial - minPotential;
  return { initial, max, maxStep, scale, growth: scale > 0 ? (max - initial) / scale : Infinity, ...(nonFinite ? { nonFinite } : {}) };
}

/** What every property may read: the world, the options and the checker's seed. */
export interface WorldContext {
  readonly world: AnyWorld;
  readonly options: CheckWorldOptions;
  readonly checkerSeed: number;
}

/** What case-based properties read besides: the drawn cases and their in-process reference run. */
export interface CaseContext extends WorldContext {
  readonly closedLoop: boolean;
  readonly cases: readonly Case[];
  /** Each case on a freshly built engine, in process: what every other way of running must equal. */
  readonly reference: readonly Consequence[];
  /** Case indices by parameter set (cases of one set share params and seed: one batch each). */
  readonly groups: ReadonlyMap<Record<string, unknown>, readonly number[]>;
  /** The problems of `got` against the reference, one per differing case. */
  compare(label: string, got: readonly (Consequence | undefined)[]): string[];
  /** One group as a batch with other episodes interleaved (see `groupBatch`). */
  groupBatch(idx: readonly number[], shareViaRequest: boolean, lanes?: number): { req: BatchRequest; positions: number[] };
}

/** Whether a property runs on this world: it runs, is skipped (an option it needs is missing), does not apply, or cannot run (a problem). */
export type Applicability = { readonly run: true } | { readonly skipped: string } | { readonly notApplicable: string } | { readonly problem: string };

/**
 * One named property of the checker. `before-cases` properties read only the world; `on-cases`
 * ones run after the cases are drawn and run once in process (if that fails, they do not run).
 * `run` returns the problems found (empty: passed); a throw is a problem too.
 */
export type WorldProperty =
  | { readonly name: string; readonly phase: 'before-cases'; readonly applies?: (ctx: WorldContext) => Applicability; readonly run: (ctx: WorldContext) => string[] }
  | { readonly name: string; readonly phase: 'on-cases'; readonly applies?: (ctx: WorldContext) => Applicability; readonly run: (ctx: CaseContext) => string[] | Promise<string[]> };

/** A random case: parameters, the episode (task and action or policy) and the seed. */
interface Case {
  readonly params: Record<string, unknown>;
  readonly spec: EpisodeSpec;
  readonly seed: number;
}

const RUN: Applicability = { run: true };
const needsWorker = (ctx: WorldContext): Applicability => (ctx.options.spawnWorker ? RUN : { skipped: 'no spawnWorker option' });

/** Cases run one by one in a worker (fresh engines or reused), forward or reversed, `rounds` times. */
async function inWorker(ctx: CaseContext, fresh: boolean, order: 'forward' | 'reverse', rounds: number, worker: BatchRunner): Promise<Consequence[]> {
  const got: Consequence[] = new Array(ctx.cases.length);
  const idx = ctx.cases.map((_, i) => i);
  if (order === 'reverse') idx.reverse();
  for (let r = 0; r < rounds; r++) {
    for (const i of idx) {
      const c = ctx.cases[i] as Case;
      const res = await worker.runBatch({ world: ctx.world.id, params: c.params, seed: c.seed, episodes: { kind: 'explicit', items: [c.spec] }, trajectory: true, fresh });
      got[i] = res.consequences[0] as Consequence;
    }
  }
  return got;
}

/** Each group as one batch through `run`, results put back in case order. */
async function groupedRun(ctx: CaseContext, shareViaRequest: boolean, lanes: number | undefined, run: (req: BatchRequest) => BatchResult | Promise<BatchResult>): Promise<Consequence[]> {
  const got: Consequence[] = new Array(ctx.cases.length);
  for (const idx of ctx.groups.values()) {
    const { req, positions } = ctx.groupBatch(idx, shareViaRequest, lanes);
    const res = await run(req);
    for (const i of idx) got[i] = res.consequences[positions[i] as number] as Consequence;
  }
  return got;
}

/** Starts a worker, runs `fn` with it and always closes it. */
async function withWorker(ctx: WorldContext, fn: (w: BatchRunner) => Promise<string[]>): Promise<string[]> {
  const w = await (ctx.options.spawnWorker as () => Promise<BatchRunner>)();
  try {
    return await fn(w);
  } finally {
    await w.close();
  }
}

/** The checker's properties, in the order they run and are reported. */
export const WORLD_PROPERTIES: readonly WorldProperty[] = [
  {
    // The parameter schema: defaults parse, out-of-range and unknown keys are rejected.
    name: 'schema rejects bad parameters',
    phase: 'before-cases',
    run: ({ world }) => {
      const bad: string[] = [];
      const rejects = (label: string, input: unknown): void => {
        if (world.params.safeParse(input).success) bad.push(`accepted ${label}`);
      };
      if (!world.params.safeParse({}).success) bad.push('defaults do not parse');
      for (const [k, r] of Object.entries(paramRanges(world))) {
        if (r.min !== undefined) rejects(`${k}=${r.min - 1}`, { [k]: r.min - 1 });
        if (r.max !== undefined) rejects(`${k}=${r.max + 1}`, { [k]: r.max + 1 });
        if (r.min !== undefined || r.max !== undefined) rejects(`${k}=NaN`, { [k]: NaN });
        if (r.enum) rejects(`${k}='not-an-option'`, { [k]: 'not-an-option' });
      }
      rejects('an unknown key', { notAParameter: 1 });
      rejects('a __proto__ key', JSON.parse('{"__proto__": {"gravity": 1}}'));
      rejects('a constructor key', { constructor: 1 });
      return bad;
    },
  },
  {
    // The checks: frozen (mutation throws) and their hash stable.
    name: 'ground-truth checks are frozen and hashed',
    phase: 'before-cases',
    run: ({ world }) => {
      const bad: string[] = [];
      const mustThrow = (label: string, fn: () => void): void => {
        try {
          fn();
          bad.push(`${label} did not throw`);
        } catch {
          /* expected: frozen */
        }
      };
      const suite = world.checks as unknown as { hash: string; checks: Array<Record<string, unknown>> };
      if (suite.checks.length === 0) bad.push('the world declares no ground-truth check');
      mustThrow('replacing the hash', () => {
        suite.hash = 'x';
      });
      mustThrow('adding a check', () => {
        suite.checks.push({ name: 'extra' });
      });
      for (const c of suite.checks) {
        mustThrow(`renaming check '${String(c.name)}'`, () => {
          c.name = 'renamed';
        });
        mustThrow(`replacing check '${String(c.name)}' predicate`, () => {
          c.margin = () => 1;
        });
      }
      if (hashChecks(world.checks.checks as never) !== world.checks.hash) bad.push('content hash does not match the checks');
      return bad;
    },
  },
  {
    // The designer metric (evolve starts from it; α = 1 locks to it): well-formed at the default
    // parameters, reading only declared measurements, with its blind spot documented. The metric
    // language lives outside the core, so this reads identifiers only; evolve parses it fully.
    name: 'designer metric reads declared measurements and names its blind spot',
    phase: 'before-cases',
    applies: ({ world }) => (world.designerMetric ? RUN : { notApplicable: 'the world declares no designer metric' }),
    run: ({ world }) => {
      const bad: string[] = [];
      const params = world.params.parse({});
      const d = world.designerMetric!(params);
      const names = new Set(world.measurements.map((m) => m.name));
      const refs = [...d.expression.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*(\()?/g)].filter((m) => m[2] === undefined).map((m) => m[1] as string);
      if (refs.length === 0) bad.push(`designer metric '${d.expression}' reads no measurement`);
      for (const r of refs) if (!names.has(r)) bad.push(`designer metric reads '${r}', which is not a declared measurement`);
      if (d.direction !== 'lower' && d.direction !== 'higher') bad.push(`designer metric direction '${String(d.direction)}' (lower or higher)`);
      if (!Number.isFinite(d.threshold)) bad.push(`designer metric threshold ${d.threshold} is not finite`);
      if (typeof d.blindSpot !== 'string' || d.blindSpot.trim().length < 10) bad.push('designer metric has no documented blind spot (blindSpot: one sentence)');
      return bad;
    },
  },
  {
    // The view hook (what the app draws): plain data, valid, and every channel it names is recorded.
    name: VIEW_PROPERTY,
    phase: 'on-cases',
    applies: ({ world }) => (world.view ? RUN : { notApplicable: 'the world declares no view' }),
    run: ({ world, cases, reference }) => {
      const bad: string[] = [];
      cases.forEach((c, i) => {
        const task = c.spec.task;
        const params = task.overrides ? resolveParams(world, { ...c.params, ...task.overrides }) : c.params;
        const view = world.view!(params, task);
        const parsed = worldViewSchema.safeParse(view);
        if (!parsed.success) bad.push(`view of ${describeCase(c)}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
        else if (JSON.stringify(structuredClone(view)) !== JSON.stringify(view)) bad.push(`view of ${describeCase(c)} is not plain data`);
        const recorded = (reference[i] as Consequence).trajectory?.channels ?? {};
        for (const ch of viewChannels(view)) if (!Object.hasOwn(recorded, ch)) bad.push(`view of ${describeCase(c)} names channel '${ch}', which the trajectory does not record (recorded: ${Object.keys(recorded).join(', ')})`);
      });
      return bad;
    },
  },
  {
    name: 'measurements finite and complete; verdicts consistent',
    phase: 'on-cases',
    run: ({ world, cases, reference }) => {
      const bad: string[] = [];
      const declared = world.measurements.map((m) => m.name);
      const checkNames = world.checks.checks.map((c) => c.name);
      cases.forEach((c, i) => {
        const r = reference[i] as Consequence;
        for (const name of declared) {
          const v = r.measurements[name];
          if (v === undefined) bad.push(`measurement '${name}' missing (${describeCase(c)})`);
          else if (!Number.isFinite(v)) bad.push(`measurement '${name}' = ${v} (${describeCase(c)})`);
        }
        for (const name of Object.keys(r.measurements)) if (!declared.includes(name)) bad.push(`undeclared measurement '${name}'`);
        for (const v of r.verdicts) {
          if (!checkNames.includes(v.check)) bad.push(`verdict for unknown check '${v.check}'`);
          if (v.pass !== v.margin >= 0 || Number.isNaN(v.margin)) bad.push(`verdict '${v.check}' pass=${v.pass} but margin=${v.margin} (${describeCase(c)})`);
        }
        if (r.gtPass !== r.verdicts.every((v) => v.pass)) bad.push(`gtPass disagrees with verdicts (${describeCase(c)})`);
        if (r.terminated && r.truncated) bad.push(`both terminated and truncated (${describeCase(c)})`);
      });
      return bad;
    },
  },
  {
    name: 'bitwise identical on repeat (fresh engine)',
    phase: 'on-cases',
    run: (ctx) => {
      const rt = new WorldRuntime(ctx.world);
      return ctx.compare('repeat', ctx.cases.map((c) => rt.run(c.params, c.spec, c.seed, true, true)));
    },
  },
  {
    name: 'bitwise identical with a reused engine',
    phase: 'on-cases',
    run: (ctx) => {
      // Every case runs after other episodes on the same engine, in reverse order, twice.
      const rt = new WorldRuntime(ctx.world);
      const got: Consequence[] = new Array(ctx.cases.length);
      for (let pass = 0; pass < 2; pass++) {
        for (let i = ctx.cases.length - 1; i >= 0; i--) {
          const c = ctx.cases[i] as Case;
          got[i] = rt.run(c.params, c.spec, c.seed, true, false);
        }
      }
      return ctx.compare('reused engine', got);
    },
  },
  {
    name: 'bitwise identical whatever the batch composition',
    phase: 'on-cases',
    run: async (ctx) => {
      const rt = new WorldRuntime(ctx.world);
      const bad: string[] = [];
      // Closed-loop: one lane (sequential), two lanes (lanes refilled mid-batch), all lanes at once.
      const variants: Array<{ lanes?: number; viaRequest: boolean }> = ctx.closedLoop ? [{ lanes: 1, viaRequest: false }, { lanes: 2, viaRequest: true }, { viaRequest: false }] : [{ viaRequest: false }];
      for (const v of variants) {
        const got = await groupedRun(ctx, v.viaRequest, v.lanes, (req) => rt.runBatch(req));
        const label = ctx.closedLoop ? `lockstep batch (lanes ${v.lanes ?? 'all'}, with other episodes${v.viaRequest ? ', shared policy in the request' : ''})` : 'batch (reversed, with other episodes)';
        bad.push(...ctx.compare(label, got));
      }
      return bad;
    },
  },
  {
    name: 'bitwise identical in a fresh worker',
    phase: 'on-cases',
    applies: needsWorker,
    run: (ctx) => withWorker(ctx, async (w) => ctx.compare('fresh worker', await inWorker(ctx, true, 'forward', 1, w))),
  },
  {
    name: 'bitwise identical in a reused worker',
    phase: 'on-cases',
    applies: needsWorker,
    run: (ctx) =>
      withWorker(ctx, async (w) => {
        const bad = ctx.compare('reused worker', await inWorker(ctx, false, 'reverse', 2, w));
        // Whole groups as lockstep batches in the same (now warm) worker, the shared policy sent once.
        const got = await groupedRun(ctx, true, ctx.closedLoop ? 3 : undefined, (req) => w.runBatch(req));
        return [...bad, ...ctx.compare('reused worker, grouped batch', got)];
      }),
  },
  {
    // Physics sanity: no energy from nowhere for an agent to exploit.
    name: ENERGY_PROPERTY,
    phase: 'on-cases',
    applies: ({ world }) => {
      if (world.passive) return RUN;
      // Declared, not missing: nothing to verify, and nothing left undone.
      if (world.physics === false) return { notApplicable: 'the world has no physics scene' };
      return { problem: 'no passive scene for the energy check: give the world passive(params, rng) (see worlds/TEMPLATE.md), or physics: false if it has no physics' };
    },
    run: ({ world, checkerSeed }) => {
      const passive = world.passive as NonNullable<AnyWorld['passive']>;
      const bad: string[] = [];
      const prng = new Stream([checkerSeed, 'checkWorld', 'passive', world.id]);
      // The defaults, then a few random parameter sets.
      const sets = [resolveParams(world, {}), ...Array.from({ length: 4 }, () => randomParams(world, prng))];
      sets.forEach((params, i) => {
        const where = `passive scene ${i} (stream [${checkerSeed}, 'passive', ${i}]), params ${JSON.stringify(params)}`;
        const run = measureEnergyGrowth(passive.call(world, params, new Stream([checkerSeed, 'passive', i])));
        if (run.nonFinite) bad.push(`energy is ${run.nonFinite.value} at step ${run.nonFinite.step} (${where})`);
        else if (!(run.scale > 0)) bad.push(`the passive scene has no energy to exchange (start it moving or raised) (${where})`);
        else if (run.growth > 0.01) {
          bad.push(`energy grew by ${(100 * run.growth).toFixed(2)}% of the exchangeable energy (limit 1%), highest at step ${run.maxStep}: ${run.initial} → ${run.max}, scale ${run.scale} (${where})`);
        }
      });
      return bad;
    },
  },
  {
    name: 'checks unchanged after the run',
    phase: 'on-cases',
    run: ({ world }) => (hashChecks(world.checks.checks as never) === world.checks.hash ? [] : ['checks hash changed during the run']),
  },
];

/** Draws the cases: a few parameter sets, several episodes each (so engines are also reused). */
function drawCases(world: AnyWorld, nCases: number, checkerSeed: number, problems: CheckProblem[]): { cases: Case[]; sharedPolicy: Map<Record<string, unknown>, PolicySpec> } {
  const rng = new Stream([checkerSeed, 'checkWorld', world.id]);
  // Closed-loop policies come from their own stream, so one-shot cases stay as they were.
  const policyRng = new Stream([checkerSeed, 'checkWorld', 'policy', world.id]);
  const closedLoop = isClosedLoop(world);
  const perSet = 5;
  const cases: Case[] = [];
  /** Per parameter set: the policy its even cases share (closed-loop), so lockstep batches group lanes. */
  const sharedPolicy = new Map<Record<string, unknown>, PolicySpec>();
  for (let s = 0; cases.length < nCases; s++) {
    const params = randomParams(world, rng);
    const space = world.actionSpace(params);
    const seed = rng.int(0, 2 ** 31 - 1);
    if (closedLoop) sharedPolicy.set(params, randomCasePolicy(world, params, policyRng));
    for (let j = 0; j < perSet && cases.length < nCases; j++) {
      const split = rng.pick(SPLITS);
      const task = world.sampleTask(rng, split, params);
      const parsedTask = world.task.safeParse(task);
      if (!parsedTask.success) problems.push({ property: 'tasks match the task schema', message: `${JSON.stringify(task)}: ${parsedTask.error.issues[0]?.message}` });
      const action = Box.sample(space, rng);
      if (closedLoop) {
        const policy = j % 2 === 0 ? (sharedPolicy.get(params) as PolicySpec) : randomCasePolicy(world, params, policyRng);
        cases.push({ params, seed, spec: { episode: cases.length, task, policy } });
      } else {
        cases.push({ params, seed, spec: { episode: cases.length, task, action } });
      }
    }
  }
  return { cases, sharedPolicy };
}

/** Builds the case context: the in-process reference run, the groups, compare and groupBatch. */
function caseContext(base: WorldContext, cases: Case[], sharedPolicy: Map<Record<string, unknown>, PolicySpec>): CaseContext {
  const { world, checkerSeed } = base;
  const closedLoop = isClosedLoop(world);
  const refRuntime = new WorldRuntime(world);
  const reference = cases.map((c) => refRuntime.run(c.params, c.spec, c.seed, true, true));
  const groups = new Map<Record<string, unknown>, number[]>();
  cases.forEach((c, i) => {
    let g = groups.get(c.params);
    if (!g) groups.set(c.params, (g = []));
    g.push(i);
  });
  const fillerRng = new Stream([checkerSeed, 'checkWorld', 'filler', world.id]);
  return {
    ...base,
    closedLoop,
    cases,
    reference,
    groups,
    compare(label, got) {
      const bad: string[] = [];
      cases.forEach((c, i) => {
        const g = got[i];
        const diff = g ? firstDifference(reference[i] as Consequence, g) : 'missing consequence';
        if (diff) bad.push(`${label}: ${diff} (${describeCase(c)})`);
      });
      return bad;
    },
    /**
     * One group as a batch, in reverse, with episodes of other tasks interleaved; closed-loop:
     * the even cases take the batch-level policy (`shareViaRequest`) or carry the same policy
     * object, so lockstep lanes are grouped into one forward pass.
     */
    groupBatch(idx, shareViaRequest, lanes) {
      const first = cases[idx[0] as number] as Case;
      const items: EpisodeSpec[] = [];
      const positions: number[] = [];
      const shared = sharedPolicy.get(first.params);
      [...idx].reverse().forEach((i, k) => {
        const c = cases[i] as Case;
        positions[i] = items.length;
        const viaRequest = shareViaRequest && shared !== undefined && c.spec.policy === shared;
        items.push(viaRequest ? { episode: c.spec.episode, task: c.spec.task } : c.spec);
        // A filler episode between cases: another task, another action or policy.
        const task = world.sampleTask(fillerRng, fillerRng.pick(SPLITS), first.params);
        const episode = 1_000_000 + i * 10 + k;
        if (closedLoop) items.push({ episode, task, policy: randomCasePolicy(world, first.params, fillerRng) });
        else items.push({ episode, task, action: Box.sample(world.actionSpace(first.params), fillerRng) });
      });
      const req: BatchRequest = {
        world: world.id,
        params: first.params,
        seed: first.seed,
        episodes: { kind: 'explicit', items },
        trajectory: true,
        ...(shareViaRequest && shared ? { policy: shared } : {}),
        ...(lanes !== undefined ? { lanes } : {}),
      };
      return { req, positions };
    },
  };
}

const threw = (err: unknown, stack = false): string => `threw: ${err instanceof Error ? (stack ? (err.stack ?? err.message) : err.message) : String(err)}`;

/**
 * Runs every property of `properties` (default: WORLD_PROPERTIES) over one world with one runner
 * and reports all failures (never throws for a bad world).
 */
export async function checkWorld(world: AnyWorld, options: CheckWorldOptions = {}, properties: readonly WorldProperty[] = WORLD_PROPERTIES): Promise<CheckReport> {
  // The checker simulates in process: with the same Math as the workers it compares against.
  installDeterministicMath();
  const base: WorldContext = { world, options, checkerSeed: options.seed ?? 0 };
  const problems: CheckProblem[] = [];
  const passed: string[] = [];
  const skipped: string[] = [];
  const notApplicable: string[] = [];
  let caseCount = 0;
  const report = (): CheckReport => ({ world: world.id, ok: problems.length === 0, cases: caseCount, checksHash: world.checks.hash, passed, skipped, notApplicable, problems });

  let ctx: CaseContext | undefined;
  for (const p of properties) {
    const a = p.applies ? p.applies(base) : RUN;
    if ('skipped' in a) {
      skipped.push(p.name);
      continue;
    }
    if ('notApplicable' in a) {
      notApplicable.push(`${p.name} (${a.notApplicable})`);
      continue;
    }
    if ('problem' in a) {
      problems.push({ property: p.name, message: a.problem });
      continue;
    }
    let found: string[];
    if (p.phase === 'before-cases') {
      try {
        found = p.run(base);
      } catch (err) {
        found = [threw(err)];
      }
    } else {
      if (!ctx) {
        // The cases and their reference run, once, before the first property that needs them.
        let drawn: ReturnType<typeof drawCases>;
        try {
          drawn = drawCases(world, options.cases ?? 100, base.checkerSeed, problems);
        } catch (err) {
          problems.push({ property: 'sampling', message: threw(err) });
          return report();
        }
        caseCount = drawn.cases.length;
        try {
          ctx = caseContext(base, drawn.cases, drawn.sharedPolicy);
        } catch (err) {
          problems.push({ property: 'episodes run', message: threw(err, true) });
          return report();
        }
      }
      try {
        found = await p.run(ctx);
      } catch (err) {
        found = [threw(err)];
      }
    }
    if (found.length === 0) passed.push(p.name);
    for (const message of found.slice(0, 5)) problems.push({ property: p.name, message });
    if (found.length > 5) problems.push({ property: p.name, message: `… and ${found.length - 5} more` });
  }
  return report();
}
