/**
 * The chart worker: keeps each run's chart events (sent straight from the run workers through
 * MessagePorts), builds the shared Vega-Lite specs and renders them with Vega, at most a few
 * times a second. Live charts are drawn here on an OffscreenCanvas and handed to the page as
 * ImageBitmaps (transferred): the page only places pixels. An SVG image on the page would be
 * laid out and painted on the page's thread at every swap (60–110 ms per chart here under load,
 * the page's long tasks). SVG and PNG exports are rendered here on request, from the same specs
 * the CLI report uses.
 */
import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import { renderSvg } from '../../charts/render.ts';
import type { ChartSpec, VegaLiteSpec } from '../../charts/specs.ts';
import type { ExperimentEvent } from '../../experiments/types.ts';
import type { ChartFeed } from '../run/protocol.ts';
import { pageCharts } from './specs.ts';

/** One rendered chart: its pixels (CSS size × `scale`) and how many rows of data it draws. */
export interface ChartImage {
  readonly id: string;
  readonly title: string;
  readonly bitmap: ImageBitmap;
  /** CSS pixels of the chart (the bitmap is `scale` times larger). */
  readonly width: number;
  readonly height: number;
  readonly rows: number;
}

/** What the page gets: every chart of a source, rendered. */
export interface ChartsOut {
  readonly type: 'charts';
  readonly source: string;
  readonly charts: ChartImage[];
}

/** An export asked for by the page, and its answer. */
export type ChartsIn = { readonly type: 'port'; readonly port: MessagePort } | { readonly type: 'scale'; readonly scale: number } | { readonly type: 'export'; readonly nonce: number; readonly id: string; readonly format: 'svg' | 'png' };
export type ChartsReply = ChartsOut | { readonly type: 'error'; readonly message: string } | { readonly type: 'exported'; readonly nonce: number; readonly svg?: string; readonly png?: Blob; readonly error?: string };

const post = (m: ChartsReply, transfer: Transferable[] = []): void => (self as unknown as Worker).postMessage(m, transfer);
const sources = new Map<string, { events: ExperimentEvent[]; meta: Record<string, unknown>; dirty: boolean }>();
const MIN_INTERVAL_MS = 400;
let timer: ReturnType<typeof setTimeout> | undefined;
let rendering = false;
/** Device pixels per CSS pixel of the page. */
let scale = 1;

/** Draws a spec on an OffscreenCanvas (white background, as the report's SVG shows on paper). */
async function drawSpec(spec: VegaLiteSpec, factor: number): Promise<{ canvas: OffscreenCanvas; width: number; height: number }> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const view = new View(parse(compile(spec as any).spec), { renderer: 'none' });
  try {
    await view.runAsync();
    // The view's full size with padding, as Vega's own headless renderer sizes its canvas.
    // Vega normalises padding to an object once the view runs.
    const pad = view.padding() as { left?: number; right?: number; top?: number; bottom?: number };
    const inner = view as unknown as { _viewWidth: number; _viewHeight: number };
    const width = Math.max(1, Math.ceil(inner._viewWidth + (pad.left ?? 0) + (pad.right ?? 0)));
    const height = Math.max(1, Math.ceil(inner._viewHeight + (pad.top ?? 0) + (pad.bottom ?? 0)));
    const canvas = new OffscreenCanvas(Math.ceil(width * factor), Math.ceil(height * factor));
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D context on an OffscreenCanvas');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    await view.toCanvas(factor, { externalContext: ctx } as unknown as Parameters<View['toCanvas']>[1]);
    return { canvas, width, height };
  } finally {
    view.finalize();
  }
}

/** The current spec of chart `id`, from whichever source draws it. */
function specOf(id: string): ChartSpec | undefined {
  for (const [source, s] of sources) {
    const c = pageCharts(source === 'evolve' ? 'evolve' : 'emergence', s.events, s.meta as { k?: number; channel?: string }).find((x) => x.id === id);
    if (c) return c;
  }
  return undefined;
}

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
      const charts: ChartImage[] = [];
      for (const c of specs) {
        const { canvas, width, height } = await drawSpec(c.spec, scale);
        charts.push({ id: c.id, title: c.title, bitmap: canvas.transferToImageBitmap(), width, height, rows: c.rows });
      }
      post({ type: 'charts', source, charts }, charts.map((c) => c.bitmap));
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

async function exportChart(m: Extract<ChartsIn, { type: 'export' }>): Promise<void> {
  try {
    const c = specOf(m.id);
    if (!c) throw new Error(`no chart "${m.id}"`);
    if (m.format === 'svg') post({ type: 'exported', nonce: m.nonce, svg: await renderSvg(c.spec) });
    else {
      const { canvas } = await drawSpec(c.spec, 2);
      post({ type: 'exported', nonce: m.nonce, png: await canvas.convertToBlob({ type: 'image/png' }) });
    }
  } catch (err) {
    post({ type: 'exported', nonce: m.nonce, error: err instanceof Error ? err.message : String(err) });
  }
}

function onFeed(f: ChartFeed): void {
  if ('reset' in f) {
    // The emergence chart needs k (for p^k) and the channel's name, from the run's parsed config.
    const cfg = (f.meta?.config ?? {}) as { params?: { k?: unknown }; feedback?: unknown; schedule?: unknown };
    const channel = typeof cfg.feedback === 'string' ? (cfg.feedback === 'scheduled' ? `scheduled (${String(cfg.schedule ?? 'linear')})` : cfg.feedback) : 'channel';
    sources.set(f.source, { events: [], meta: { k: typeof cfg.params?.k === 'number' ? cfg.params.k : 1, channel }, dirty: true });
  } else {
    const s = sources.get(f.source);
    if (!s) return;
    s.events.push(...f.events);
    s.dirty = true;
  }
  schedule();
}

self.onmessage = (ev: MessageEvent<ChartsIn>) => {
  const m = ev.data;
  if (m.type === 'port') m.port.onmessage = (e: MessageEvent<ChartFeed>) => onFeed(e.data);
  else if (m.type === 'scale') scale = Math.max(1, Math.min(3, m.scale));
  else void exportChart(m);
};
