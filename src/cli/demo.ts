/**
 * The default scenario (`npm start` until the web app exists): the worlds, a random baseline on
 * the physics pool, and the same learner taught twice — once with graded feedback, once with
 * the binary check — so the first thing a user sees is that the kind of feedback matters.
 */
import { WORLDS, getWorld } from '../../worlds/index.ts';
import { defaultWorkerCount } from '../../workers/node-pool.ts';
import { trainInWorker } from '../../workers/learner-node.ts';
import type { TrainResult } from '../experiments/train.ts';

const BARS = '▁▂▃▄▅▆▇█';

/** A one-line chart of values in [0, 1]. */
export function sparkline(values: readonly number[]): string {
  return values.map((v) => BARS[Math.min(BARS.length - 1, Math.max(0, Math.round(v * (BARS.length - 1))))]).join('');
}

/** Runs the demo; `simulate` is the CLI's pool runner (passed in to keep one implementation). */
export async function demo(
  out: (text: string) => void,
  simulate: (opts: { world: ReturnType<typeof getWorld>; episodes: number; seed: number; workers: number; split: 'train'; params: Record<string, unknown> }) => Promise<{ workers: number; episodesPerSecond: number; gtPassRate: number; hash: string }>,
): Promise<void> {
  out('Mirage Lab — worlds registered:');
  for (const w of WORLDS) out(`  ${w.id.padEnd(14)} ${w.description}`);

  const r = await simulate({ world: getWorld('projectile'), episodes: 2000, seed: 1, workers: defaultWorkerCount(), split: 'train', params: {} });
  out(`\nprojectile: 2,000 random throws on ${r.workers} workers at ${r.episodesPerSecond} episodes/s`);
  out(`random throws rest in the zone ${(100 * r.gtPassRate).toFixed(1)}% of the time — the baseline a learner must beat.`);
  out(`digest ${r.hash.slice(0, 16)}… (the same with any number of workers)`);

  out('\nThe same learner (gaussian-policy), 3,000 throws, two kinds of feedback on restError:');
  const base = { world: 'projectile', learner: 'gaussian-policy', episodes: 3000, seed: 1, evalPoints: 15 };
  // Two learner workers at once: one per core.
  const [graded, binary] = await Promise.all([trainInWorker({ ...base, feedback: 'graded' }), trainInWorker({ ...base, feedback: 'binary' })]);
  const row = (label: string, t: TrainResult): string => {
    const bits = t.curve.reduce((a, p) => a + p.bitsPerFeedback, 0) / t.curve.length;
    return `  ${label.padEnd(8)} ${sparkline(t.curve.map((p) => p.gtPassRate))}  ground truth ${(100 * t.final.gtPassRate).toFixed(0)}%  (${bits.toFixed(2)} bits per feedback)`;
  };
  out(row('graded', graded));
  out(row('binary', binary));
  out('  Graded feedback says how far off a throw was; the binary check only says hit or miss.');
  out('\nNext: mirage-lab list · mirage-lab train --world projectile --learner physics-prior · mirage-lab check-world --all');
}
