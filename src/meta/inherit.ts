/**
 * Weight inheritance across a capacity change: PBT's "copy a strong member, then perturb" when
 * the perturbation changes the shape of the weights.
 *
 * For `gaussian-policy` the hidden width can change without starting over, Net2Net style
 * (Chen, Goodfellow, Shlens 2016):
 * - widening keeps every old unit and adds new ones whose *outgoing* weights are zero (so the
 *   network computes exactly the same function) and whose incoming weights are small seeded
 *   draws (so their outgoing weights get a gradient and the units come alive);
 * - narrowing keeps, layer by layer, the units with the largest outgoing weight norm (the
 *   function changes a little; the strongest features survive).
 * Adam's moments follow the same reshaping (zeros for new entries). Other families, and
 * anything unexpected in the state, return null: the runner then restarts the member.
 *
 * The state layout read here is gaussian-policy's `save()` format: `layer{l}.w` of shape
 * [fanIn, fanOut] (row-major), `layer{l}.b`, `logStd`, `adam.m.*`, `adam.v.*`, feature stats.
 */
import type { Stream } from '../core/rng.ts';
import type { LearnerState } from '../learners/types.ts';

/** Std of the incoming weights of a new hidden unit (small: the unit starts near silent). */
const NEW_UNIT_STD = 0.05;

type Arrays = Record<string, Float32Array | Float64Array>;

function get(arrays: Arrays, key: string, size: number): Float32Array | null {
  const a = arrays[key];
  return a && a.length === size ? Float32Array.from(a) : null;
}

/** Copies a [rows, cols] matrix into [rows', cols'] choosing old rows/columns by index lists (−1 = new). */
function remap(src: Float32Array, cols: number, rowMap: readonly number[], colMap: readonly number[], fresh: (r: number, c: number) => number): Float32Array {
  const out = new Float32Array(rowMap.length * colMap.length);
  rowMap.forEach((ri, r) =>
    colMap.forEach((ci, c) => {
      out[r * colMap.length + c] = ri >= 0 && ci >= 0 ? (src[ri * cols + ci] as number) : fresh(r, c);
    }),
  );
  return out;
}

/** A gaussian-policy state reshaped to `width` hidden units per layer, or null if the state is not one. */
export function resizeGaussianPolicyState(state: LearnerState, width: number, rng: Stream): LearnerState | null {
  const cfg = state.config as { width?: unknown; depth?: unknown };
  const oldWidth = cfg.width;
  const depth = cfg.depth;
  if (state.family !== 'gaussian-policy' || typeof oldWidth !== 'number' || typeof depth !== 'number' || !Number.isInteger(width) || width < 1) return null;
  const nIn = state.arrays.featureMean?.length;
  const nOut = state.arrays[`layer${depth}.b`]?.length;
  if (nIn === undefined || nOut === undefined) return null;
  const arrays: Arrays = { ...state.arrays };
  const fanIn = (l: number, w: number): number => (l === 0 ? nIn : w);
  const fanOut = (l: number, w: number): number => (l === depth ? nOut : w);
  // Which old unit each new unit of each hidden layer is (−1: a new unit).
  const keep: number[][] = [];
  for (let l = 0; l < depth; l++) {
    let units: number[];
    if (width >= oldWidth) units = Array.from({ length: width }, (_, j) => (j < oldWidth ? j : -1));
    else {
      const next = get(state.arrays, `layer${l + 1}.w`, oldWidth * fanOut(l + 1, oldWidth));
      if (!next) return null;
      const cols = fanOut(l + 1, oldWidth);
      const norm = (j: number): number => {
        let s = 0;
        for (let c = 0; c < cols; c++) s += (next[j * cols + c] as number) ** 2;
        return s;
      };
      units = Array.from({ length: oldWidth }, (_, j) => j)
        .sort((a, b) => norm(b) - norm(a) || a - b)
        .slice(0, width)
        .sort((a, b) => a - b);
    }
    keep.push(units);
  }
  const identity = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
  for (let l = 0; l <= depth; l++) {
    const rowsOld = fanIn(l, oldWidth);
    const colsOld = fanOut(l, oldWidth);
    const rowMap = l === 0 ? identity(nIn) : (keep[l - 1] as number[]);
    const colMap = l === depth ? identity(nOut) : (keep[l] as number[]);
    for (const prefix of ['', 'adam.m.', 'adam.v.']) {
      const w = get(state.arrays, `${prefix}layer${l}.w`, rowsOld * colsOld);
      const b = get(state.arrays, `${prefix}layer${l}.b`, colsOld);
      if (!w || !b) return null;
      // New incoming weights of new units are small draws (parameters only); everything else new is 0.
      const fresh = (r: number, c: number): number => (prefix === '' && l < depth && (colMap[c] as number) < 0 && (rowMap[r] as number) >= 0 ? NEW_UNIT_STD * rng.normal() : 0);
      arrays[`${prefix}layer${l}.w`] = remap(w, colsOld, rowMap, colMap, fresh);
      arrays[`${prefix}layer${l}.b`] = remap(b, colsOld, [0], colMap, () => 0);
    }
  }
  return { ...state, config: { ...state.config, width }, arrays };
}

/**
 * The state a learner of `config` can start from when it copies `state` (PBT exploit): the
 * state itself when the shapes agree, a reshaped one when the family supports it, else null.
 */
export function inheritState(state: LearnerState, config: Readonly<Record<string, unknown>>, rng: Stream): LearnerState | null {
  const shapeKeys = state.family === 'gaussian-policy' ? ['width', 'depth'] : state.family === 'cem' ? [] : [];
  const changed = shapeKeys.filter((k) => state.config[k] !== config[k]);
  if (changed.length === 0) return { ...state, config: { ...config } };
  if (state.family === 'gaussian-policy' && changed.length === 1 && changed[0] === 'width') {
    const resized = resizeGaussianPolicyState(state, config.width as number, rng);
    return resized ? { ...resized, config: { ...config } } : null;
  }
  return null;
}
