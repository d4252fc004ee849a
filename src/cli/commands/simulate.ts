/** `mirage-lab simulate`: random actions on a world, on the physics pool; prints a digest. */
import { simulate, simulateConfigSchema, type SimulateOptions } from '../../core/simulate.ts';
import { WORLDS } from '../../../worlds/index.ts';
import { createNodePool } from '../../../workers/node-pool.ts';
import { parseSets, validateSets } from '../input.ts';
import { schemaOption } from '../schema-options.ts';
import { collect, loadScenario, parseWorkers, progressBar, resolveWorldOption, workersOption } from '../shared.ts';
import type { CliCommand } from '../command.ts';

/** The simulate summary as the CLI prints it: the core's, with workers and throughput. */
export interface SimulateReport {
  world: string;
  episodes: number;
  seed: number;
  workers: number;
  hash: string;
  episodesPerSecond: number;
  gtPassRate: number;
}

/** Runs `simulate` (src/core/simulate.ts) on a Node pool of `workers`, timing it (wall clock, the pool's start-up excluded). */
export async function simulateOnNodePool(opts: SimulateOptions & { workers: number }): Promise<SimulateReport> {
  const { workers, ...rest } = opts;
  const pool = await createNodePool(workers);
  try {
    const t0 = performance.now();
    const r = await simulate(rest, pool);
    const seconds = (performance.now() - t0) / 1000;
    return { world: r.world, episodes: r.episodes, seed: r.seed, workers, hash: r.hash, episodesPerSecond: Math.round(r.episodes / seconds), gtPassRate: r.gtPassRate };
  } finally {
    await pool.close();
  }
}

const world = schemaOption(simulateConfigSchema, 'world', { arg: 'id', choices: WORLDS.map((w) => w.id) });
const episodes = schemaOption(simulateConfigSchema, 'episodes', { arg: 'n' });
const seed = schemaOption(simulateConfigSchema, 'seed', { arg: 's' });
const split = schemaOption(simulateConfigSchema, 'split');

export const simulateCommand: CliCommand = {
  name: 'simulate',
  register: (program, { io }) => {
    program
      .command('simulate')
      .description('Simulate random actions on a world; prints a digest over all consequences.')
      .addOption(world.option)
      .option('--scenario <file>', 'a scenario JSON file: world, parameters and fixed tasks (see scenarios/)')
      .addOption(episodes.option)
      .addOption(seed.option)
      .addOption(workersOption())
      .addOption(split.option)
      .option('--set <param=value>', 'override a world parameter (repeatable)', collect, [])
      .option('--json', 'print one JSON object')
      .action(async (o: { world?: string; scenario?: string; episodes: string; seed: string; workers?: string; split: string; set: string[]; json?: boolean }) => {
        const scenario = o.scenario === undefined ? undefined : loadScenario(o.scenario);
        const w = resolveWorldOption(o.world, scenario);
        // --set applies on top of the scenario's parameters.
        const params = validateSets(w.params, { ...(scenario?.params ?? {}), ...parseSets(o.set) });
        const config = { episodes: episodes.parse(o.episodes), seed: seed.parse(o.seed), split: split.parse(o.split) };
        const workers = parseWorkers(o.workers);
        const bar = progressBar(o.json ? { ...io, progress: false } : io, w.id);
        const r = await simulateOnNodePool({ world: w, ...config, workers, params, ...(scenario?.tasks ? { tasks: scenario.tasks } : {}), onProgress: bar.update });
        bar.stop();
        if (o.json) return io.out(JSON.stringify(r));
        io.out(`${r.world}: ${r.episodes} episodes (seed ${r.seed}, ${r.workers} workers) at ${r.episodesPerSecond} episodes/s`);
        io.out(`ground-truth pass rate ${(100 * r.gtPassRate).toFixed(1)}%   hash ${r.hash}`);
      });
  },
};
