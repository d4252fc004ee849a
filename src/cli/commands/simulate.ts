/** `mirage-lab simulate`: random actions on a world, on the physics pool; prints a digest. */
import { ConsequenceDigest } from '../../core/digest.ts';
import { randomAction, resolveParams, type BatchRequest } from '../../core/runtime.ts';
import { isClosedLoop, type AnyWorld, type Split, type TaskBase } from '../../core/types.ts';
import { createNodePool, defaultWorkerCount } from '../../../workers/node-pool.ts';
import { parseOption, parseSets, splitSchema, validateSets, wholeNumber } from '../input.ts';
import { collect, loadScenario, progressBar, resolveWorldOption } from '../shared.ts';
import { Option } from 'commander';
import type { CliCommand } from '../command.ts';

/** Runs random episodes on the pool and returns the simulate summary. */
export async function simulate(opts: { world: AnyWorld; episodes: number; seed: number; workers: number; split: Split; params: Record<string, unknown>; tasks?: readonly TaskBase[]; onProgress?: (done: number, total: number) => void }) {
  // A scenario's fixed tasks are played in turn, with the same seeded random actions as random mode.
  const episodes: BatchRequest['episodes'] = opts.tasks?.length
    ? {
        kind: 'explicit',
        items: Array.from({ length: opts.episodes }, (_, e) => ({
          episode: e,
          task: opts.tasks![e % opts.tasks!.length] as TaskBase,
          ...(isClosedLoop(opts.world) ? {} : { action: randomAction(opts.world, resolveParams(opts.world, opts.params), opts.seed, e) }),
        })),
      }
    : { kind: 'random', split: opts.split, start: 0, count: opts.episodes };
  const pool = await createNodePool(opts.workers);
  try {
    const t0 = performance.now();
    const r = await pool.run({ world: opts.world.id, params: opts.params, seed: opts.seed, episodes }, opts.onProgress ? { onProgress: opts.onProgress } : {});
    const seconds = (performance.now() - t0) / 1000;
    const digest = new ConsequenceDigest();
    let passes = 0;
    for (const c of r.consequences) {
      digest.add(c);
      if (c.gtPass) passes++;
    }
    return {
      world: opts.world.id,
      episodes: opts.episodes,
      seed: opts.seed,
      workers: opts.workers,
      hash: digest.hex(),
      episodesPerSecond: Math.round(opts.episodes / seconds),
      gtPassRate: passes / opts.episodes,
    };
  } finally {
    await pool.close();
  }
}

export const simulateCommand: CliCommand = {
  name: 'simulate',
  register: (program, { io }) => {
    program
      .command('simulate')
      .description('Simulate random actions on a world; prints a digest over all consequences.')
      .option('--world <id>', 'world id')
      .option('--scenario <file>', 'a scenario JSON file: world, parameters and fixed tasks (see scenarios/)')
      .option('--episodes <n>', 'number of episodes', '1000')
      .option('--seed <s>', 'run seed', '0')
      .option('--workers <w>', 'physics workers (default: one per core)')
      .addOption(new Option('--split <split>', 'task split').default('train'))
      .option('--set <param=value>', 'override a world parameter (repeatable)', collect, [])
      .option('--json', 'print one JSON object')
      .action(async (o: { world?: string; scenario?: string; episodes: string; seed: string; workers?: string; split: string; set: string[]; json?: boolean }) => {
        const scenario = o.scenario === undefined ? undefined : loadScenario(o.scenario);
        const world = resolveWorldOption(o.world, scenario);
        const episodes = parseOption('--episodes', wholeNumber('--episodes', 1, 10_000_000), o.episodes);
        const seed = parseOption('--seed', wholeNumber('--seed', 0, Number.MAX_SAFE_INTEGER), o.seed);
        const workers = o.workers === undefined ? defaultWorkerCount() : parseOption('--workers', wholeNumber('--workers', 1, 64), o.workers);
        const split = parseOption('--split', splitSchema, o.split);
        // --set applies on top of the scenario's parameters.
        const params = validateSets(world.params, { ...(scenario?.params ?? {}), ...parseSets(o.set) });
        const bar = progressBar(o.json ? { ...io, progress: false } : io, world.id);
        const r = await simulate({ world, episodes, seed, workers, split, params, ...(scenario?.tasks ? { tasks: scenario.tasks } : {}), onProgress: bar.update });
        bar.stop();
        if (o.json) return io.out(JSON.stringify(r));
        io.out(`${r.world}: ${r.episodes} episodes (seed ${r.seed}, ${r.workers} workers) at ${r.episodesPerSecond} episodes/s`);
        io.out(`ground-truth pass rate ${(100 * r.gtPassRate).toFixed(1)}%   hash ${r.hash}`);
      });
  },
};
