/**
 * The one settings table (TensorFlow Playground's `state.ts` idea, without its global module):
 * every setting's zod schema, default, label, meaning and whether changing it restarts the run.
 * Defaults, the controls, the URL and validation all come from here.
 *
 * Parsing a URL never throws: each bad field falls back to its default on its own, and the
 * caller gets a list of what was ignored and why, to show in the page.
 */
import { z } from 'zod';
import { gateThresholds } from '../anchors/gate.ts';
import { CHANNEL_KINDS, SCHEDULES } from '../feedback/channels.ts';
import { inferDirection, MetricError, parse, parseMetric, type DirectionInference, type MetricDirection } from '../metrics/index.ts';
import type { AnyWorld } from '../core/types.ts';
import { isClosedLoop } from '../core/types.ts';
import { WORLDS } from '../../worlds/index.ts';

/** True for worlds the app can show: one-shot, with task features (learners) and a view hook. */
export const showable = (w: AnyWorld): boolean => !isClosedLoop(w) && w.view !== undefined && w.taskFeatures !== undefined && w.featureNames !== undefined;

/** Worlds the app can show, in the registry's order (the registry has no side effects: the page's Math stays its own). */
export const APP_WORLDS: readonly AnyWorld[] = WORLDS.filter(showable);
const worldIds = APP_WORLDS.map((w) => w.id) as [string, ...string[]];

/** How a setting is edited. */
export type Control =
  | { kind: 'number'; min: number; max: number; step: number }
  | { kind: 'select'; options: readonly string[] }
  | { kind: 'text' }
  | { kind: 'boolean' };

/** One row of the table. */
export interface Field {
  readonly key: string;
  readonly label: string;
  /** What the setting means (shown beside the control). */
  readonly doc: string;
  readonly schema: z.ZodType<unknown>;
  readonly default: unknown;
  readonly control: Control;
  /** Changing it restarts the run from its start; false for speed, pause and view settings. */
  readonly restarts: boolean;
  /** Panel folder. */
  readonly group: 'run' | 'learners' | 'feedback' | 'gate' | 'view';
}

const num = (min: number, max: number, step: number, int = false) => {
  const base = int ? z.number().int() : z.number();
  return { schema: base.min(min).max(max), control: { kind: 'number', min, max, step } as Control };
};
const select = <T extends readonly [string, ...string[]]>(options: T) => ({ schema: z.enum(options), control: { kind: 'select', options } as Control });

/** The fixed settings (world parameters are added per world by `paramFields`). */
export const FIELDS: readonly Field[] = [
  { key: 'world', label: 'world', doc: 'The physics world learners act in.', ...select(worldIds), default: 'projectile', restarts: true, group: 'run' },
  { key: 'alpha', label: 'α (gate)', doc: 'Anchor gate strength.', ...num(0, 1, 0.05), default: 0.5, restarts: true, group: 'gate' },
  { key: 'anchorBudget', label: 'anchor budget', doc: 'Ground-truth verdicts the gate may buy per generation (a decision at α needs n(α) = 24·α/(1 − α) of them, plus two rows for non-regression when the metrics crown different learners).', ...num(0, 2000, 1, true), default: 120, restarts: true, group: 'gate' },
  { key: 'meta', label: 'meta-agent', doc: 'The meta-agent proposes new metrics and learners (off: the start metric stays).', schema: z.boolean(), control: { kind: 'boolean' }, default: true, restarts: true, group: 'gate' },
  { key: 'metric', label: 'metric', doc: "Start metric in the metric language; empty = the world's default metric.", schema: z.string().max(400), control: { kind: 'text' }, default: 'landingError', restarts: true, group: 'feedback' },
  { key: 'direction', label: 'direction', doc: "Whether lower or higher metric values are better; auto: the direction the metric's measurements declare (their `better`).", ...select(['auto', 'lower', 'higher'] as const), default: 'auto', restarts: true, group: 'feedback' },
  { key: 'threshold', label: 'threshold', doc: 'Metric pass threshold (what counts as a pass for binary feedback and the amber judge).', ...num(0, 1000, 0.05), default: 0.5, restarts: true, group: 'feedback' },
  { key: 'feedback', label: 'channel', doc: 'How the metric reaches learners: binary pass/fail, hot/cold, graded, or scheduled (graded → binary).', ...select(CHANNEL_KINDS), default: 'graded', restarts: true, group: 'feedback' },
  { key: 'schedule', label: 'schedule', doc: 'Annealing schedule of the scheduled channel.', ...select(SCHEDULES), default: 'linear', restarts: true, group: 'feedback' },
  { key: 'learner', label: 'learner', doc: 'Learner family (an MLP Gaussian policy trained by REINFORCE).', ...select(['gaussian-policy'] as const), default: 'gaussian-policy', restarts: true, group: 'learners' },
  { key: 'population', label: 'population', doc: 'Learners in the population (one row of views each).', ...num(2, 12, 1, true), default: 6, restarts: true, group: 'learners' },
  { key: 'width', label: 'width', doc: 'Hidden units per layer (capacity).', ...num(2, 128, 1, true), default: 16, restarts: true, group: 'learners' },
  { key: 'depth', label: 'depth', doc: 'Hidden layers (capacity).', ...num(1, 4, 1, true), default: 1, restarts: true, group: 'learners' },
  { key: 'generations', label: 'generations', doc: 'Generations of the run.', ...num(1, 200, 1, true), default: 30, restarts: true, group: 'run' },
  { key: 'seed', label: 'seed', doc: 'The run seed: results depend on the settings and the seed alone.', ...num(0, 2 ** 31 - 1, 1, true), default: 0, restarts: true, group: 'run' },
  { key: 'speed', label: 'speed', doc: 'Playback speed of the views (simulated seconds per second).', ...num(0.05, 8, 0.05), default: 2, restarts: false, group: 'view' },
  { key: 'renderer', label: 'renderer', doc: 'auto: canvas on software WebGL, WebGL on a GPU (takes effect on reload).', ...select(['auto', 'webgl', 'canvas'] as const), default: 'auto', restarts: false, group: 'view' },
  { key: 'viewThread', label: 'draw views in', doc: 'worker: the views draw on an OffscreenCanvas in their own worker; page: on the page thread (takes effect on reload).', ...select(['worker', 'page'] as const), default: 'worker', restarts: false, group: 'view' },
  { key: 'follow', label: 'follow learner', doc: 'Highlight one learner (-1: all).', ...num(-1, 15, 1, true), default: -1, restarts: false, group: 'view' },
];

const fieldByKey = new Map(FIELDS.map((f) => [f.key, f]));

/** Per-world start values that make the default scene worth watching. */
const WORLD_PRESETS: Readonly<Record<string, { params?: Record<string, unknown>; metric?: string; direction?: 'lower' | 'higher'; threshold?: number }>> = {
  // With a rolling ball the designer metric landingError misses the roll: the dial has something to show.
  projectile: { params: { body: 'ball' }, metric: 'landingError', threshold: 0.5 },
};

/** The settings: fixed fields plus world parameters (`params`). */
export interface Settings {
  [key: string]: unknown;
  params: Record<string, unknown>;
}

/** The world parameters as fields (`p.<name>` in the URL), read from the world's zod schema. */
export function paramFields(world: AnyWorld): Field[] {
  const shape = (world.params as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  const out: Field[] = [];
  for (const [name, s] of Object.entries(shape)) {
    const inner = (s as unknown as { unwrap?: () => z.ZodType }).unwrap?.() ?? s;
    const dflt = s.safeParse(undefined).data;
    const doc = s.description ?? inner.description ?? '';
    const info = inner as unknown as { minValue?: number | null; maxValue?: number | null; isInt?: boolean; options?: string[] };
    let control: Control;
    if (Array.isArray(info.options)) control = { kind: 'select', options: info.options };
    else if (typeof info.minValue === 'number' && typeof info.maxValue === 'number') {
      control = { kind: 'number', min: info.minValue, max: info.maxValue, step: info.isInt ? 1 : niceStep(info.maxValue - info.minValue) };
    } else continue; // a parameter the panel cannot edit keeps its default
    out.push({ key: `p.${name}`, label: name, doc, schema: inner as z.ZodType<unknown>, default: dflt, control, restarts: true, group: 'run' });
  }
  return out;
}

function niceStep(range: number): number {
  const raw = range / 100;
  const p = 10 ** Math.floor(Math.log10(raw));
  return Number((Math.ceil(raw / p) * p).toPrecision(1));
}

/** The world of an id (the default world for anything else). */
export function appWorld(id: unknown): AnyWorld {
  return APP_WORLDS.find((w) => w.id === id) ?? (APP_WORLDS[0] as AnyWorld);
}

/** Default settings for a world (its preset applied). */
export function defaults(worldId = String(fieldByKey.get('world')!.default)): Settings {
  const world = appWorld(worldId);
  const s: Settings = { params: {} };
  for (const f of FIELDS) s[f.key] = f.default;
  s.world = world.id;
  const preset = WORLD_PRESETS[world.id];
  for (const f of paramFields(world)) s.params[f.key.slice(2)] = f.default;
  if (preset) {
    Object.assign(s.params, preset.params ?? {});
    s.metric = preset.metric ?? '';
    if (preset.direction) s.direction = preset.direction;
    if (preset.threshold !== undefined) s.threshold = preset.threshold;
  } else {
    s.metric = '';
    // The direction stays `auto`: a metric typed later takes its measurements' direction, not the
    // default metric's (the issue's `timeInZone` trained with `lower`).
    const d = world.defaultMetric?.(s.params);
    if (d) s.threshold = d.threshold;
  }
  return s;
}

/** Result of reading a URL: the settings and every ignored part with the reason. */
export interface Parsed {
  readonly settings: Settings;
  readonly ignored: string[];
}

/** Longest query the page reads; a longer one is ignored as a whole (never parsed). */
export const MAX_QUERY = 4000;

function coerce(field: Field, raw: string): unknown {
  if (field.control.kind === 'number') return raw.trim() === '' ? NaN : Number(raw);
  if (field.control.kind === 'boolean') return raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : raw;
  return raw;
}

const show = (s: string): string => (s.length > 40 ? `${s.slice(0, 40)}…` : s);

/**
 * The direction `auto` gives an expression: the one its measurements declare (`better`), as the
 * CLI and scenario files do (src/metrics/direction.ts); null direction with the reason when they
 * declare none or disagree. Null when the expression does not parse.
 */
export function autoDirection(world: AnyWorld, expression: string): DirectionInference | null {
  try {
    return inferDirection(parse(expression, world.measurements), world.measurements);
  } catch (err) {
    if (err instanceof MetricError) return null;
    throw err;
  }
}

/** The direction a metric runs with: the one chosen, or for `auto` the declared one (null: none). */
export function metricDirection(world: AnyWorld, expression: string, direction: string): MetricDirection | null {
  if (direction === 'lower' || direction === 'higher') return direction;
  return autoDirection(world, expression)?.direction ?? null;
}

/** The metric text's problem for a world, or null when it is valid (empty = world default). */
export function metricProblem(world: AnyWorld, expression: string, direction: string, threshold: number): MetricError | null {
  if (expression.trim() === '') return null;
  try {
    const inferred = direction === 'auto' ? autoDirection(world, expression) : null;
    if (inferred && inferred.direction === null) {
      // The same rule as `--direction` on the command line: no declared direction, so the user picks one.
      return new MetricError(`choose the direction lower or higher: this metric has no default direction (${inferred.reason})`, { code: 'direction-required', position: null });
    }
    // (With `auto` and no inference the text does not parse: any valid direction gets its parse error.)
    parseMetric({ expression, direction: inferred?.direction ?? (direction === 'auto' ? 'lower' : direction), threshold }, world.measurements);
    return null;
  } catch (err) {
    if (err instanceof MetricError) return err;
    throw err;
  }
}

/** Reads settings from a query string; never throws. */
export function parseQuery(search: string): Parsed {
  const ignored: string[] = [];
  let entries: [string, string][] = [];
  try {
    if (search.length > MAX_QUERY) ignored.push(`the whole query (${search.length} characters, more than ${MAX_QUERY})`);
    else entries = [...new URLSearchParams(search)];
  } catch {
    ignored.push('the whole query (unreadable)');
  }
  // The world first: its parameters and presets depend on it.
  const worldRaw = entries.find(([k]) => k === 'world')?.[1];
  let world = appWorld(fieldByKey.get('world')!.default);
  if (worldRaw !== undefined) {
    const found = APP_WORLDS.find((w) => w.id === worldRaw);
    if (found) world = found;
    else ignored.push(`world=${show(worldRaw)}: expected one of ${worldIds.join(', ')}`);
  }
  const s = defaults(world.id);
  const pfields = new Map(paramFields(world).map((f) => [f.key, f]));
  const seen = new Set<string>(['world']);
  for (const [key, raw] of entries) {
    if (key === 'world') continue;
    const field = fieldByKey.get(key) ?? pfields.get(key);
    if (!field) {
      ignored.push(`${show(key)}: unknown setting`);
      continue;
    }
    if (seen.has(key)) {
      ignored.push(`${key}=${show(raw)}: repeated (the first one counts)`);
      continue;
    }
    seen.add(key);
    const r = field.schema.safeParse(coerce(field, raw));
    if (!r.success) {
      ignored.push(`${key}=${show(raw)}: ${describe(field)}`);
      continue;
    }
    if (key.startsWith('p.')) s.params[key.slice(2)] = r.data;
    else s[key] = r.data;
  }
  // Cross-field checks: the world's parameter object as a whole, and the metric against its measurements.
  const whole = world.params.safeParse(s.params);
  if (!whole.success) {
    ignored.push(`world parameters: ${whole.error.issues[0]?.message ?? 'invalid'} (defaults used)`);
    s.params = defaults(world.id).params;
  }
  const problem = metricProblem(world, String(s.metric), String(s.direction), Number(s.threshold));
  if (problem) {
    ignored.push(`metric=${show(String(s.metric))}: ${problem.message}`);
    const d = defaults(world.id);
    s.metric = d.metric;
    s.direction = d.direction;
    s.threshold = d.threshold;
  }
  return { settings: s, ignored };
}

/** What a field accepts, for messages. */
export function describe(field: Field): string {
  const c = field.control;
  if (c.kind === 'number') return `expected a number in [${c.min}, ${c.max}]${c.step === 1 ? ', whole' : ''}`;
  if (c.kind === 'select') return `expected one of ${c.options.join(', ')}`;
  if (c.kind === 'boolean') return 'expected true or false';
  return 'expected text';
}

/** The query string of settings: only what differs from the world's defaults, in table order. */
export function toQuery(s: Settings): string {
  const world = appWorld(s.world);
  const d = defaults(world.id);
  const q = new URLSearchParams();
  if (world.id !== defaults().world) q.set('world', world.id);
  for (const f of FIELDS) if (f.key !== 'world' && s[f.key] !== d[f.key]) q.set(f.key, String(s[f.key]));
  for (const f of paramFields(world)) {
    const name = f.key.slice(2);
    if (s.params[name] !== d.params[name]) q.set(f.key, String(s.params[name]));
  }
  return q.toString();
}

/** True when going from `a` to `b` changes something that shapes the run. */
export function restartNeeded(a: Settings, b: Settings): boolean {
  for (const f of FIELDS) if (f.restarts && a[f.key] !== b[f.key]) return true;
  return JSON.stringify(a.params) !== JSON.stringify(b.params);
}

/** What α means at a value, in words shown beside the dial. */
export function alphaMeaning(alpha: number): string {
  if (alpha <= 0) return 'α = 0: the meta-agent adopts any metric it prefers — uncontrolled drift.';
  if (alpha >= 1) return "α = 1: the metric is locked to the designer metric (the world's hand-written metric, with its blind spot) — built-in bias.";
  // The gate's own numbers, so the sentence cannot drift from what the gate asks.
  const th = gateThresholds(alpha);
  return `α = ${alpha.toFixed(2)}: a proposed metric is adopted only when the anchors support it — agreement with ground truth ≥ ${th.minAgreement.toFixed(2)} on at least ${th.evidence} bought verdicts, and the best learner's ground truth may fall by ${th.slack.toFixed(2)} at most.`;
}

/** The metric's direction field for an experiment config: resolved from `auto` (absent when nothing declares one: the run refuses it). */
export function directionOf(s: Settings): { direction?: MetricDirection } {
  const d = metricDirection(appWorld(s.world), String(s.metric), String(s.direction));
  return d ? { direction: d } : {};
}

/** The evolve experiment's config for these settings. */
export function evolveConfig(s: Settings): Record<string, unknown> {
  const meta = s.meta === true;
  const generations = Number(s.generations);
  return {
    world: s.world,
    alpha: s.alpha,
    seed: s.seed,
    generations,
    population: s.population,
    anchorBudget: s.anchorBudget,
    params: s.params,
    learner: s.learner,
    learnerConfig: { width: s.width, depth: s.depth },
    feedback: s.feedback,
    ...(s.feedback === 'scheduled' ? { schedule: s.schedule } : {}),
    ...(String(s.metric).trim() ? { metric: { expression: s.metric, ...directionOf(s), threshold: s.threshold } } : {}),
    // gtLoss and bias: two reference populations (ground-truth metric, designer metric) train
    // alongside the generations, their jobs in each generation's batch (src/experiments/dial.ts),
    // so the first generation waits for one reference generation, not for two whole runs.
    gtLoss: true,
    // Meta-agent off: no metric proposals (warm-up never ends) and no learner proposals.
    ...(meta ? {} : { warmup: generations, pbt: { every: 0 } }),
  };
}
