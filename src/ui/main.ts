/**
 * The app page: the default run starts at once (a population throwing a ball at a middle α),
 * the views draw the population's attempts, the charts fill. Every run is a registered
 * experiment run through the run layer in a worker (the `evolve` run, and a `train` run on the
 * multi-target world for the emergence view); the views draw in their own worker on an
 * OffscreenCanvas, the charts render in theirs. This thread only swaps in results and handles
 * input.
 */
import { buildPanel } from './panel.ts';
import { defaults, evolveConfig, FIELDS, restartNeeded, type Settings } from './settings.ts';
import { mountClassroom, pageQuery, readUrl } from './classroom/index.ts';
import { chooseRenderer, ViewHost } from './view/host.ts';
import type { Playback } from './view/protocol.ts';
import { ChartPanel, download } from './charts/panel.ts';
import type { LineageItem, RunIn, RunOut } from './run/protocol.ts';
import './style.css';

/** Columns of the view grid (train tasks); rows are the population's members. */
const VIEW_TASKS = 6;
/** Targets of the emergence view's multi-target world (p^k). */
const EMERGENCE_K = 4;
const CHART_ORDER = ['groundTruth', 'dial', 'disagreement', 'attempts', 'emergence', 'bits'];
const EVOLVE_CHARTS = ['groundTruth', 'dial', 'disagreement', 'attempts'];
const EMERGENCE_CHARTS = ['emergence', 'bits'];

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
const grid = new ViewHost($('stage'), playback);
const charts = new ChartPanel($('charts'), CHART_ORDER);
let rendererName: string | null = null;
let generations = 0;
/** Runs started since the page opened: a test waits for a restart by this, not by a race with the old run's state. */
let runsStarted = 0;
let runStatus = 'starting';
let metricInForce = '';
let runStartedAt = 0;
let lastRun: Settings = structuredClone(settings);
/** The page's runs wait between batches while a lesson's prediction runs (classroom `hold`). */
let held = false;
const verdicts = { adopted: 0, rejected: 0, 'no-evidence': 0 };
/** Worker replacements after crashes, per role (shown in the status line). */
const notes: string[] = [];

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
  $('status').textContent = `${runStatus}${held ? ' (waiting while the prediction runs)' : ''} · generation ${generations}/${String(settings.generations)} · metric in force: ${metricInForce || '…'}${notes.length ? ` · ${notes.join(' · ')}` : ''}`;
}

function writeUrl(): void {
  const q = pageQuery(settings);
  history.replaceState(null, '', `${location.pathname}${q ? `?${q}` : ''}`);
}

const VERDICT_TEXT: Record<LineageItem['verdict'], string> = { adopted: 'adopted', rejected: 'rejected', 'no-evidence': 'no evidence' };

function addLineage(items: readonly LineageItem[]): void {
  const list = $('lineage');
  for (const d of items) {
    verdicts[d.verdict]++;
    const li = document.createElement('li');
    li.className = d.verdict;
    const head = document.createElement('span');
    head.className = 'verdict';
    head.textContent = `g${d.generation} ${VERDICT_TEXT[d.verdict]}`;
    const what = document.createElement('span');
    what.textContent = ` ${d.kind === 'revalidation' ? 're-validation of' : d.kind === 'fallback' ? 'fallback to' : `proposal (${d.operator})`} `;
    const code = document.createElement('code');
    code.textContent = d.proposal;
    const why = document.createElement('span');
    why.className = 'reason';
    why.textContent = ` — ${d.reason}`;
    li.append(head, what, code, why);
    list.prepend(li);
  }
  while (list.children.length > 80) list.lastElementChild?.remove();
  $('lineage-counts').textContent = `adopted ${verdicts.adopted} · rejected ${verdicts.rejected} (the anchors were against it) · no evidence ${verdicts['no-evidence']} (the gate could not tell; nothing changed)`;
}

/** The emergence run: the `train` experiment on the multi-target world through the chosen channel, scored by hit fraction. */
function emergenceConfig(s: Settings): Record<string, unknown> {
  return {
    world: 'multi-target',
    params: { k: EMERGENCE_K },
    learner: s.learner,
    learnerConfig: { width: s.width, depth: s.depth },
    feedback: s.feedback,
    ...(s.feedback === 'scheduled' ? { schedule: s.schedule } : {}),
    // Continuous per-target score; binary feedback at threshold 1 is the all-or-nothing signal.
    metric: 'hitFraction',
    direction: 'higher',
    threshold: 1,
    episodes: 6000,
    roundSize: 64,
    trainTasks: 128,
    evalTasks: 32,
    evalPoints: 30,
    seed: s.seed,
  };
}

interface RunSlot {
  readonly role: 'evolve' | 'emergence';
  worker: Worker | undefined;
  /** Whether the worker has been sent its run (the emergence worker waits for the views to move). */
  started: boolean;
  crashes: number;
}
const slots: Record<RunSlot['role'], RunSlot> = { evolve: { role: 'evolve', worker: undefined, started: false, crashes: 0 }, emergence: { role: 'emergence', worker: undefined, started: false, crashes: 0 } };
/** Pending record exports, by role. */
const exports = new Map<string, (text: string) => void>();

/**
 * Creates the role's worker; `begin` sends it its run now. Creating a worker costs this thread
 * 100+ ms under load here, so both are created when a run starts (the page is busy then anyway),
 * and the emergence run is only sent later, once the views move.
 */
function launch(slot: RunSlot, begin = true): void {
  slot.worker?.terminate();
  slot.started = false;
  const w = new Worker(new URL('./run/lab.worker.ts', import.meta.url), { type: 'module', name: 'run' });
  slot.worker = w;
  const evolve = slot.role === 'evolve';
  w.onmessage = (ev: MessageEvent<RunOut>) => {
    if (slot.worker !== w) return;
    const m = ev.data;
    if (m.type === 'generation') {
      generations = m.index + 1;
      metricInForce = m.metric;
      slot.crashes = 0;
      addLineage(m.lineage);
      setStatus();
    } else if (m.type === 'views') grid.setViews(m.views, m.rows, (l) => `member m${l}`);
    else if (m.type === 'attempts') {
      perf.firstAttemptMs ??= performance.now();
      grid.push(m.attempts);
      // The emergence run starts once the views move: at start-up the two runs would compete for the cores.
      if (!slots.emergence.started && slots.emergence.crashes === 0) beginRun(slots.emergence);
    } else if (m.type === 'finished') {
      if (evolve) runStatus = `finished: ${m.key}`;
      setStatus();
    } else if (m.type === 'record') exports.get(slot.role)?.(m.text);
    else if (m.type === 'error') {
      runStatus = `${slot.role} run failed: ${m.message}`;
      setStatus();
    } else if (m.type === 'started' && evolve) $('backend').textContent = `tfjs ${m.backend}`;
  };
  w.onerror = (ev) => {
    ev.preventDefault();
    crashed(slot, ev.message);
  };
  if (held) w.postMessage({ type: 'hold', held } satisfies RunIn);
  if (begin) beginRun(slot);
}

/** Sends the slot's worker its run with the current settings. */
function beginRun(slot: RunSlot): void {
  const w = slot.worker;
  if (!w || slot.started) return;
  slot.started = true;
  const start: RunIn =
    slot.role === 'evolve'
      ? { type: 'start', experiment: 'evolve', config: evolveConfig(settings), charts: charts.port(), source: 'evolve', viewTasks: VIEW_TASKS }
      : { type: 'start', experiment: 'train', config: emergenceConfig(settings), charts: charts.port(), source: 'emergence' };
  w.postMessage(start, start.charts ? [start.charts] : []);
}

/** Starts (or restarts) both runs from their beginning with the current settings. */
function startRun(): void {
  lastRun = structuredClone(settings);
  runsStarted++;
  generations = 0;
  runStatus = 'running';
  metricInForce = '';
  runStartedAt = performance.now();
  notes.length = 0;
  Object.assign(verdicts, { adopted: 0, rejected: 0, 'no-evidence': 0 });
  $('lineage').replaceChildren();
  $('lineage-counts').textContent = '';
  charts.clear([...EVOLVE_CHARTS, ...EMERGENCE_CHARTS]);
  for (const slot of Object.values(slots)) {
    slot.crashes = 0;
    slot.worker?.terminate();
    slot.worker = undefined;
  }
  launch(slots.evolve);
  launch(slots.emergence, false);
  setStatus();
}

/**
 * A run worker died: supervision replaces it with a fresh one and its run starts again from the
 * beginning (results depend on settings and seed alone, so it reproduces what was lost); the
 * status line says so. Three crashes in a row stop that run.
 */
function crashed(slot: RunSlot, message: string): void {
  slot.crashes++;
  const what = `the ${slot.role} worker crashed (${message || 'no message'})`;
  if (slot.crashes > 3) {
    slot.worker?.terminate();
    slot.worker = undefined;
    notes.push(`${what}; stopped after ${slot.crashes} crashes`);
  } else {
    if (slot.role === 'evolve') {
      charts.clear(EVOLVE_CHARTS);
      $('lineage').replaceChildren();
      Object.assign(verdicts, { adopted: 0, rejected: 0, 'no-evidence': 0 });
      generations = 0;
    } else charts.clear(EMERGENCE_CHARTS);
    launch(slot);
    notes.push(`${what}: replaced by a new worker, its run restarted (${slot.crashes} of 3)`);
  }
  setStatus();
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
    Object.assign(settings, { ...d, alpha: lastRun.alpha, seed: lastRun.seed, speed: lastRun.speed, renderer: lastRun.renderer, viewThread: lastRun.viewThread });
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
      grid.refresh();
    },
    step: () => {
      playback.paused = true;
      grid.step();
    },
    restart: startRun,
  });
}

/** The run record of a role, as the CLI writes run.jsonl (header, events, checksums). */
function exportRecord(role: RunSlot['role']): Promise<string> {
  const w = slots[role].worker;
  if (!w || !slots[role].started) return Promise.reject(new Error(`no ${role} run`));
  return new Promise<string>((resolve) => {
    exports.set(role, (text) => {
      exports.delete(role);
      resolve(text);
    });
    w.postMessage({ type: 'export' } satisfies RunIn);
  });
}

async function main(): Promise<void> {
  showIgnored(parsed.ignored);
  const choice = chooseRenderer(String(settings.renderer));
  grid.onError = (message) => {
    notes.push(`the view worker failed (${message})`);
    setStatus();
  };
  charts.onError = (message) => {
    notes.push(`charts failed (${message})`);
    setStatus();
  };
  charts.onShown = () => {
    perf.firstPointMs ??= performance.now();
  };
  // One animation frame marks the first frame. No frame loop on this thread: a loop would make
  // the page run its whole frame pipeline (style, layerize, commit) 60 times a second for nothing.
  requestAnimationFrame((now) => {
    perf.firstFrameMs ??= now;
  });
  charts.start();
  for (const [id, role] of [
    ['export-evolve', 'evolve'],
    ['export-emergence', 'emergence'],
  ] as const) {
    $(id).addEventListener('click', () => void exportRecord(role).then((text) => download(`${role}-run.jsonl`, new Blob([text], { type: 'application/x-ndjson' }))));
  }
  rebuildPanel();
  writeUrl();
  // The runs start while the view worker initialises pixi: their first generation takes longer.
  startRun();
  const name = await grid.init(choice, { offscreen: settings.viewThread !== 'page' });
  rendererName = name;
  // The GPU string is long (ANGLE, Vulkan, driver): in the tooltip, not the status line.
  $('renderer').textContent = `renderer: ${name} on the ${grid.thread} — ${choice.reason}`;
  $('renderer').title = `WebGL renderer reported by the browser: ${choice.gpu}`;
  document.addEventListener('keydown', (ev) => {
    if (ev.target instanceof HTMLTextAreaElement || ev.target instanceof HTMLInputElement) return;
    if (ev.key === ' ') {
      ev.preventDefault();
      playback.paused = !playback.paused;
      grid.refresh();
    } else if (ev.key === 'Escape') grid.zoom(-1);
  });
}

/** What tests and the bench read (plain data only). */
const api = {
  settings: () => structuredClone(settings),
  ignored: () => [...parsed.ignored],
  query: () => pageQuery(settings),
  state: () => {
    const v = grid.stats();
    return {
      attemptsDrawn: v.attemptsDrawn,
      chartPoints: charts.rows(),
      generations,
      runsStarted,
      status: runStatus,
      notes: [...notes],
      metricInForce,
      verdicts: { ...verdicts },
      frames: v.frames,
      renders: v.renders,
      frameMs: Math.round(v.frameMs),
      renderer: rendererName,
      viewThread: grid.thread,
      runMs: performance.now() - runStartedAt,
    };
  },
  perf: () => structuredClone(perf),
  fields: () => FIELDS.map((f) => f.key),
  /** Sets a setting as the controls would (then the run restarts if the setting shapes it). */
  set: (key: string, value: unknown) => {
    settings[key] = value;
    panel?.refresh();
    onChanged(key);
  },
  /** Holds the page's runs between batches (true) or lets them go on (false): a lesson's prediction gets the machine first. */
  hold: (on: boolean) => {
    held = on;
    for (const slot of Object.values(slots)) slot.worker?.postMessage({ type: 'hold', held: on } satisfies RunIn);
    setStatus();
  },
  chartSvg: (id: string) => charts.svg(id),
  chartPng: (id: string) => charts.pngDataUrl(id),
  exportRecord,
  /** Fault injection for the supervision test: the role's worker throws an uncaught error. */
  crash: (role: RunSlot['role']) => slots[role].worker?.postMessage({ type: 'crash' } satisfies RunIn),
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
