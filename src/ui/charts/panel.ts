/**
 * The page's side of the charts: one figure per chart, its SVG (rendered by the chart worker
 * from the shared specs) swapped in when a new one arrives, and export buttons: SVG as
 * rendered, PNG rasterised from it at 2× (on click only).
 */
import type { ChartsOut } from './chart.worker.ts';

interface Figure {
  readonly box: HTMLElement;
  /** The chart as an image of its SVG: an isolated document, so a new chart never restyles or relays the page (inline SVG cost 100–250 ms of layout per swap here under load). */
  readonly img: HTMLImageElement;
  svg: string;
  url: string;
  rows: number;
}

/** The charts section of the page. */
export class ChartPanel {
  private readonly figures = new Map<string, Figure>();
  private worker: Worker | undefined;
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
    w.onmessage = (ev: MessageEvent<ChartsOut | { type: 'error'; message: string }>) => {
      if (ev.data.type === 'charts') this.show(ev.data);
      else this.onError(ev.data.message);
    };
    w.onerror = (ev) => this.onError(ev.message || 'the chart worker failed');
  }

  /** A port for a run worker to stream its chart events to the chart worker. */
  port(): MessagePort {
    const ch = new MessageChannel();
    this.worker?.postMessage({ type: 'port', port: ch.port1 }, [ch.port1]);
    return ch.port2;
  }

  /** Empties the charts of a source's ids (a restarted run). */
  clear(ids: readonly string[]): void {
    for (const id of ids) {
      const f = this.figures.get(id);
      if (!f) continue;
      f.box.remove();
      if (f.url) URL.revokeObjectURL(f.url);
      this.figures.delete(id);
    }
  }

  private show(m: ChartsOut): void {
    for (const c of m.charts) {
      const f = this.figures.get(c.id) ?? this.create(c.id, c.title);
      if (f.svg !== c.svg) {
        f.svg = c.svg;
        const old = f.url;
        f.url = URL.createObjectURL(new Blob([c.svg], { type: 'image/svg+xml' }));
        // Swap when decoded, so the old chart stays up meanwhile.
        const next = new Image();
        next.src = f.url;
        void next
          .decode()
          .catch(() => undefined)
          .then(() => {
            if (f.url !== next.src) return;
            f.img.src = next.src;
            if (old) URL.revokeObjectURL(old);
          });
      }
      f.rows = c.rows;
      if (c.rows > 0) this.onShown();
    }
  }

  private create(id: string, title: string): Figure {
    const box = document.createElement('figure');
    box.className = 'chart';
    box.dataset.chart = id;
    box.setAttribute('aria-label', title);
    const img = document.createElement('img');
    img.className = 'chart-img';
    img.alt = title;
    const bar = document.createElement('div');
    bar.className = 'chart-export';
    const f: Figure = { box, img, svg: '', url: '', rows: 0 };
    for (const kind of ['SVG', 'PNG'] as const) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = kind;
      b.title = `Download this chart as ${kind}`;
      b.addEventListener('click', () => void (kind === 'SVG' ? download(`${id}.svg`, new Blob([f.svg], { type: 'image/svg+xml' })) : pngOf(f.svg).then((blob) => download(`${id}.png`, blob))));
      bar.append(b);
    }
    box.append(img, bar);
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

  /** A chart's SVG text ('' when it has none yet). */
  svg(id: string): string {
    return this.figures.get(id)?.svg ?? '';
  }

  /** A chart's PNG as a data URL (tests check the export works). */
  async pngDataUrl(id: string): Promise<string> {
    const blob = await pngOf(this.svg(id));
    return await new Promise<string>((resolve, reject) => {
      const r = new FileReader();
      r.onload = () => resolve(String(r.result));
      r.onerror = () => reject(new Error('PNG could not be read'));
      r.readAsDataURL(blob);
    });
  }
}

/** Rasterises an SVG at 2× through an image and a canvas. */
export async function pngOf(svg: string): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('SVG could not be rasterised'));
      img.src = url;
    });
    const c = document.createElement('canvas');
    c.width = Math.max(1, img.naturalWidth * 2);
    c.height = Math.max(1, img.naturalHeight * 2);
    const ctx = c.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, c.width, c.height);
    ctx.scale(2, 2);
    ctx.drawImage(img, 0, 0);
    const blob = await new Promise<Blob | null>((resolve) => c.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error('PNG encoding failed');
    return blob;
  } finally {
    URL.revokeObjectURL(url);
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
