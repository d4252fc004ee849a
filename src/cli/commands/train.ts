/** `mirage-lab train`: one learner on one world through one feedback channel; its episodes run on the physics pool. */
import { z } from 'zod';
import { paramRanges } from '../../core/checkWorld.ts';
import { InputError } from '../../core/runtime.ts';
import { getWorld, WORLDS } from '../../../worlds/index.ts';
import { runTraining, trainConfigSchema, validateTrainConfig } from '../../experiments/train.ts';
import { CHANNEL_KINDS, SCHEDULES } from '../../feedback/channels.ts';
import { getLearnerFamily, LEARNER_IDS } from '../../learners/registry.ts';
import { initTfNode } from '../../learners/tf-node.ts';
import { inProcessRunner, lazyRunner } from '../../runs/in-process.ts';
import { createNodePool, defaultWorkerCount } from '../../../workers/node-pool.ts';
import { poolBatchRunner } from '../../../workers/pool.ts';
import { parseOption, parseSets, validateSets, wholeNumber } from '../input.ts';
import { schemaOption } from '../schema-options.ts';
import { collect, progressBar } from '../shared.ts';
import type { CliCommand } from '../command.ts';

const opt = {
  world: schemaOption(trainConfigSchema, 'world', { arg: 'id', choices: WORLDS.map((w) => w.id), required: true }),
  learner: schemaOption(trainConfigSchema, 'learner', { arg: 'id', choices: LEARNER_IDS, required: true }),
  feedback: schemaOption(trainConfigSchema, 'feedback', { arg: 'channel', description: 'feedback channel', choices: CHANNEL_KINDS }),
  metric: schemaOption(trainConfigSchema, 'metric', { arg: 'expression' }),
  direction: schemaOption(trainConfigSchema, 'direction', { arg: 'dir' }),
  threshold: schemaOption(trainConfigSchema, 'threshold', { arg: 'x' }),
  schedule: schemaOption(trainConfigSchema, 'schedule', { arg: 'name', description: 'schedule (with --feedback scheduled)', choices: SCHEDULES }),
  episodes: schemaOption(trainConfigSchema, 'episodes', { arg: 'n' }),
  seed: schemaOption(trainConfigSchema, 'seed', { arg: 's', description: 'run seed' }),
};

/** `--vary gravity=6:14` pairs → `{ gravity: [6, 14] }` (the world's schema checks names and ranges later). */
function parseVary(pairs: readonly string[]): Record<string, [number, number]> {
  const out = Object.create(null) as Record<string, [number, number]>;
  for (const pair of pairs) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=([-+]?[\d.]+(?:e[-+]?\d+)?):([-+]?[\d.]+(?:e[-+]?\d+)?)$/i.exec(pair.trim());
    const lo = m ? Number(m[2]) : NaN;
    const hi = m ? Number(m[3]) : NaN;
    if (!m || !Number.isFinite(lo) || !Number.isFinite(hi)) throw new InputError('--vary', pair, 'param=lo:hi with numbers (e.g. gravity=6:14)');
    if (Object.prototype.hasOwnProperty.call(out, m[1] as string)) throw new InputError('--vary', pair, 'each parameter once');
    out[m[1] as string] = [lo, hi];
  }
  return out;
}

export const train: CliCommand = {
  name: 'train',
  register: (program, { io }) => {
    const cmd = program.command('train').description('Train a learner on a world through one feedback channel; prints the learning curve.');
    for (const o of Object.values(opt)) cmd.addOption(o.option);
    cmd
      .option('--set <key=value>', 'a world parameter or a learner hyperparameter (repeatable)', collect, [])
      .option('--probe [n]', "after training, score the learner on n of the world's probe tasks (held-out and shifted; default 128)")
      .option('--vary <param=lo:hi>', 'draw a world parameter per train task uniformly in [lo, hi] (repeatable; e.g. gravity=6:14)', collect, [])
      .option('--workers <w>', 'physics worker threads (0: play the episodes on this thread; default one per core)')
      .option('--json', 'print one JSON object')
      .action(async (o: { world: string; learner: string; feedback: string; metric?: string; direction?: string; threshold?: string; schedule?: string; episodes: string; seed: string; set: string[]; probe?: string | boolean; vary: string[]; workers?: string; json?: boolean }) => {
        const world = getWorld(o.world);
        const family = getLearnerFamily(o.learner);
        // --set routes each key to the world's parameters or the learner's hyperparameters.
        const sets = parseSets(o.set);
        const worldKeys = new Set(Object.keys(paramRanges(world)));
        const learnerKeys = new Set(Object.keys((z.toJSONSchema(family.configSchema, { io: 'input', unrepresentable: 'any' }) as { properties?: object }).properties ?? {}));
        const params: Record<string, unknown> = {};
        const learnerConfig: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(sets)) {
          if (worldKeys.has(k)) params[k] = v;
          else if (learnerKeys.has(k)) learnerConfig[k] = v;
          else throw new InputError('--set', k, `a parameter of ${world.id} (${[...worldKeys].join(', ')}) or of ${family.id} (${[...learnerKeys].join(', ')})`);
        }
        const threshold = o.threshold === undefined ? undefined : opt.threshold.parse(o.threshold);
        const config = {
          world: o.world,
          learner: o.learner,
          feedback: opt.feedback.parse(o.feedback),
          ...(o.metric !== undefined ? { metric: o.metric } : {}),
          ...(o.direction !== undefined ? { direction: opt.direction.parse(o.direction) } : {}),
          ...(threshold !== undefined ? { threshold } : {}),
          ...(o.schedule !== undefined ? { schedule: opt.schedule.parse(o.schedule) } : {}),
          episodes: opt.episodes.parse(o.episodes),
          seed: opt.seed.parse(o.seed),
          params: validateSets(world.params, params),
          learnerConfig,
          ...(o.vary.length ? { vary: parseVary(o.vary) } : {}),
          ...(o.probe !== undefined ? { probeTasks: o.probe === true ? 128 : parseOption('--probe', wholeNumber('--probe', 1, 10_000), o.probe) } : {}),
        };
        validateTrainConfig(config);
        const workers = o.workers === undefined ? defaultWorkerCount() : parseOption('--workers', wholeNumber('--workers', 0, 64), o.workers);
        await initTfNode();
        // The learner trains here; its episodes go to the physics pool (results identical in process).
        const physics = workers === 0 ? inProcessRunner() : lazyRunner(async () => poolBatchRunner(await createNodePool(workers)));
        const bar = progressBar(o.json ? { ...io, progress: false } : io, `${o.learner} on ${o.world}`);
        if (!o.json) io.out(`episodes   gtPassRate   metric        bits/feedback`);
        let r;
        try {
          r = await runTraining(
            config,
            (p, total) => {
              bar.update(p.episodes, total);
              if (!o.json) io.out(`${String(p.episodes).padStart(8)}   ${p.gtPassRate.toFixed(3).padStart(10)}   ${p.metric.toPrecision(5).padStart(11)}   ${p.bitsPerFeedback.toFixed(3).padStart(13)}`);
            },
            physics,
          );
        } finally {
          await physics.close();
        }
        bar.stop();
        if (o.json) {
          const { world: w, learner, feedback, seed, curve, final, ...rest } = r;
          return io.out(JSON.stringify({ world: w, learner, feedback, seed, curve, final, ...rest }));
        }
        io.out(`final: ground-truth pass rate ${r.final.gtPassRate.toFixed(3)}, metric ${r.metric.expression} = ${r.final.metric.toPrecision(5)} (backend ${r.backend})`);
        if (r.probe) {
          const p = r.probe.report;
          const rate = (s: { passRate: number | null; n: number }): string => (s.passRate === null ? '—' : `${s.passRate.toFixed(3)} (n ${s.n})`);
          io.out(`probe: ground-truth pass rate ${rate(p)}; shifted tasks ${p.groups ? rate(p.groups.shifted) : '—'}, unshifted ${p.groups ? rate(p.groups.unshifted) : '—'}; shift gap (train − probe) ${r.probe.shiftGap === null ? '—' : r.probe.shiftGap.toFixed(3)}`);
        }
      });
  },
};
