/**
 * The run role of the lab worker: one registered experiment (src/experiments/registry.ts) run
 * through the run layer exactly as `mirage-lab run` runs it (same config schema, same runner,
 * same record lines, physics in process on this worker). The record stays here until the page
 * asks for it (export); chart events go straight to the chart worker; the page gets only what
 * it shows: the generation, the lineage, the population's attempts for the views.
 */
import type { BatchRunner } from '../../core/checkWorld.ts';
import type { AnyExperiment, ExperimentEvent } from '../../experiments/types.ts';
import { getExperiment, parseExperimentConfig } from '../../experiments/registry.ts';
import { decodeNonFinite, type DecisionRecord, type EvolveCheckpoint } from '../../experiments/evolve.ts';
import { inProcessRunner } from '../../runs/in-process.ts';
import { makeProvenance } from '../../runs/provenance.ts';
import { configHash } from '../../runs/record.ts';
import { startRun } from '../../runs/runner.ts';
import type { RecordSink } from '../../runs/sink.ts';
import { initTfBrowser } from './tf-browser.ts';
import { MemberViews } from './member-views.ts';
import type { Attempt, ChartFeed, LineageItem, RunIn, RunOut, RunStart } from './protocol.ts';

const post = (m: RunOut, transfer: Transferable[] = []): void => (self as unknown as Worker).postMessage(m, transfer);

/** The record lines, as the CLI's file sink would hold them. */
const lines: string[] = [];
const sink: RecordSink = {
  append: (text) => void lines.push(text),
  sync: () => undefined,
  close: () => undefined,
};

/** While true the run waits after its current batch (a lesson's prediction has the machine). */
let held = false;
let release: (() => void)[] = [];

/**
 * In-process physics that lets the worker's event loop run after every batch: without it a run
 * is one long chain of microtasks and the page's messages (export, crash, hold) wait for its end.
 * A held run waits here, between batches. The results are the in-process runner's, unchanged.
 */
function yieldingRunner(inner: BatchRunner): BatchRunner {
  const channel = new MessageChannel();
  const waiting: (() => void)[] = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  const macrotask = (): Promise<void> =>
    new Promise((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(0);
    });
  return {
    async runBatch(req) {
      const r = await inner.runBatch(req);
      await macrotask();
      while (held) await new Promise<void>((resolve) => release.push(resolve));
      return r;
    },
    close: () => inner.close(),
  };
}

function lineageItem(e: Extract<ExperimentEvent, { type: 'decision' }>): LineageItem {
  const d = (e.data ?? {}) as Partial<DecisionRecord>;
  return {
    generation: e.generation ?? 0,
    proposal: e.proposal,
    parent: e.parent ?? null,
    verdict: e.adopted ? 'adopted' : d.outcome === 'undecided' ? 'no-evidence' : 'rejected',
    kind: d.kind ?? 'proposal',
    operator: d.operator ?? '',
    reason: e.reason,
  };
}

async function start(m: RunStart): Promise<void> {
  const experiment: AnyExperiment = getExperiment(m.experiment);
  const config = parseExperimentConfig(experiment, m.config);
  const tf = experiment.needsTf || experiment.learnerJobs ? await initTfBrowser() : null;
  const backend = tf?.backend ?? 'none';
  const provenance = makeProvenance({ ...__MIRAGE_BUILD__, runtime: `browser ${self.navigator.userAgent}`, backend });
  const feed = (f: ChartFeed): void => m.charts?.postMessage(f);
  feed({ source: m.source, reset: true, meta: { experiment: experiment.id, config } });
  post({ type: 'started', backend, configHash: configHash(config), config });

  const views = m.experiment === 'evolve' && m.viewTasks ? new MemberViews(config as never, m.viewTasks) : null;
  if (views) {
    post({ type: 'views', views: views.views, rows: Number(config.population) });
    // The untrained population at once: something moves before the first generation is done.
    const c = config as { learnerConfig?: Record<string, unknown>; metric?: { expression: string; direction?: 'lower' | 'higher'; threshold: number } };
    const spec = c.metric?.direction ? { expression: c.metric.expression, direction: c.metric.direction, threshold: c.metric.threshold } : undefined;
    const first = await views.start(c.learnerConfig ?? {}, spec);
    postAttempts(-1, first);
    feed({ source: m.source, events: attemptRates(first, 0) });
  }
  // Chart events wait for the end of the generation they belong to: one message per generation.
  let pending: ExperimentEvent[] = [];
  let lineage: LineageItem[] = [];
  let generation = -1;
  let metric = '';
  const total = Number(config.generations ?? 0);
  // Views are drawn one generation behind the run at most: a slow view never holds the run up.
  let drawing: Promise<void> = Promise.resolve();
  let drawingBusy = false;

  const onEvent = (e: ExperimentEvent): void => {
    if (e.type === 'progress' || e.type === 'started') return;
    if (e.type === 'checkpoint') {
      post({ type: 'generation', index: generation, total, metric, lineage });
      lineage = [];
      feed({ source: m.source, events: pending });
      pending = [];
      if (views && !drawingBusy) {
        drawingBusy = true;
        const cp = decodeNonFinite(e.state) as EvolveCheckpoint;
        const gen = generation;
        drawing = drawing
          .then(() => views.attempts(cp))
          .then((attempts) => {
            postAttempts(gen, attempts);
            feed({ source: m.source, events: attemptRates(attempts, gen + 1) });
          })
          .finally(() => (drawingBusy = false));
      }
      return;
    }
    if (e.type === 'generation') {
      generation = e.index;
      metric = String((e.data as { metric?: unknown }).metric ?? '');
    } else if (e.type === 'decision') lineage.push(lineageItem(e));
    pending.push(e);
    // Experiments that never checkpoint (train) stream their points as they come.
    if (e.type === 'point' && m.experiment !== 'evolve') {
      feed({ source: m.source, events: pending });
      pending = [];
      post({ type: 'point', chart: e.chart, x: e.x });
    } else if (e.type === 'finished') {
      feed({ source: m.source, events: pending });
      pending = [];
    }
  };

  const outcome = await startRun({
    experiment,
    config,
    provenance,
    shard: null,
    sink,
    batch: yieldingRunner(inProcessRunner()),
    workers: 1,
    signal: new AbortController().signal,
    now: () => new Date().toISOString(),
    onEvent,
  });
  await drawing;
  let key = '';
  try {
    key = experiment.keyResult?.(outcome.results) ?? '';
  } catch {
    key = '';
  }
  post({ type: 'finished', key, contentHash: outcome.contentHash });
}

/** The shown attempts' shares (GT pass, metric pass, mirage) as points at `x` generations trained. */
function attemptRates(attempts: readonly Attempt[], x: number): ExperimentEvent[] {
  const n = attempts.length || 1;
  const rates = { gt: attempts.filter((a) => a.gtPass).length / n, metric: attempts.filter((a) => a.metricPass).length / n, mirage: attempts.filter((a) => a.metricPass && !a.gtPass).length / n };
  return Object.entries(rates).map(([series, y]) => ({ type: 'point', chart: 'attempts', series, x, y }));
}

function postAttempts(generation: number, attempts: Attempt[]): void {
  const transfer = new Set<ArrayBuffer>();
  for (const a of attempts) {
    transfer.add(a.t.buffer as ArrayBuffer);
    for (const ch of Object.values(a.channels)) transfer.add(ch.buffer as ArrayBuffer);
  }
  post({ type: 'attempts', generation, attempts }, [...transfer]);
}

/** The run role's message handler (installed by lab.worker.ts). */
export function onRunMessage(ev: MessageEvent<RunIn>): void {
  const m = ev.data;
  if (m.type === 'export') {
    post({ type: 'record', text: lines.join('') });
    return;
  }
  if (m.type === 'hold') {
    held = m.held;
    if (!held) {
      const waiting = release;
      release = [];
      for (const r of waiting) r();
    }
    return;
  }
  if (m.type === 'crash') {
    setTimeout(() => {
      throw new Error('crash requested by the page (supervision test)');
    });
    return;
  }
  start(m).catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
}
