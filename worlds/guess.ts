/**
 * guess — "guess where I am": a hidden target among n cells, no physics. One episode is one
 * guess; the world measures how far it was. It exists to show how much each feedback channel
 * tells a learner: hit/miss needs on the order of n guesses, hot/cold about log2 n, graded
 * distance one or two (src/experiments/guessing-game.ts measures it).
 *
 * Tasks: train and anchor targets lie in the first ⌈trainFraction·n⌉ cells; half of the probe
 * tasks are held-out draws from that region, half lie beyond it (a region never trained on).
 * Each task carries an opaque `id`, independent of the target, so a per-task learner can tell
 * tasks apart from its features without being told where the target is.
 *
 * `signedOffset` is descriptive on purpose: a metric built on it would tell the learner which
 * way to move, leaking more than `distance` does.
 */
import { z } from 'zod';
import { SPLITS, type DeclaredMetric, type MeasurementSpec } from '../src/core/types.ts';
import { defineWorld } from '../src/core/world.ts';

/** Largest n (and so largest target index + 1). */
export const GUESS_MAX_N = 65536;

const params = z.strictObject({
  n: z.number().int().min(2).max(GUESS_MAX_N).default(1024).describe('Number of positions: the target and the guess are cells 0 … n−1.'),
  trainFraction: z
    .number()
    .min(0.5)
    .max(1)
    .default(0.75)
    .describe('Train and anchor targets lie in the first ⌈trainFraction·n⌉ cells; shifted probe targets lie beyond them.'),
});
type GuessParams = z.infer<typeof params>;

const task = z.strictObject({
  split: z.enum(SPLITS),
  target: z.number().int().min(0).max(GUESS_MAX_N - 1),
  id: z.number().int().min(0).max(2 ** 31 - 1),
});
/** A guess task: the hidden target cell and an opaque task id. */
export type GuessTask = z.infer<typeof task>;

const measurements = [
  { name: 'distance', doc: 'Cells between the guess and the target.', unit: 'cells', better: 'lower' },
  { name: 'relativeDistance', doc: 'distance / (n − 1): comparable across n.', unit: '1', better: 'lower' },
  { name: 'hit', doc: '1 when the guess is the target, else 0.', unit: '1', better: 'higher' },
  { name: 'signedOffset', doc: 'guess − target: its sign says which way to move (leaks direction if used as a metric).', unit: 'cells', better: 'none' },
  { name: 'guess', doc: 'The guessed cell (the action rounded half up and clamped to 0 … n−1).', unit: 'cell', better: 'none' },
] as const satisfies readonly MeasurementSpec[];


/** The default metric of the guessing game: distance, lower is better, passing only on a hit. */
export const guessDefaultMetric: DeclaredMetric = { expression: 'distance', direction: 'lower', threshold: 0 };

/** Number of cells train and anchor targets are drawn from. */
export function trainCells(p: GuessParams): number {
  return Math.max(1, Math.min(p.n, Math.ceil(p.trainFraction * p.n)));
}

/** The cell a guess action lands on: rounded half up, clamped to the board. */
export function guessCell(action: number, n: number): number {
  if (!Number.isFinite(action)) throw new RangeError(`guess: action must be finite, got ${action}`);
  return Math.min(n - 1, Math.max(0, Math.round(action)));
}

/** The guess world definition. */
export const guess = defineWorld({
  id: 'guess',
  version: 1,
  title: 'Guess where I am',
  description: 'A hidden target among n positions; each episode is one guess, measured by its distance to the target.',
  // No physics: the energy sanity check does not apply.
  physics: false,
  params,
  task,
  // The honest metric a designer would start from (its gameable neighbours are marked above).
  defaultMetric: () => ({ ...guessDefaultMetric }),
  // The designer's metric: near enough, relative to the range.
  designerMetric: () => ({ expression: 'relativeDistance', direction: 'lower', threshold: 0.01, blindSpot: 'a guess within 1 % of the range passes: near misses count as found when n > 100' }),
  actionSpace: (p) => ({ names: ['guess'], low: [0], high: [p.n - 1], units: ['cell'] }),
  measurements,
  checks: [
    {
      name: 'found',
      doc: 'The guess is the target cell (half a cell of slack: a rounded guess is either the target or a whole cell away).',
      margin: ({ measurements: m }) => 0.5 - m.distance,
    },
  ],
  featureNames: () => ['n', 'taskId'],
  taskFeatures: (t, p) => [p.n, t.id],
  sampleTask(rng, split, p) {
    const id = rng.int(0, 2 ** 31 - 1);
    const m = trainCells(p);
    const shifted = split === 'probe' && m < p.n && rng.next() < 0.5;
    const target = shifted ? rng.int(m, p.n - 1) : rng.int(0, m - 1);
    return { split, target, id };
  },
  createSimulator(p) {
    return {
      run(t, action) {
        if (t.target >= p.n) throw new RangeError(`guess: target ${t.target} is off a board of n = ${p.n}`);
        const g = guessCell(action[0] as number, p.n);
        const distance = Math.abs(g - t.target);
        return {
          steps: 1,
          terminated: true,
          truncated: false,
          measurements: { distance, relativeDistance: distance / (p.n - 1), hit: distance === 0 ? 1 : 0, signedOffset: g - t.target, guess: g },
        };
      },
    };
  },
});
