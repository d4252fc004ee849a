/**
 * The chart worker: keeps each run's chart events (sent straight from the run workers through
 * MessagePorts), builds the shared Vega-Lite specs and renders them to SVG with Vega headless,
 * as the CLI report does, at most a few times a second. The page only swaps in SVG text, so
 * Vega never loads on the page's thread.
 */
import { renderSvg } from '../../charts/render.ts';
import type { ExperimentEvent } from '../../experiments/types.ts';
import type { ChartFeed } from '../run/protocol.ts';
import { pageCharts } from './specs.ts';

/** What the page gets: every chart of a source, rendered. */
export interface ChartsOut {
  readonly type: 'charts';
  readonly source: string;
  readonly charts: { id: string; title: string; svg: string; rows: number }[];
}

const post = (m: ChartsOut | { type: 'error'; message: string }): void => (self as unknown as Worker).postMessage(m);
const sources = new Map<string, { events: ExperimentEvent[]; meta: Record<string, unknown>; dirty: boolean }>();
const MIN_INTERVAL_MS = 400;
let timer: ReturnType<typeof setTimeout> | undefined;
let rendering = false;

async function render(): Promise<void> {
  timer = undefined;
  if (rendering) return schedule();
  rendering = true;
  try {
    for (const [source, s] of sources) {
      if (!s.dirty) continue;
      s.dirty = false;
      const meta = s.meta as { k?: number; channel?: string };
      const specs = pageCharts(source === 'evolve' ? 'evolve' : 'emergence', s.events, meta);
      const charts: ChartsOut['charts'] = [];
      for (const c of specs) charts.push({ id: c.id, title: c.title, svg: await renderSvg(c.spec), rows: c.rows });
      post({ type: 'charts', source, charts });
    }
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  } finally {
    rendering = false;
  }
}

function schedule(): void {
  timer ??= setTimeout(() => void render(), MIN_INTERVAL_MS);
}

function onFeed(f: ChartFeed): void {
  if ('reset' in f) {
    // The emergence chart needs k (for p^k) and the channel's name, from the run's parsed config.
    const cfg = (f.meta?.config ?? {}) as { params?: { k?: unknown }; feedback?: unknown; schedule?: unknown };
    const channel = typeof cfg.feedback === 'string' ? (cfg.feedback === 'scheduled' ? `scheduled (${String(cfg.schedule ?? 'linear')})` : cfg.feedback) : 'channel';
    sources.set(f.source, { events: [], meta: { k: typeof cfg.params?.k === 'number' ? cfg.params.k : 1, channel }, dirty: true });
  }
  else {
    const s = sources.get(f.source);
    if (!s) return;
    s.events.push(...f.events);
    s.dirty = true;
  }
  schedule();
}

self.onmessage = (ev: MessageEvent<{ type: 'port'; port: MessagePort }>) => {
  if (ev.data.type === 'port') ev.data.port.onmessage = (e: MessageEvent<ChartFeed>) => onFeed(e.data);
};
