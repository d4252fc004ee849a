/**
 * The app page: the default run starts at once (learners throwing a ball at a middle α), the
 * views draw the learners' attempts, the charts fill. Simulation and training run in two Web
 * Workers; this thread only renders and handles input.
 */
import { buildPanel } from './panel.ts';
import { defaults, evolveConfig, FIELDS, restartNeeded, type Settings } from './settings.ts';
import { mountClassroom, pageQuery, readUrl } from './classroom/index.ts';
import { chooseRenderer, ViewGrid, type Playback } from './views.ts';
import type { AttemptsConfig, AttemptsIn, AttemptsOut, RunIn, RunOut } from './run/protocol.ts';
import type { LineChart } from './charts.ts';
import type { DecisionRecord } from '../experiments/evolve.ts';
import './style.css';

const LEARNERS = 6;
const TASKS = 6;

interface Perf {
  longTasks: { start: number; duration: number }[];
  firstFrameMs: number | null;
  firstPointMs: number | null;
  firstAttemptMs: number | null;
}
const perf: Perf = { longTasks: [], firstFrameMs: null, firstPointMs: null, firstAttemptMs: null };
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) perf.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
} catch {
  // No long-task timing in this browser: the bench reports what it can.
}

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const parsed = readUrl(location.search);
const settings: Settings = parsed.settings;
const playback: Playback = { paused: false, speed: Number(settings.speed), follow: Number(settings.follow) };
const grid = new ViewGrid(playback);
let charts: Record<string, LineChart> = {};
let runWorker: Worker | undefined;
let attemptsWorker: Worker | undefined;
let generations = 0;
/** Runs started since the page opened: a test waits for a restart by this, not by a race with the old run's state. */
let runsStarted = 0;
let runStatus = 'starting';
let metricInForce = '';
let runStartedAt = 0;
let lastRun: Settings = structuredClone(settings);

function showIgnored(ignored: string[]): void {
  const box = $('ignored');
  box.hidden = ignored.length === 0;
  box.replaceChildren();
  if (!ignored.length) return;
  const h = document.createElement('strong');
  h.textContent = 'Ignored from the link (defaults used): ';
  box.append(h);
  const ul = document.createElement('ul');
  for (const line of ignored) {
    const li = document.createElement('li');
    li.textContent = line;
    ul.append(li);
  }
  box.append(ul);
}

function setStatus(): void {
  $('status').textContent = `${runStatus} · generation ${generations}/${String(settings.generations)} · metric in force: ${metricInForce || '…'}`;
}

function writeUrl(): void {
  const q = pageQuery(settings);
  history.replaceState(null, '', `${location.pathname}${q ? `?${q}` : ''}`);
}

function addDecisions(gen: number, decisions: DecisionRecord[]): void {
  const list = $('lineage');
  for (const d of decisions) {
    const li = document.createElement('li');
    li.className = d.accepted ? 'adopted' : 'rejected';
    const head = document.createElement('span');
    head.textContent = `g${gen} ${d.accepted ? 'adopted' : 'rejected'} (${d.operator}): `;
    const code = document.createElement('code');
    code.textContent = d.metric;
    const why = document.createElement('span');
    why.className = 'reason';
    why.textContent = ` — ${d.reason}`;
    li.append(head, code, why);
    list.prepend(li);
  }
  while (list.children.length > 60) list.lastElementChild?.remove();
}

function attemptsConfig(s: Settings): AttemptsConfig {
  return {
    world: String(s.world),
    params: s.params,
    learner: String(s.learner),
    learnerConfig: { width: s.width, depth: s.depth, learningRate: 0.01 },
    feedback: String(s.feedback),
    schedule: String(s.schedule),
    metric: String(s.metric).trim() ? { expression: String(s.metric), direction: s.direction as 'lower' | 'higher', threshold: Number(s.threshold) } : null,
    seed: Number(s.seed),
    learners: LEARNERS,
    tasks: TASKS,
    episodesPerCycle: 64,
    horizonCycles: 40,
  };
}

/** Starts (or restarts) the run from its beginning with the current settings. */
function startRun(): void {
  runWorker?.terminate();
  attemptsWorker?.terminate();
  lastRun = structuredClone(settings);
  runsStarted++;
  generations = 0;
  runStatus = 'running';
  metricInForce = '';
  runStartedAt = performance.now();
  $('lineage').replaceChildren();
  for (const c of Object.values(charts)) c.clear();
  setStatus();

  const rw = new Worker(new URL('./run/lab.worker.ts', import.meta.url), { type: 'module', name: 'run' });
  runWorker = rw;
  rw.onmessage = (ev: MessageEvent<RunOut>) => {
    if (runWorker !== rw) return;
    const m = ev.data;
    if (m.type === 'generation') {
      const g = m.record;
      generations = g.gen + 1;
      crashes = 0;
      charts.scores?.addPoint(g.gen, { proxy: g.proxy, anchorGt: g.anchorGt, probeGt: g.probeGt });
      charts.gaps?.addPoint(g.gen, { shiftGap: g.shiftGap, disagreement: g.disagreement });
      notePoint();
      addDecisions(g.gen, m.decisions);
      const adopted = [...m.decisions].reverse().find((d) => d.accepted);
      if (adopted && adopted.operator !== 'revalidate') {
        metricInForce = adopted.metric;
        attemptsWorker?.postMessage({ type: 'metric', metric: { expression: adopted.metric, direction: adopted.direction, threshold: adopted.threshold } } satisfies AttemptsIn);
      } else metricInForce = g.metric;
      setStatus();
    } else if (m.type === 'finished') {
      runStatus = `finished (tfjs ${m.backend})`;
      setStatus();
    } else {
      runStatus = `run failed: ${m.message}`;
      setStatus();
    }
  };
  rw.onerror = (ev) => crashed('run', ev.message);
  rw.postMessage({ type: 'start', config: evolveConfig(settings) } satisfies RunIn);

  const aw = new Worker(new URL('./run/lab.worker.ts', import.meta.url), { type: 'module', name: 'attempts' });
  attemptsWorker = aw;
  let inflight = 0;
  const want = (): void => {
    // Keep one cycle in flight: the worker computes the next while the views show this one.
    if (inflight > 0 || attemptsWorker !== aw) return;
    inflight++;
    aw.postMessage({ type: 'next' } satisfies AttemptsIn);
  };
  grid.onWant = want;
  aw.onmessage = (ev: MessageEvent<AttemptsOut>) => {
    if (attemptsWorker !== aw) return;
    const m = ev.data;
    if (m.type === 'ready') {
      grid.setViews(m.views, LEARNERS);
      $('backend').textContent = `tfjs ${m.backend}`;
      want();
    } else if (m.type === 'attempts') {
      inflight--;
      perf.firstAttemptMs ??= performance.now();
      grid.push(m.attempts);
      charts.attempts?.addPoint(m.episodes, { gt: m.gtPassRate, metric: m.metricPassRate, mirage: m.mirageRate });
      charts.bits?.addPoint(m.episodes, { bits: m.bitsPerFeedback });
      notePoint();
    } else {
      runStatus = `views failed: ${m.message}`;
      setStatus();
    }
  };
  aw.onerror = (ev) => crashed('attempts', ev.message);
  aw.postMessage({ type: 'start', config: attemptsConfig(settings) } satisfies AttemptsIn);
}

let crashes = 0;
/**
 * A worker died: the run starts again from its beginning (results depend on settings and seed
 * alone, so it reproduces what was lost), and the page says so. Three crashes in a row stop it.
 */
function crashed(role: string, message: string): void {
  crashes++;
  const note = `the ${role} worker crashed (${message || 'no message'})`;
  if (crashes > 3) {
    runStatus = `${note}; stopped after ${crashes} crashes`;
    runWorker?.terminate();
    attemptsWorker?.terminate();
    setStatus();
    return;
  }
  startRun();
  runStatus = `${note}; replaced, run restarted (${crashes} of 3)`;
  setStatus();
}

function notePoint(): void {
  perf.firstPointMs ??= performance.now();
}

let restartTimer: ReturnType<typeof setTimeout> | undefined;
let panel: ReturnType<typeof buildPanel> | undefined;

function onChanged(key: string): void {
  playback.speed = Number(settings.speed);
  playback.follow = Number(settings.follow);
  grid.refresh();
  if (key === 'world') {
    // A new world brings its own parameters and start metric.
    const d = defaults(String(settings.world));
    for (const k of Object.keys(settings)) if (k !== 'params') delete settings[k];
    Object.assign(settings, { ...d, alpha: lastRun.alpha, seed: lastRun.seed, speed: lastRun.speed, renderer: lastRun.renderer });
    rebuildPanel();
  }
  writeUrl();
  if (!restartNeeded(lastRun, settings)) return;
  clearTimeout(restartTimer);
  restartTimer = setTimeout(startRun, 350);
}

function rebuildPanel(): void {
  panel?.dispose();
  panel = buildPanel($('panel'), settings, {
    changed: onChanged,
    pause: () => {
      playback.paused = !playback.paused;
    },
    step: () => {
      playback.paused = true;
      grid.step();
    },
    restart: startRun,
  });
}

async function main(): Promise<void> {
  showIgnored(parsed.ignored);
  const choice = chooseRenderer(String(settings.renderer));
  const name = await grid.init($('stage'), choice);
  $('renderer').textContent = `renderer: ${name === 'canvas' ? 'canvas' : name} — ${choice.reason}`;
  // The grid's frame loop renders on every animation frame it has something new: the first one is now.
  requestAnimationFrame(() => {
    perf.firstFrameMs = performance.now();
  });
  rebuildPanel();
  writeUrl();
  // Charts are loaded lazily: the views start moving before the chart code has arrived.
  const chartsLoaded = import('./charts.ts').then(({ LineChart, CHART_SPECS }) => {
    charts = Object.fromEntries(CHART_SPECS.map((spec) => [spec.id, new LineChart($('charts'), spec)]));
  });
  startRun();
  await chartsLoaded;
  document.addEventListener('keydown', (ev) => {
    if (ev.target instanceof HTMLTextAreaElement || ev.target instanceof HTMLInputElement) return;
    if (ev.key === ' ') {
      ev.preventDefault();
      playback.paused = !playback.paused;
    } else if (ev.key === 'Escape') grid.zoom(-1);
  });
}

/** What tests and the bench read (plain data only). */
const api = {
  settings: () => structuredClone(settings),
  ignored: () => [...parsed.ignored],
  query: () => pageQuery(settings),
  state: () => ({
    attemptsDrawn: grid.attemptsDrawn,
    chartPoints: Object.fromEntries(Object.entries(charts).map(([k, c]) => [k, c.points])),
    generations,
    runsStarted,
    status: runStatus,
    metricInForce,
    frames: grid.frameCount,
    renders: grid.renderCount,
    frameMs: Math.round(grid.frameMs),
    renderer: grid.app.renderer?.name ?? null,
    runMs: performance.now() - runStartedAt,
  }),
  perf: () => structuredClone(perf),
  fields: () => FIELDS.map((f) => f.key),
  /** Sets a setting as the controls would (then the run restarts if the setting shapes it). */
  set: (key: string, value: unknown) => {
    settings[key] = value;
    panel?.refresh();
    onChanged(key);
  },
  chartRows: (id: string) => charts[id]?.svgText() ?? '',
  /** Runs one `train` experiment (the CLI's config schema) in a worker of its own and returns its result. */
  train: (config: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      const w = new Worker(new URL('./run/lab.worker.ts', import.meta.url), { type: 'module', name: 'train' });
      w.onmessage = (ev: MessageEvent<{ result?: unknown; error?: string }>) => {
        w.terminate();
        if (ev.data.error !== undefined) reject(new Error(ev.data.error));
        else resolve(ev.data.result);
      };
      w.onerror = (ev) => {
        w.terminate();
        reject(new Error(ev.message));
      };
      w.postMessage({ config });
    }),
  /** The consequence digest of `simulate --json` for the same world, params, seed and episodes, on the page's physics workers. */
  digest: async (o: { world: string; params?: Record<string, unknown>; seed: number; episodes: number; split?: 'train' | 'anchor' | 'probe' }) => {
    const [{ PhysicsPool, webWorkerFactory }, { ConsequenceDigest }] = await Promise.all([import('../../workers/pool.ts'), import('../core/digest.ts')]);
    const pool = await PhysicsPool.create({ workers: 2, factory: webWorkerFactory(() => new Worker(new URL('../../workers/physics.worker.ts', import.meta.url), { type: 'module' })) });
    try {
      const r = await pool.run({ world: o.world, params: o.params ?? {}, seed: o.seed, episodes: { kind: 'random', split: o.split ?? 'train', start: 0, count: o.episodes } });
      const d = new ConsequenceDigest();
      for (const c of r.consequences) d.add(c);
      return d.hex();
    } finally {
      await pool.close();
    }
  },
};
declare global {
  interface Window {
    mirageApp?: typeof api;
    mirageAppError?: string;
  }
}
window.mirageApp = api;
mountClassroom(api);
main().catch((err: unknown) => {
  window.mirageAppError = err instanceof Error ? `${err.message}\n${err.stack}` : String(err);
  $('status').textContent = `The page failed to start: ${window.mirageAppError}`;
});
