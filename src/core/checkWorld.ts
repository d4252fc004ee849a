/**
 * The world checker (Gymnasium's env_checker, stricter): whole episodes compared bitwise across
 * repeats, fresh and reused engines, and fresh and reused workers; measurements finite and
 * complete; verdicts consistent; the parameter schema strict; the checks frozen and hashed.
 * A failure names the property, the case (params, task, action, seed) and where it diverged.
 */
import { z } from 'zod';
import { hashChecks } from './checks.ts';
import { Stream } from './rng.ts';
import { resolveParams, WorldRuntime, type BatchRequest, type BatchResult, type EpisodeSpec } from './runtime.ts';
import { SPLITS, type AnyWorld, type Consequence } from './types.ts';

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

/** Describes where two consequences first differ ('' when bitwise identical). */
export function firstDifference(a: Consequence, b: Consequence): string {
  const same = (x: number, y: number): boolean => Object.is(x, y);
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
  const ta = a.trajectory;
  const tb = b.trajectory;
  if (!ta || !tb) return ta === tb ? '' : 'trajectory present in one only';
  for (const k of new Set([...Object.keys(ta.channels), ...Object.keys(tb.channels)])) {
    const ca = ta.channels[k];
    const cb = tb.channels[k];
    if (!ca || !cb || ca.length !== cb.length) return `trajectory channel '${k}' length`;
    for (let i = 0; i < ca.length; i++) {
      if (!same(ca[i] as number, cb[i] as number)) return `trajectory channel '${k}' at step ${i * ta.sampleEvery} (t=${ta.t[i]}s): ${ca[i]} vs ${cb[i]}`;
    }
  }
  return '';
}

function describeCase(c: Case): string {
  return `seed ${c.seed}, episode ${c.spec.episode}, task ${JSON.stringify(c.spec.task)}, action [${c.spec.action.join(', ')}], params ${JSON.stringify(c.params)}`;
}

/** Runs every property over one world and reports all failures (never throws for a bad world). */
export async function checkWorld(world: AnyWorld, options: CheckWorldOptions = {}): Promise<CheckReport> {
  const nCases = options.cases ?? 100;
  const checkerSeed = options.seed ?? 0;
  const problems: CheckProblem[] = [];
  const passed: string[] = [];
  const skipped: string[] = [];
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
  const perSet = 5;
  const cases: Case[] = [];
  try {
    for (let s = 0; cases.length < nCases; s++) {
      const params = randomParams(world, rng);
      const space = world.actionSpace(params);
      const seed = rng.int(0, 2 ** 31 - 1);
      for (let j = 0; j < perSet && cases.length < nCases; j++) {
        const split = rng.pick(SPLITS);
        const task = world.sampleTask(rng, split, params);
        const parsedTask = world.task.safeParse(task);
        if (!parsedTask.success) problems.push({ property: 'tasks match the task schema', message: `${JSON.stringify(task)}: ${parsedTask.error.issues[0]?.message}` });
        const action = space.low.map((lo, i) => rng.uniform(lo, space.high[i] as number));
        cases.push({ params, seed, spec: { episode: cases.length, task, action } });
      }
    }
  } catch (err) {
    problems.push({ property: 'sampling', message: `threw: ${err instanceof Error ? err.message : String(err)}` });
    return { world: world.id, ok: false, cases: cases.length, checksHash: world.checks.hash, passed, skipped, problems };
  }

  // Reference: each case on a freshly built engine, in process.
  const reference: Consequence[] = [];
  const refRuntime = new WorldRuntime(world);
  try {
    for (const c of cases) reference.push(refRuntime.run(c.params, c.spec, c.seed, true, true));
  } catch (err) {
    problems.push({ property: 'episodes run', message: `threw: ${err instanceof Error ? err.stack ?? err.message : String(err)}` });
    return { world: world.id, ok: false, cases: cases.length, checksHash: world.checks.hash, passed, skipped, problems };
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
        return compare('reused worker', await inWorker(false, 'reverse', 2, w));
      } finally {
        await w.close();
      }
    });
  }

  property('checks unchanged after the run', () => (hashChecks(world.checks.checks as never) === world.checks.hash ? [] : ['checks hash changed during the run']));

  return { world: world.id, ok: problems.length === 0, cases: cases.length, checksHash: world.checks.hash, passed, skipped, problems };
}
