/**
 * The world checker (Gymnasium's env_checker, stricter): whole episodes compared bitwise across
 * repeats, fresh and reused engines, batch compositions (closed-loop lockstep included), and
 * fresh and reused workers; measurements finite and complete; verdicts consistent; the parameter
 * schema strict; the checks frozen and hashed; no energy from nowhere in the passive scene.
 * A failure names the property, the case (params, task, action or policy, seed) and where it
 * diverged.
 */
import { z } from 'zod';
import { hashChecks } from './checks.ts';
import { installDeterministicMath } from './detmath.ts';
import { policyParamCount, randomLinearPolicy, type PolicySpec } from './policy.ts';
import { Stream } from './rng.ts';
import { resolveParams, WorldRuntime, type BatchRequest, type BatchResult, type EpisodeSpec } from './runtime.ts';
import { isClosedLoop, SPLITS, type AnyWorld, type Consequence, type PassiveScene } from './types.ts';

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

interface Case {
  readonly params: Record<string, unknown>;
  readonly spec: EpisodeSpec;
  readonly seed: number;
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

/** Runs every property over one world and reports all failures (never throws for a bad world). */
export async function checkWorld(world: AnyWorld, options: CheckWorldOptions = {}): Promise<CheckReport> {
  // The checker simulates in process: with the same Math as the workers it compares against.
  installDeterministicMath();
  const nCases = options.cases ?? 100;
  const checkerSeed = options.seed ?? 0;
  const problems: CheckProblem[] = [];
  const passed: string[] = [];
  const skipped: string[] = [];
  const notApplicable: string[] = [];
  const property = (name: string, fn: () => string[]): void => {
    let found: string[];
    try {
      found = fn();
    } catch (err) {
      found = [`threw: ${err instanceof Error ? err.message : String(err)}`];
    }
    if (found.length === 0) passed.push(name);
    for (const message of found.slice(0, 5)) problems.push({ property: name, message });
    if (found.length > 5) problems.push({ property: name, message: `… and ${found.length - 5} more` });
  };

  // --- The parameter schema: defaults parse, out-of-range and unknown keys are rejected.
  property('schema rejects bad parameters', () => {
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
  });

  // --- The checks: frozen (mutation throws) and their hash stable.
  property('ground-truth checks are frozen and hashed', () => {
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
  });

  // --- Cases: a few parameter sets, several episodes each, so engines are also reused.
  const rng = new Stream([checkerSeed, 'checkWorld', world.id]);
  // Closed-loop policies come from their own stream, so one-shot cases stay as they were.
  const policyRng = new Stream([checkerSeed, 'checkWorld', 'policy', world.id]);
  const closedLoop = isClosedLoop(world);
  const perSet = 5;
  const cases: Case[] = [];
  /** Per parameter set: the policy its even cases share (closed-loop), so lockstep batches group lanes. */
  const sharedPolicy = new Map<Record<string, unknown>, PolicySpec>();
  try {
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
        const action = space.low.map((lo, i) => rng.uniform(lo, space.high[i] as number));
        if (closedLoop) {
          const policy = j % 2 === 0 ? (sharedPolicy.get(params) as PolicySpec) : randomCasePolicy(world, params, policyRng);
          cases.push({ params, seed, spec: { episode: cases.length, task, policy } });
        } else {
          cases.push({ params, seed, spec: { episode: cases.length, task, action } });
        }
      }
    }
  } catch (err) {
    problems.push({ property: 'sampling', message: `threw: ${err instanceof Error ? err.message : String(err)}` });
    return { world: world.id, ok: false, cases: cases.length, checksHash: world.checks.hash, passed, skipped, notApplicable, problems };
  }

  // Reference: each case on a freshly built engine, in process.
  const reference: Consequence[] = [];
  const refRuntime = new WorldRuntime(world);
  try {
    for (const c of cases) reference.push(refRuntime.run(c.params, c.spec, c.seed, true, true));
  } catch (err) {
    problems.push({ property: 'episodes run', message: `threw: ${err instanceof Error ? err.stack ?? err.message : String(err)}` });
    return { world: world.id, ok: false, cases: cases.length, checksHash: world.checks.hash, passed, skipped, notApplicable, problems };
  }

  const compare = (label: string, got: readonly Consequence[]): string[] => {
    const bad: string[] = [];
    cases.forEach((c, i) => {
      const g = got[i];
      const r = reference[i] as Consequence;
      const diff = g ? firstDifference(r, g) : 'missing consequence';
      if (diff) bad.push(`${label}: ${diff} (${describeCase(c)})`);
    });
    return bad;
  };

  property('measurements finite and complete; verdicts consistent', () => {
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
  });

  property('bitwise identical on repeat (fresh engine)', () => compare('repeat', cases.map((c) => refRuntime.run(c.params, c.spec, c.seed, true, true))));

  property('bitwise identical with a reused engine', () => {
    // Every case runs after other episodes on the same engine, in reverse order, twice.
    const rt = new WorldRuntime(world);
    const got: Consequence[] = new Array(cases.length);
    for (let pass = 0; pass < 2; pass++) {
      for (let i = cases.length - 1; i >= 0; i--) {
        const c = cases[i] as Case;
        got[i] = rt.run(c.params, c.spec, c.seed, true, false);
      }
    }
    return compare('reused engine', got);
  });

  // Cases of one parameter set share params and seed: each group can go out as one batch.
  const groups = new Map<Record<string, unknown>, number[]>();
  cases.forEach((c, i) => {
    let g = groups.get(c.params);
    if (!g) groups.set(c.params, (g = []));
    g.push(i);
  });
  /**
   * One group as a batch, in reverse, with episodes of other tasks interleaved; closed-loop:
   * the even cases take the batch-level policy (`shareViaRequest`) or carry the same policy
   * object, so lockstep lanes are grouped into one forward pass.
   */
  const fillerRng = new Stream([checkerSeed, 'checkWorld', 'filler', world.id]);
  const groupBatch = (idx: readonly number[], shareViaRequest: boolean, lanes?: number): { req: BatchRequest; positions: number[] } => {
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
      else {
        const space = world.actionSpace(first.params);
        items.push({ episode, task, action: space.low.map((lo, j) => fillerRng.uniform(lo, space.high[j] as number)) });
      }
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
  };

  property('bitwise identical whatever the batch composition', () => {
    const rt = new WorldRuntime(world);
    const bad: string[] = [];
    // Closed-loop: one lane (sequential), two lanes (lanes refilled mid-batch), all lanes at once.
    const variants: Array<{ lanes?: number; viaRequest: boolean }> = closedLoop ? [{ lanes: 1, viaRequest: false }, { lanes: 2, viaRequest: true }, { viaRequest: false }] : [{ viaRequest: false }];
    for (const v of variants) {
      const got: Consequence[] = new Array(cases.length);
      for (const idx of groups.values()) {
        const { req, positions } = groupBatch(idx, v.viaRequest, v.lanes);
        const res = rt.runBatch(req);
        for (const i of idx) got[i] = res.consequences[positions[i] as number] as Consequence;
      }
      const label = closedLoop ? `lockstep batch (lanes ${v.lanes ?? 'all'}, with other episodes${v.viaRequest ? ', shared policy in the request' : ''})` : 'batch (reversed, with other episodes)';
      bad.push(...compare(label, got));
    }
    return bad;
  });

  if (!options.spawnWorker) {
    skipped.push('bitwise identical in a fresh worker', 'bitwise identical in a reused worker');
  } else {
    const inWorker = async (fresh: boolean, order: 'forward' | 'reverse', rounds: number, worker: BatchRunner): Promise<Consequence[]> => {
      const got: Consequence[] = new Array(cases.length);
      const idx = cases.map((_, i) => i);
      if (order === 'reverse') idx.reverse();
      for (let r = 0; r < rounds; r++) {
        for (const i of idx) {
          const c = cases[i] as Case;
          const res = await worker.runBatch({ world: world.id, params: c.params, seed: c.seed, episodes: { kind: 'explicit', items: [c.spec] }, trajectory: true, fresh });
          got[i] = res.consequences[0] as Consequence;
        }
      }
      return got;
    };
    const asyncProperty = async (name: string, fn: () => Promise<string[]>): Promise<void> => {
      let found: string[];
      try {
        found = await fn();
      } catch (err) {
        found = [`threw: ${err instanceof Error ? err.message : String(err)}`];
      }
      if (found.length === 0) passed.push(name);
      for (const message of found.slice(0, 5)) problems.push({ property: name, message });
      if (found.length > 5) problems.push({ property: name, message: `… and ${found.length - 5} more` });
    };
    await asyncProperty('bitwise identical in a fresh worker', async () => {
      const w = await options.spawnWorker!();
      try {
        return compare('fresh worker', await inWorker(true, 'forward', 1, w));
      } finally {
        await w.close();
      }
    });
    await asyncProperty('bitwise identical in a reused worker', async () => {
      const w = await options.spawnWorker!();
      try {
        const bad = compare('reused worker', await inWorker(false, 'reverse', 2, w));
        // Whole groups as lockstep batches in the same (now warm) worker, the shared policy sent once.
        const got: Consequence[] = new Array(cases.length);
        for (const idx of groups.values()) {
          const { req, positions } = groupBatch(idx, true, closedLoop ? 3 : undefined);
          const res = await w.runBatch(req);
          for (const i of idx) got[i] = res.consequences[positions[i] as number] as Consequence;
        }
        return [...bad, ...compare('reused worker, grouped batch', got)];
      } finally {
        await w.close();
      }
    });
  }

  // --- Physics sanity: no energy from nowhere for an agent to exploit.
  const passive = world.passive;
  if (passive) {
    property(ENERGY_PROPERTY, () => {
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
    });
  } else if (world.physics === false) {
    // Declared, not missing: nothing to verify, and nothing left undone.
    notApplicable.push(`${ENERGY_PROPERTY} (the world has no physics scene)`);
  } else {
    problems.push({ property: ENERGY_PROPERTY, message: 'no passive scene for the energy check: give the world passive(params, rng) (see worlds/TEMPLATE.md), or physics: false if it has no physics' });
  }

  property('checks unchanged after the run', () => (hashChecks(world.checks.checks as never) === world.checks.hash ? [] : ['checks hash changed during the run']));

  return { world: world.id, ok: problems.length === 0, cases: cases.length, checksHash: world.checks.hash, passed, skipped, notApplicable, problems };
}
