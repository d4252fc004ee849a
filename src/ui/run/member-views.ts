/**
 * The population's current attempts, for the views: after every evolve generation, each
 * member's learner (restored from the generation's checkpoint, as a resume would) plays its
 * greedy action on a few train tasks with trajectories recorded, judged by ground truth and by
 * the metric in force. Runs in the run worker; nothing here feeds back into the run (its own
 * learner copies, its own episode numbers, no shared stream).
 */
import { WorldRuntime, resolveParams } from '../../core/runtime.ts';
import { Stream } from '../../core/rng.ts';
import { viewChannels, type WorldView } from '../../core/view.ts';
import { decodeLearnerState, EVOLVE_LEARNER_DEFAULTS, type EvolveCheckpoint } from '../../experiments/evolve.ts';
import { memberSuites, seedFor, type MemberSuites } from '../../experiments/evolve-member.ts';
import type { Learner } from '../../learners/types.ts';
import type { MetricSpec } from '../../metrics/index.ts';
import { getLearnerFamily } from '../../learners/registry.ts';
import { compile, metricPasses, parseMetric } from '../../metrics/index.ts';
import type { Attempt } from './protocol.ts';

/** Episode numbers of view attempts: far above every number the run itself uses. */
const VIEW_BASE = 2 ** 47;

/** Draws the members of one evolve run. */
export class MemberViews {
  private readonly suites: MemberSuites;
  private readonly runtime: WorldRuntime;
  readonly views: WorldView[];
  private readonly tasks: MemberSuites['train'];
  private readonly channels: string[];

  constructor(private readonly config: { world: string; params: Record<string, unknown>; seed: number; learner: string; population: number; generations: number; anchorTasks: number; probeTasks: number; trainTasks: number; evalTasks: number; episodesPerGeneration: number; roundSize: number; recentEpisodes: number }, viewTasks: number) {
    this.suites = memberSuites(config);
    this.runtime = new WorldRuntime(this.suites.world);
    const world = this.suites.world;
    if (!world.view) throw new Error(`world ${world.id} has no view hook`);
    this.tasks = this.suites.train.slice(0, viewTasks);
    this.views = this.tasks.map((t) => world.view!(t.task.overrides ? resolveParams(world, { ...this.suites.params, ...t.task.overrides }) : this.suites.params, t.task));
    this.channels = [...new Set(this.views.flatMap(viewChannels))];
  }

  /** The members before any training: the fresh learners the run starts from (same family, config and seeds). */
  async start(learnerConfig: Record<string, unknown>, metric: MetricSpec | undefined): Promise<Attempt[]> {
    const family = getLearnerFamily(this.config.learner);
    const cfg = family.parseConfig({ ...(EVOLVE_LEARNER_DEFAULTS[this.config.learner] ?? {}), ...learnerConfig }) as Record<string, unknown>;
    const { world, params } = this.suites;
    const members = Array.from({ length: this.config.population }, (_, slot) => ({ slot, make: async () => family.create(this.suites.env, cfg, seedFor(this.config.seed, slot, 0)) }));
    return this.play(members, metric ?? world.defaultMetric!(params));
  }

  /** Each member's greedy attempts on the view tasks, from a checkpoint's learner states. */
  async attempts(cp: EvolveCheckpoint): Promise<Attempt[]> {
    const { world, params, env } = this.suites;
    const last = cp.generations.at(-1);
    const family = getLearnerFamily(this.config.learner);
    const members = cp.members.flatMap((m) => {
      const state = m.state;
      if (!state) return [];
      return [
        {
          slot: m.slot,
          make: async () => {
            const learner = await family.create(env, state.config, 0);
            learner.load(decodeLearnerState(state));
            return learner;
          },
        },
      ];
    });
    return this.play(members, last ? { expression: last.metric, direction: last.direction, threshold: last.threshold } : world.defaultMetric!(params));
  }

  private async play(members: { slot: number; make: () => Promise<Learner> }[], spec: MetricSpec): Promise<Attempt[]> {
    const { world, params } = this.suites;
    const metric = parseMetric(spec, world.measurements);
    const value = compile(metric.ast);
    const out: Attempt[] = [];
    for (const m of members) {
      const learner = await m.make();
      try {
        const actions = learner.act(this.tasks.map((t) => t.features), new Stream([this.config.seed, 'greedy']), 'greedy');
        const cs = this.runtime.runBatch({
          world: world.id,
          params,
          seed: this.config.seed,
          episodes: { kind: 'explicit', items: this.tasks.map((t, k) => ({ episode: VIEW_BASE + k, task: t.task, action: actions[k] as number[] })) },
          trajectory: true,
        }).consequences;
        cs.forEach((c, k) => {
          const v = value(c.measurements);
          const channels: Record<string, Float64Array> = {};
          for (const name of this.channels) {
            const ch = c.trajectory?.channels[name];
            if (ch) channels[name] = ch;
          }
          out.push({ learner: m.slot, task: k, gtPass: c.gtPass, metricPass: !Number.isNaN(v) && metricPasses(metric, v), metricValue: v, t: c.trajectory?.t ?? new Float64Array(0), channels });
        });
      } finally {
        learner.dispose();
      }
    }
    return out;
  }
}
