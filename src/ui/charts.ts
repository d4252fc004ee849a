/**
 * Live line charts as plain SVG (no chart library: a few hundred points need none, and the page
 * stays small). Kept apart so the shared chart specs (src/charts/, Vega-Lite) can replace it:
 * the page only calls `addPoint`, `svgText` and the export buttons. Loaded lazily by main.ts.
 */

/** One line of a chart. */
export interface Series {
  readonly key: string;
  readonly label: string;
  readonly colour: string;
  readonly dashed?: boolean;
}

/** A chart's fixed description. */
export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly x: string;
  readonly series: readonly Series[];
  /** Fixed y range; otherwise it follows the data. */
  readonly yDomain?: readonly [number, number];
}

const W = 360;
const H = 170;
const M = { l: 36, r: 8, t: 22, b: 26 };

/** A live chart drawn into `parent`, with SVG and PNG export buttons. */
export class LineChart {
  private readonly rows: { x: number; v: Record<string, number | null> }[] = [];
  private readonly svgHost: HTMLDivElement;
  private scheduled = false;
  /** Points added so far (tests read it). */
  points = 0;

  constructor(
    parent: HTMLElement,
    readonly spec: ChartSpec,
  ) {
    const box = document.createElement('figure');
    box.className = 'chart';
    box.dataset.chart = spec.id;
    this.svgHost = document.createElement('div');
    const bar = document.createElement('div');
    bar.className = 'chart-export';
    for (const kind of ['SVG', 'PNG'] as const) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = kind;
      b.title = `Download this chart as ${kind}`;
      b.addEventListener('click', () => void (kind === 'SVG' ? this.downloadSvg() : this.downloadPng()));
      bar.appendChild(b);
    }
    box.append(this.svgHost, bar);
    parent.appendChild(box);
    this.render();
  }

  /** Adds one point (null values leave a gap); redraws at most once per frame. */
  addPoint(x: number, values: Record<string, number | null>): void {
    this.rows.push({ x, v: values });
    this.points++;
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.render();
    });
  }

  /** Removes every point (a restarted run). */
  clear(): void {
    this.rows.length = 0;
    this.points = 0;
    this.render();
  }

  /** The chart as a standalone SVG document. */
  svgText(): string {
    const { spec, rows } = this;
    const xs = rows.map((r) => r.x);
    const vals = rows.flatMap((r) => spec.series.map((s) => r.v[s.key])).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    let [y0, y1] = spec.yDomain ?? [Math.min(0, ...vals), Math.max(1e-9, ...vals)];
    if (!spec.yDomain && vals.length) {
      const pad = (y1 - y0) * 0.05 || 0.5;
      y0 -= vals.some((v) => v < 0) ? pad : 0;
      y1 += pad;
    }
    const x0 = xs.length ? Math.min(...xs) : 0;
    const x1 = xs.length ? Math.max(...xs, x0 + 1) : 1;
    const sx = (x: number): number => M.l + ((x - x0) / (x1 - x0)) * (W - M.l - M.r);
    const sy = (y: number): number => H - M.b - ((y - y0) / (y1 - y0 || 1)) * (H - M.t - M.b);
    const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const parts: string[] = [];
    parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="10">`);
    parts.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
    parts.push(`<text x="${M.l}" y="13" font-size="12" font-weight="bold">${esc(spec.title)}</text>`);
    for (const t of [y0, (y0 + y1) / 2, y1]) {
      parts.push(`<line x1="${M.l}" x2="${W - M.r}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" stroke="#eee"/>`);
      parts.push(`<text x="${M.l - 3}" y="${(sy(t) + 3).toFixed(1)}" text-anchor="end" fill="#666">${fmt(t)}</text>`);
    }
    parts.push(`<text x="${W - M.r}" y="${H - 6}" text-anchor="end" fill="#666">${esc(spec.x)} ${xs.length ? fmt(x1) : ''}</text>`);
    spec.series.forEach((s, i) => {
      let d = '';
      let pen = false;
      for (const r of rows) {
        const v = r.v[s.key];
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          pen = false;
          continue;
        }
        d += `${pen ? 'L' : 'M'}${sx(r.x).toFixed(1)},${sy(v).toFixed(1)}`;
        pen = true;
      }
      if (d) parts.push(`<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="4 3"' : ''}/>`);
      // Dots as well: a single point (the first generation) has no line to draw.
      if (rows.length <= 60) {
        for (const r of rows) {
          const v = r.v[s.key];
          if (typeof v === 'number' && Number.isFinite(v)) parts.push(`<circle cx="${sx(r.x).toFixed(1)}" cy="${sy(v).toFixed(1)}" r="2" fill="${s.colour}"/>`);
        }
      }
      const lx = M.l + 4 + i * ((W - M.l) / spec.series.length);
      parts.push(`<rect x="${lx}" y="${H - 12}" width="10" height="3" fill="${s.colour}"/><text x="${lx + 13}" y="${H - 8}" fill="#333">${esc(s.label)}</text>`);
    });
    parts.push('</svg>');
    return parts.join('');
  }

  private render(): void {
    this.svgHost.innerHTML = this.svgText();
  }

  private downloadSvg(): void {
    download(`${this.spec.id}.svg`, new Blob([this.svgText()], { type: 'image/svg+xml' }));
  }

  /** Rasterises the SVG at 2× through an image and a canvas. */
  async downloadPng(): Promise<void> {
    const url = URL.createObjectURL(new Blob([this.svgText()], { type: 'image/svg+xml' }));
    try {
      const img = new Image();
      await new Promise<void>((resolve, reject) => {
        img.onload = () => resolve();
        img.onerror = () => reject(new Error('SVG could not be rasterised'));
        img.src = url;
      });
      const c = document.createElement('canvas');
      c.width = W * 2;
      c.height = H * 2;
      const ctx = c.getContext('2d');
      if (!ctx) return;
      ctx.scale(2, 2);
      ctx.drawImage(img, 0, 0);
      const blob = await new Promise<Blob | null>((resolve) => c.toBlob(resolve, 'image/png'));
      if (blob) download(`${this.spec.id}.png`, blob);
    } finally {
      URL.revokeObjectURL(url);
    }
  }
}

function fmt(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a < 0.01 || a >= 1e4)) return v.toExponential(1);
  return Number(v.toFixed(2)).toString();
}

function download(name: string, blob: Blob): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** The page's charts: what the run and the views report. */
export const CHART_SPECS: readonly ChartSpec[] = [
  {
    id: 'scores',
    title: 'Proxy, anchor GT and probe GT',
    x: 'generation',
    yDomain: [0, 1],
    series: [
      { key: 'proxy', label: 'proxy', colour: '#f0a020' },
      { key: 'anchorGt', label: 'anchor GT', colour: '#2e9e44' },
      { key: 'probeGt', label: 'probe GT', colour: '#3a7bd5', dashed: true },
    ],
  },
  {
    id: 'gaps',
    title: 'shiftGap and disagreement',
    x: 'generation',
    series: [
      { key: 'shiftGap', label: 'shiftGap', colour: '#3a7bd5' },
      { key: 'disagreement', label: 'disagreement', colour: '#d8403a' },
    ],
  },
  {
    id: 'attempts',
    title: 'Shown attempts: ground truth, metric, mirage',
    x: 'episodes per learner',
    yDomain: [0, 1],
    series: [
      { key: 'gt', label: 'GT pass', colour: '#2e9e44' },
      { key: 'metric', label: 'metric pass', colour: '#888' },
      { key: 'mirage', label: 'mirage', colour: '#f0a020' },
    ],
  },
  {
    id: 'bits',
    title: 'Bits per feedback',
    x: 'episodes per learner',
    series: [{ key: 'bits', label: 'I(feedback; GT margin)', colour: '#9c6ade' }],
  },
];
