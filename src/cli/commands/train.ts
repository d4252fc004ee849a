/** `mirage-lab train`: one learner on one world through one feedback channel, in a learner worker. */
import { z } from 'zod';
import { paramRanges } from '../../core/checkWorld.ts';
import { InputError } from '../../core/runtime.ts';
import { getWorld } from '../../../worlds/index.ts';
import { validateTrainConfig } from '../../experiments/train.ts';
import { CHANNEL_KINDS, SCHEDULES } from '../../feedback/channels.ts';
import { getLearnerFamily } from '../../learners/registry.ts';
import { trainInWorker } from '../../../workers/learner-node.ts';
import { parseOption, parseSets, validateSets, wholeNumber } from '../input.ts';
import { collect, progressBar } from '../shared.ts';
import type { CliCommand } from '../command.ts';

export const train: CliCommand = {
  name: 'train',
  register: (program, { io }) => {
    program
      .command('train')
      .description('Train a learner on a world through one feedback channel; prints the learning curve.')
      .requiredOption('--world <id>', 'world id')
      .requiredOption('--learner <id>', 'learner family id')
      .option('--feedback <channel>', 'binary | hotcold | graded | scheduled', 'graded')
      .option('--metric <expression>', "metric expression over measurements (default: the world's default metric)")
      .option('--direction <dir>', 'lower | higher (default: the default metric\'s, or the one the measurements of --metric declare; required when they declare none or disagree)')
      .option('--threshold <x>', 'pass threshold for binary feedback')
      .option('--schedule <name>', 'linear | cosine | step (with --feedback scheduled)')
      .option('--episodes <n>', 'training episodes', '5000')
      .option('--seed <s>', 'run seed', '0')
      .option('--set <key=value>', 'a world parameter or a learner hyperparameter (repeatable)', collect, [])
      .option('--json', 'print one JSON object')
      .action(async (o: { world: string; learner: string; feedback: string; metric?: string; direction?: string; threshold?: string; schedule?: string; episodes: string; seed: string; set: string[]; json?: boolean }) => {
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
        const threshold = o.threshold === undefined ? undefined : parseOption('--threshold', z.coerce.number().refine(Number.isFinite, 'a finite number'), o.threshold);
        const config = {
          world: o.world,
          learner: o.learner,
          feedback: parseOption('--feedback', z.enum(CHANNEL_KINDS), o.feedback),
          ...(o.metric !== undefined ? { metric: o.metric } : {}),
          ...(o.direction !== undefined ? { direction: parseOption('--direction', z.enum(['lower', 'higher']), o.direction) } : {}),
          ...(threshold !== undefined ? { threshold } : {}),
          ...(o.schedule !== undefined ? { schedule: parseOption('--schedule', z.enum(SCHEDULES), o.schedule) } : {}),
          episodes: parseOption('--episodes', wholeNumber('--episodes', 1, 10_000_000), o.episodes),
          seed: parseOption('--seed', wholeNumber('--seed', 0, Number.MAX_SAFE_INTEGER), o.seed),
          params: validateSets(world.params, params),
          learnerConfig,
        };
        validateTrainConfig(config);
        const bar = progressBar(o.json ? { ...io, progress: false } : io, `${o.learner} on ${o.world}`);
        if (!o.json) io.out(`episodes   gtPassRate   metric        bits/feedback`);
        const r = await trainInWorker(config, (p, total) => {
          bar.update(p.episodes, total);
          if (!o.json) io.out(`${String(p.episodes).padStart(8)}   ${p.gtPassRate.toFixed(3).padStart(10)}   ${p.metric.toPrecision(5).padStart(11)}   ${p.bitsPerFeedback.toFixed(3).padStart(13)}`);
        });
        bar.stop();
        if (o.json) {
          const { world: w, learner, feedback, seed, curve, final, ...rest } = r;
          return io.out(JSON.stringify({ world: w, learner, feedback, seed, curve, final, ...rest }));
        }
        io.out(`final: ground-truth pass rate ${r.final.gtPassRate.toFixed(3)}, metric ${r.metric.expression} = ${r.final.metric.toPrecision(5)} (backend ${r.backend})`);
      });
  },
};
