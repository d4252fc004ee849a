/**
 * The page's side of the charts: one figure per chart, whose pixels (drawn by the chart worker
 * from the shared specs, handed over as an ImageBitmap) are placed in a bitmap canvas when new
 * ones arrive, and export buttons: SVG and PNG rendered by the chart worker on click.
 */
import type { ChartsIn, ChartsOut, ChartsReply } from './chart.worker.ts';

interface Figure {
  readonly box: HTMLElement;
  /**
   * The chart's pixels: a canvas whose 'bitmaprenderer' context takes the worker's bitmap without
   * a copy or a decode. Neither inline SVG (100–250 ms of layout per swap here under load) nor an
   * SVG image (60–110 ms of main-thread paint per swap) kept the page free of long tasks.
   */
  readonly canvas: HTMLCanvasElement;
  readonly ctx: ImageBitmapRenderingContext | null;
  rows: number;
}

/** The charts section of the page. */
export class ChartPanel {
  private readonly figures = new Map<string, Figure>();
  private worker: Worker | undefined;
  private nonce = 0;
  private readonly pending = new Map<number, (m: Extract<ChartsReply, { type: 'exported' }>) => void>();
  /** Called when a chart with data is first shown. */
  onShown: () => void = () => undefined;
  /** Called when the chart worker fails. */
  onError: (message: string) => void = () => undefined;

  constructor(
    private readonly parent: HTMLElement,
    /** Chart ids in page order (a chart appears when it has data). */
    private readonly order: readonly string[],
  ) {}

  /** Starts the chart worker (Vega loads there, lazily, not on this thread). */
  start(): void {
    const w = new Worker(new URL('./chart.worker.ts', import.meta.url), { type: 'module', name: 'charts' });
    this.worker = w;
    w.onmessage = (ev: MessageEvent<ChartsReply>) => {
      const m = ev.data;
      if (m.type === 'charts') this.show(m);
      else if (m.type === 'exported') this.pending.get(m.nonce)?.(m);
      else this.onError(m.message);
    };
    w.onerror = (ev) => this.onError(ev.message || 'the chart worker failed');
    this.send({ type: 'scale', scale: Math.min(2, window.devicePixelRatio || 1) });
  }

  private send(m: ChartsIn, transfer: Transferable[] = []): void {
    this.worker?.postMessage(m, transfer);
  }

  /** A port for a run worker to stream its chart events to the chart worker. */
  port(): MessagePort {
    const ch = new MessageChannel();
    this.send({ type: 'port', port: ch.port1 }, [ch.port1]);
    return ch.port2;
  }

  /** Empties the charts of a source's ids (a restarted run). */
  clear(ids: readonly string[]): void {
    for (const id of ids) {
      const f = this.figures.get(id);
      if (!f) continue;
      f.box.remove();
      this.figures.delete(id);
    }
  }

  private show(m: ChartsOut): void {
    for (const c of m.charts) {
      const f = this.figures.get(c.id) ?? this.create(c.id, c.title);
      if (f.canvas.width !== c.bitmap.width || f.canvas.height !== c.bitmap.height) {
        f.canvas.width = c.bitmap.width;
        f.canvas.height = c.bitmap.height;
      }
      if (f.ctx) f.ctx.transferFromImageBitmap(c.bitmap);
      else c.bitmap.close();
      f.rows = c.rows;
      if (c.rows > 0) this.onShown();
    }
  }

  /** A chart rendered by the worker as SVG text or a PNG (2×). */
  private exported(id: string, format: 'svg' | 'png'): Promise<Extract<ChartsReply, { type: 'exported' }>> {
    const nonce = ++this.nonce;
    return new Promise((resolve, reject) => {
      this.pending.set(nonce, (m) => {
        this.pending.delete(nonce);
        if (m.error !== undefined) reject(new Error(m.error));
        else resolve(m);
      });
      this.send({ type: 'export', nonce, id, format });
    });
  }

  private create(id: string, title: string): Figure {
    const box = document.createElement('figure');
    box.className = 'chart';
    box.dataset.chart = id;
    box.setAttribute('aria-label', title);
    const canvas = document.createElement('canvas');
    canvas.className = 'chart-img';
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', title);
    const bar = document.createElement('div');
    bar.className = 'chart-export';
    const f: Figure = { box, canvas, ctx: canvas.getContext('bitmaprenderer'), rows: 0 };
    for (const kind of ['SVG', 'PNG'] as const) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = kind;
      b.title = `Download this chart as ${kind}`;
      b.addEventListener('click', () => void (kind === 'SVG' ? this.svg(id).then((svg) => download(`${id}.svg`, new Blob([svg], { type: 'image/svg+xml' }))) : this.png(id).then((blob) => download(`${id}.png`, blob))));
      bar.append(b);
    }
    box.append(canvas, bar);
    // Keep the page order whatever order charts arrive in.
    const rank = (x: string): number => {
      const i = this.order.indexOf(x);
      return i < 0 ? this.order.length : i;
    };
    const after = [...this.figures.entries()].filter(([k]) => rank(k) > rank(id)).sort((a, b) => rank(a[0]) - rank(b[0]))[0];
    if (after) this.parent.insertBefore(box, after[1].box);
    else this.parent.append(box);
    this.figures.set(id, f);
    return f;
  }

  /** Rows drawn per chart (tests read it). */
  rows(): Record<string, number> {
    return Object.fromEntries([...this.figures].map(([k, f]) => [k, f.rows]));
  }

  /** A chart's SVG text, rendered from the current data by the same code as the CLI report. */
  async svg(id: string): Promise<string> {
    return (await this.exported(id, 'svg')).svg ?? '';
  }

  /** A chart's PNG at 2×. */
  async png(id: string): Promise<Blob> {
    const png = (await this.exported(id, 'png')).png;
    if (!png) throw new Error('no PNG');
    return png;
  }

  /** A chart's PNG as a data URL (tests check the export works). */
  async pngDataUrl(id: string): Promise<string> {
    const blob = await this.png(id);
    return await new Promise<string>((resolve, reject) => {
      const r = new FileReader();
      r.onload = () => resolve(String(r.result));
      r.onerror = () => reject(new Error('PNG could not be read'));
      r.readAsDataURL(blob);
    });
  }
}

/** Saves a blob under a file name (a download link clicked once). */
export function download(name: string, blob: Blob): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
