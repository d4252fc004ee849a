/**
 * The attempts role of the lab worker: a few learners train on the run's train tasks under the metric the run
 * has in force (the page forwards every adoption), through the chosen feedback channel; after
 * each cycle every learner plays its greedy action on the view tasks with trajectories
 * recorded, and the page draws them. The page pulls cycles ('next'), so training runs at the
 * pace the views can show and never floods the main thread.
 *
 * Ground truth stays here (wall 1): learners get features, their actions and feedback only.
 */
import { resolveParams, WorldRuntime, type EpisodeSpec } from '../../core/runtime.ts';
import { Stream } from '../../core/rng.ts';
import { isClosedLoop, type Consequence } from '../../core/types.ts';
import { viewChannels, type WorldView } from '../../core/view.ts';
import { createChannel, parseChannelConfig, type FeedbackChannel } from '../../feedback/channels.ts';
import { measureInformation, type FeedbackEvent } from '../../feedback/information.ts';
import { createLearner } from '../../learners/registry.ts';
import type { Experience, Learner } from '../../learners/types.ts';
import { compile, metricPasses, metricToSpec, parseMetric, type Metric, type MetricSpec } from '../../metrics/index.ts';
import { parseTrainConfig, resolveMetric, trainSuite, type SuiteTask } from '../../experiments/train.ts';
import { getWorld } from '../../../worlds/index.ts';
import { initTfBrowser } from './tf-browser.ts';
import type { Attempt, AttemptsConfig, AttemptsIn, AttemptsOut } from './protocol.ts';

const post = (m: AttemptsOut, transfer: Transferable[] = []): void => (self as unknown as Worker).postMessage(m, transfer);

interface State {
  cfg: AttemptsConfig;
  world: ReturnType<typeof getWorld>;
  params: Record<string, unknown>;
  runtime: WorldRuntime;
  suite: SuiteTask[];
  viewTasks: SuiteTask[];
  channelsShown: string[];
  learners: Learner[];
  feedback: FeedbackChannel[];
  metric: Metric;
  value: (m: Record<string, number>) => number;
  cycle: number;
  episodes: number;
}

let state: State | undefined;
let busy: Promise<void> = Promise.resolve();

async function start(cfg: AttemptsConfig): Promise<void> {
  const tf = await initTfBrowser();
  const world = getWorld(cfg.world);
  if (isClosedLoop(world) || !world.view || !world.featureNames) throw new Error(`world ${cfg.world} has no one-shot view`);
  const params = resolveParams(world, cfg.params);
  const metric = cfg.metric ? parseMetric(cfg.metric, world.measurements) : resolveMetric(world, params, {});
  const trainCfg = parseTrainConfig({ world: cfg.world, learner: cfg.learner, seed: cfg.seed, trainTasks: 128 });
  const suite = trainSuite(trainCfg, world, params);
  const viewTasks = suite.slice(0, cfg.tasks);
  const views: WorldView[] = viewTasks.map((t) => {
    const resolved = t.task.overrides ? resolveParams(world, { ...params, ...t.task.overrides }) : params;
    return world.view!(resolved, t.task);
  });
  const env = { world: world.id, actionSpace: world.actionSpace(params), featureNames: world.featureNames(params) };
  const learners: Learner[] = [];
  for (let i = 0; i < cfg.learners; i++) learners.push(await createLearner(cfg.learner, env, cfg.learnerConfig, new Stream([cfg.seed, 'app-learner', i]).int(0, 2 ** 31 - 1)));
  const channelConfig = parseChannelConfig(cfg.feedback === 'scheduled' ? { kind: 'scheduled', schedule: cfg.schedule ?? 'linear' } : { kind: cfg.feedback });
  state = {
    cfg,
    world,
    params,
    runtime: new WorldRuntime(world),
    suite,
    viewTasks,
    channelsShown: [...new Set(views.flatMap(viewChannels))],
    learners,
    feedback: learners.map(() => createChannel(channelConfig)),
    metric,
    value: compile(metric.ast),
    cycle: 0,
    episodes: 0,
  };
  post({ type: 'ready', views, backend: tf.backend, metric: metricToSpec(metric) });
}

function simulate(s: State, items: EpisodeSpec[], trajectory: boolean): Consequence[] {
  return s.runtime.runBatch({ world: s.world.id, params: s.params, seed: s.cfg.seed, episodes: { kind: 'explicit', items }, trajectory }).consequences;
}

/** One cycle: every learner trains `episodesPerCycle` episodes, then plays the view tasks greedily. */
function cycle(s: State): void {
  const { cfg } = s;
  const sense = { label: s.metric.expression, direction: s.metric.direction, threshold: s.metric.threshold, value: s.value };
  const progress = Math.min(1, s.cycle / Math.max(1, cfg.horizonCycles));
  const events: FeedbackEvent[] = [];
  const roundSize = 32;
  // Cycle 0 shows the untrained learners at once: something moves within a second or two.
  const train = s.cycle === 0 ? 0 : cfg.episodesPerCycle;
  s.learners.forEach((learner, i) => {
    for (let done = 0, round = 0; done < train; round++) {
      const b = Math.min(roundSize, train - done);
      const first = s.episodes + done;
      const tasks = Array.from({ length: b }, (_, j) => s.suite[(first + j + 7 * i) % s.suite.length] as SuiteTask);
      const actions = learner.act(tasks.map((t) => t.features), new Stream([cfg.seed, 'app-explore', i, s.cycle, round]), 'explore');
      // Episode numbers: learner i owns the block above i·2^36, so streams never collide.
      const cs = simulate(s, tasks.map((t, j) => ({ episode: i * 2 ** 36 + first + j, task: t.task, action: actions[j] as number[] })), false);
      const batch: Experience[] = [];
      cs.forEach((c, j) => {
        const v = s.value(c.measurements);
        if (Number.isNaN(v)) return;
        const t = tasks[j] as SuiteTask;
        const feedback = (s.feedback[i] as FeedbackChannel).feedback(v, sense, { taskKey: t.key, progress, rng: new Stream([cfg.seed, 'app-feedback', i, first + j]) });
        batch.push({ features: t.features, action: actions[j] as number[], feedback, taskKey: t.key });
        events.push({ feedback, target: c.verdicts[0]?.margin ?? 0 });
      });
      if (batch.length) learner.learn(batch, new Stream([cfg.seed, 'app-learn', i, s.cycle, round]));
      done += b;
    }
  });
  s.episodes += train;
  const attempts: Attempt[] = [];
  const transfer: Transferable[] = [];
  s.learners.forEach((learner, i) => {
    const actions = learner.act(s.viewTasks.map((t) => t.features), new Stream([cfg.seed, 'app-greedy']), 'greedy');
    const cs = simulate(s, s.viewTasks.map((t, k) => ({ episode: 2 ** 44 + k, task: t.task, action: actions[k] as number[] })), true);
    cs.forEach((c, k) => {
      const v = s.value(c.measurements);
      const tr = c.trajectory;
      const channels: Record<string, Float64Array> = {};
      for (const name of s.channelsShown) {
        const ch = tr?.channels[name];
        if (ch) {
          channels[name] = ch;
          transfer.push(ch.buffer);
        }
      }
      const t = tr?.t ?? new Float64Array(0);
      transfer.push(t.buffer);
      attempts.push({ learner: i, task: k, gtPass: c.gtPass, metricPass: !Number.isNaN(v) && metricPasses(s.metric, v), metricValue: v, t, channels });
    });
  });
  const n = attempts.length || 1;
  const msg: AttemptsOut = {
    type: 'attempts',
    cycle: s.cycle,
    episodes: s.episodes,
    attempts,
    bitsPerFeedback: events.length ? measureInformation(events).bitsPerFeedback : 0,
    gtPassRate: attempts.filter((a) => a.gtPass).length / n,
    metricPassRate: attempts.filter((a) => a.metricPass).length / n,
    mirageRate: attempts.filter((a) => a.metricPass && !a.gtPass).length / n,
    metric: s.metric.expression,
  };
  s.cycle++;
  post(msg, [...new Set(transfer)]);
}

function setMetric(spec: MetricSpec): void {
  if (!state) return;
  const metric = parseMetric(spec, state.world.measurements);
  state.metric = metric;
  state.value = compile(metric.ast);
  // A new metric: hot/cold's memory of earlier rewards no longer compares like with like.
  for (const f of state.feedback) f.reset();
}

/** The attempts role's message handler (installed by lab.worker.ts). */
export function onAttemptsMessage(ev: MessageEvent<AttemptsIn>): void {
  const m = ev.data;
  // One message at a time, in order: 'next' waits for 'start' to finish.
  busy = busy
    .then(async () => {
      if (m.type === 'start') await start(m.config);
      else if (m.type === 'metric') setMetric(m.metric);
      else if (m.type === 'next' && state) cycle(state);
    })
    .catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
}
