// Evolve resumes by snapshot: from the checkpoint after any generation, a resumed run yields
// exactly the events an undisturbed run yields after it, and the same results. The configs carry
// state in every part the checkpoint holds: hot/cold channels, a PBT round, the bandit proposer,
// and (second config) the quarantine's history. The gtLoss references train alongside the
// generations, so a checkpoint carries them part-trained: a resume in a fresh process (cold
// reference cache) continues them from the checkpoint's states.
import { beforeAll, describe, expect, it } from 'vitest';
import { clearReferenceCache } from '../../src/experiments/dial.ts';
import { evolveExperiment, evolveExperimentSchema, type EvolveCheckpoint } from '../../src/experiments/evolve.ts';
import { inProcessRunner } from '../../src/experiments/runner.ts';
import type { ExperimentEvent, RunContext } from '../../src/experiments/types.ts';
import { initTfNode } from '../../src/learners/tf-node.ts';

const SMALL = { world: 'projectile', alpha: 0.25, generations: 5, population: 3, episodesPerGeneration: 64, anchorTasks: 8, probeTasks: 8, trainTasks: 32, evalTasks: 8, warmup: 1, seed: 7, feedback: 'hotcold', proposer: 'bandit', pbt: { every: 2 } };

async function collect(config: unknown, restore?: unknown): Promise<ExperimentEvent[]> {
  const ctx: RunContext = { batch: inProcessRunner(), workers: 1, signal: new AbortController().signal, ...(restore === undefined ? {} : { restore }) };
  const out: ExperimentEvent[] = [];
  for await (const e of evolveExperiment.run(evolveExperimentSchema.parse(config), ctx)) out.push(e);
  return out;
}
/** Round-trips through JSON, as a record line does. */
const viaJson = (x: unknown): unknown => JSON.parse(JSON.stringify(x));

type Progress = { best: number[]; mean: number[]; slots?: unknown[] | null };
/**
 * The events with each checkpoint's reference progress cut to the generations it covers: a
 * checkpoint carries the references as far as this process has trained them (further, and without
 * slot states, when the cache already holds a finished curve), which is not a result.
 */
function comparable(events: readonly ExperimentEvent[]): unknown {
  return (viaJson(events) as ExperimentEvent[]).map((e) => {
    if (e.type !== 'checkpoint') return e;
    const state = e.state as { gen: number; references?: Record<string, Progress | null> | null };
    const refs = state.references;
    if (!refs) return e;
    const cut = (p: Progress | null): unknown => (p ? { ...p, best: p.best.slice(0, state.gen + 1), mean: p.mean.slice(0, state.gen + 1), slots: 'cut' } : null);
    return { ...e, state: { ...state, references: { groundTruth: cut(refs.groundTruth ?? null), designer: cut(refs.designer ?? null) } } };
  });
}

beforeAll(async () => {
  await initTfNode();
});

describe.each([
  ['agreement gate, hot/cold, PBT', SMALL],
  ['quarantine', { ...SMALL, safeguard: 'quarantine', alpha: 0.5 }],
])('evolve resumes from a checkpoint (%s)', (_, config) => {
  let full: ExperimentEvent[];
  beforeAll(async () => {
    clearReferenceCache();
    full = await collect(config);
  });

  it('yields a checkpoint after every generation, as plain JSON data', () => {
    const checkpoints = full.filter((e) => e.type === 'checkpoint');
    expect(checkpoints).toHaveLength(5);
    for (const c of checkpoints) expect(viaJson(c)).toEqual(c);
  });

  it.each([0, 2, 3])('after generation %i: the same events after it and the same results', async (gen) => {
    const idx = full.findIndex((e) => e.type === 'checkpoint' && (e.state as { gen: number }).gen === gen);
    expect(idx).toBeGreaterThan(0);
    const resumed = await collect(config, viaJson((full[idx] as { state: unknown }).state));
    const after = full.slice(idx + 1);
    expect(resumed[0]).toEqual({ type: 'started', unit: 'generations', total: 5 });
    expect(comparable(resumed.slice(1))).toEqual(comparable(after));
  });

  it.each([0, 3])('after generation %i with a cold reference cache (a fresh process): the same events after it', async (gen) => {
    const idx = full.findIndex((e) => e.type === 'checkpoint' && (e.state as { gen: number }).gen === gen);
    const state = viaJson((full[idx] as { state: unknown }).state) as EvolveCheckpoint;
    // The references were trained up to this generation with the run, so the checkpoint holds their states.
    expect(state.references?.groundTruth?.best).toHaveLength(gen + 1);
    expect(state.references?.groundTruth?.slots).toHaveLength(config.population);
    clearReferenceCache();
    const resumed = await collect(config, state);
    // A cold cache trains the references on from the checkpoint as the undisturbed run did: even the checkpoints are equal.
    expect(viaJson(resumed.slice(1))).toEqual(viaJson(full.slice(idx + 1)));
  });
});
