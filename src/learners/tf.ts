/**
 * tfjs setup shared by every tfjs learner: one backend choice per context (WASM, else `cpu`
 * with the reason recorded), seeded initialisers, our own seeded shuffling, and weight
 * snapshots as plain Float32Arrays.
 *
 * Browser-safe: nothing here touches Node. Node callers (CLI, tests, Node workers) use
 * `initTfNode` from `tf-node.ts`, which resolves the package's `.wasm` folder and passes it in.
 *
 * Why WASM: it trained a small MLP ~4× faster than `cpu` in Node, and in headless Chromium tfjs
 * would otherwise pick WebGL on a software renderer (5.7× slower). `setWasmPaths` must run
 * before the WASM backend first initialises, so only `initTf` sets the backend.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { Stream } from '../core/rng.ts';

export { tf };

/** Backends a learner may ask for. */
export type TfBackendName = 'wasm' | 'cpu';

/** The backend in use, and why it is not the preferred one when it is not. */
export interface TfInit {
  readonly backend: string;
  readonly fallbackReason?: string;
}

/** Where the WASM binaries live: a folder prefix (ending in `/`) or a map file name → URL. */
export type WasmPaths = string | Record<string, string>;

let wasmPaths: WasmPaths | undefined;
let wasmPathsApplied = false;
let pending: { preferred: TfBackendName; result: Promise<TfInit> } | undefined;

/** Records where the WASM binaries are; takes effect at the first WASM initialisation. */
export function setTfWasmPaths(paths: WasmPaths): void {
  if (wasmPathsApplied) return; // The WASM module loads once per context; later paths cannot apply.
  wasmPaths = paths;
}

/** Runs `fn` while collecting tfjs's console warnings (its only report of a failed backend init). */
async function captureWarnings<T>(fn: () => Promise<T>): Promise<{ value: T; warnings: string[] }> {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map(String).join(' '));
  };
  try {
    return { value: await fn(), warnings };
  } finally {
    console.warn = original;
  }
}

async function selectBackend(preferred: TfBackendName): Promise<TfInit> {
  if (preferred === 'wasm') {
    let reason: string | undefined;
    try {
      if (!wasmPathsApplied && wasmPaths !== undefined) {
        setWasmPaths(wasmPaths);
      }
      wasmPathsApplied = true;
      const { value: ok, warnings } = await captureWarnings(() => tf.setBackend('wasm'));
      if (ok) {
        for (const w of warnings) console.warn(w); // Nothing captured on success is hidden.
        await tf.ready();
        return { backend: tf.getBackend() };
      }
      // tfjs logs "Initialization of backend wasm failed" and then the error itself.
      // Emscripten repeats the cause in later warnings; the first one names it.
      reason = warnings.find((w) => !w.startsWith('Initialization of backend')) ?? 'tf.setBackend("wasm") returned false';
    } catch (err) {
      reason = err instanceof Error ? err.message : String(err);
    }
    const ok = await tf.setBackend('cpu');
    if (!ok) throw new Error(`tfjs: neither wasm (${reason}) nor cpu could initialise`);
    await tf.ready();
    return { backend: tf.getBackend(), fallbackReason: `wasm unavailable: ${reason}` };
  }
  const ok = await tf.setBackend('cpu');
  if (!ok) throw new Error('tfjs: the cpu backend could not initialise');
  await tf.ready();
  return { backend: tf.getBackend() };
}

/**
 * Chooses the tfjs backend for this context (idempotent). Repeated calls with the same (or no)
 * preference return the first result; a different preference switches the global backend
 * (benchmarks and tests compare backends in one process).
 */
export function initTf(preferred?: TfBackendName, options: { wasmPaths?: WasmPaths } = {}): Promise<TfInit> {
  if (options.wasmPaths !== undefined) setTfWasmPaths(options.wasmPaths);
  if (pending && (preferred === undefined || preferred === pending.preferred)) return pending.result;
  const choice = preferred ?? 'wasm';
  const result = selectBackend(choice);
  pending = { preferred: choice, result };
  // A failed init must not poison later attempts.
  result.catch(() => {
    if (pending?.result === result) pending = undefined;
  });
  return result;
}

/** The backend chosen so far, if `initTf` has completed (for run records). */
export async function tfBackend(): Promise<TfInit | undefined> {
  return pending ? pending.result : undefined;
}

// ---------------------------------------------------------------------------------------------
// Seeding: tfjs's own random ops take an integer seed; every one of them is derived from a Stream.

/** A 31-bit integer seed for tfjs's seeded ops and initialisers, drawn from `rng`. */
export function tfSeed(rng: Stream): number {
  return rng.int(1, 0x7fffffff);
}

/** Kinds of seeded initialisers the learners use. */
export type InitKind = 'glorotUniform' | 'heUniform' | 'zeros';

/**
 * A seeded tfjs initialiser. `scale` multiplies the variance (e.g. 0.01² for a policy's last
 * layer, so initial actions sit near the centre of the box).
 */
export function seededInitializer(kind: InitKind, rng: Stream, scale = 1): ReturnType<typeof tf.initializers.zeros> {
  if (kind === 'zeros') return tf.initializers.zeros();
  const seed = tfSeed(rng);
  if (scale === 1) return kind === 'glorotUniform' ? tf.initializers.glorotUniform({ seed }) : tf.initializers.heUniform({ seed });
  return tf.initializers.varianceScaling({
    scale: (kind === 'glorotUniform' ? 1 : 2) * scale,
    mode: kind === 'glorotUniform' ? 'fanAvg' : 'fanIn',
    distribution: 'uniform',
    seed,
  });
}

/** A seeded variable: the initialiser's tensor, owned by the returned Variable. */
export function seededVariable(kind: InitKind, shape: number[], rng: Stream, scale = 1): tf.Variable {
  // No name: tfjs variable names are global to the engine, and learners coexist.
  return tf.tidy(() => tf.variable(seededInitializer(kind, rng, scale).apply(shape, 'float32'), true));
}

/** A seeded permutation of 0..n-1 (Fisher–Yates on the Stream; never `fit`'s own shuffle). */
export function seededPermutation(n: number, rng: Stream): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = p[i] as number;
    p[i] = p[j] as number;
    p[j] = t;
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// Weights as plain data (they cross worker boundaries and go into run records).

/** Copies of the variables' values as plain Float32Arrays, keyed by the given names. */
export function snapshotVariables(vars: Readonly<Record<string, tf.Variable>>): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [name, v] of Object.entries(vars)) out[name] = Float32Array.from(v.dataSync() as Float32Array);
  return out;
}

/** Writes snapshot arrays back into the variables; sizes must match exactly. */
export function restoreVariables(vars: Readonly<Record<string, tf.Variable>>, arrays: Readonly<Record<string, ArrayLike<number> | undefined>>): void {
  for (const [name, v] of Object.entries(vars)) {
    const a = arrays[name];
    if (!a) throw new Error(`restore: missing array "${name}"`);
    if (a.length !== v.size) throw new Error(`restore: "${name}" has ${a.length} values, expected ${v.size} (shape ${JSON.stringify(v.shape)})`);
    tf.tidy(() => v.assign(tf.tensor(Float32Array.from(a), v.shape, 'float32')));
  }
}

/** Adam's hyperparameters as the learners' configs name them. */
export interface AdamConfig {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly adamEpsilon: number;
  /** Global gradient-norm clip; 0 turns clipping off. */
  readonly maxGradNorm: number;
}

/** Adam's bias-corrected step size at step `t` (1-based). */
export function adamRate(c: AdamConfig, t: number): number {
  return (c.learningRate * Math.sqrt(1 - Math.pow(c.beta2, t))) / (1 - Math.pow(c.beta1, t));
}

/**
 * One Adam update with global-norm gradient clipping on the learner's own moment variables
 * (created once, so the tensor count never grows). Call inside `tf.tidy`. `rate(key)` is the
 * bias-corrected step size for each variable (a learner may scale some, e.g. a log-std).
 */
export function clippedAdamUpdate(
  c: AdamConfig,
  keys: readonly string[],
  vars: readonly tf.Variable[],
  grads: tf.NamedTensorMap,
  moments: AdamMoments,
  rate: (key: string) => number,
): void {
  let clip = 1;
  if (c.maxGradNorm > 0) {
    const norm = Math.sqrt(tf.addN(vars.map((v) => tf.sum(tf.square(grads[v.name] as tf.Tensor)))).dataSync()[0] as number);
    if (norm > c.maxGradNorm) clip = c.maxGradNorm / norm;
  }
  keys.forEach((key, i) => {
    const v = vars[i] as tf.Variable;
    const g = clip === 1 ? (grads[v.name] as tf.Tensor) : tf.mul(grads[v.name] as tf.Tensor, clip);
    const m = moments.m[key] as tf.Variable;
    const s = moments.v[key] as tf.Variable;
    m.assign(tf.add(tf.mul(m, c.beta1), tf.mul(g, 1 - c.beta1)));
    s.assign(tf.add(tf.mul(s, c.beta2), tf.mul(tf.square(g), 1 - c.beta2)));
    v.assign(tf.sub(v, tf.div(tf.mul(m, rate(key)), tf.add(tf.sqrt(s), c.adamEpsilon))));
  });
}

/** Adam moment variables keyed like the learner's parameters. */
export interface AdamMoments {
  readonly m: Readonly<Record<string, tf.Variable>>;
  readonly v: Readonly<Record<string, tf.Variable>>;
}

/** Adds the Adam moments to a saved state's arrays as `adam.m.<key>` and `adam.v.<key>`. */
export function snapshotAdam(moments: AdamMoments, arrays: Record<string, Float32Array | Float64Array>): void {
  for (const [k, a] of Object.entries(snapshotVariables(moments.m))) arrays[`adam.m.${k}`] = a;
  for (const [k, a] of Object.entries(snapshotVariables(moments.v))) arrays[`adam.v.${k}`] = a;
}

/** Restores Adam moments saved by `snapshotAdam`. */
export function restoreAdam(moments: AdamMoments, arrays: Readonly<Record<string, ArrayLike<number> | undefined>>): void {
  restoreVariables(moments.m, Object.fromEntries(Object.keys(moments.m).map((k) => [k, arrays[`adam.m.${k}`]])));
  restoreVariables(moments.v, Object.fromEntries(Object.keys(moments.v).map((k) => [k, arrays[`adam.v.${k}`]])));
}
