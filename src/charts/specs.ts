/**
 * Declarative charts of a run: Vega-Lite specs built from a run's events, the one module the
 * report (SVG in Node) and the app (live in a page) both use. Pure data in, JSON specs out: no
 * Vega import here, so the app can compile them ahead of time or lazily.
 *
 * - Each of the experiment's `charts` draws its `point` events, one colour per series.
 * - Points tagged with `seed` are per-seed values: the chart draws the mean over seeds and a
 *   ±1 standard-deviation band (uncertainty wherever there is more than one seed).
 * - Points with `lo`/`hi` draw that interval as a band.
 * - Charts named in points but not declared get a default line chart; numeric fields of
 *   `generation` events are drawn on the chart `generations` when the experiment declares it
 *   (or declares no chart at all).
 */
import type { ChartDecl, ExperimentEvent } from '../experiments/types.ts';

/** A Vega-Lite spec (kept as plain JSON: the app may ship it to a worker or a page). */
export type VegaLiteSpec = Record<string, unknown>;

/** One chart ready to render. */
export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly spec: VegaLiteSpec;
  /** Rows drawn (for tests and the app's incremental updates). */
  readonly rows: number;
}

/** One row of a chart's data. */
interface Row {
  series: string;
  x: number;
  y: number | null;
  lo?: number;
  hi?: number;
  seed?: number;
  /** A category's name (`point.data.label`): bar charts show it on x instead of the number. */
  label?: string;
}

const WIDTH = 480;
const HEIGHT = 260;

function base(title: string, rows: readonly Row[]): VegaLiteSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: WIDTH,
    height: HEIGHT,
    data: { values: rows },
    config: { font: 'sans-serif', view: { stroke: '#ccc' } },
  };
}

/** The Vega-Lite spec of one declared chart over its rows. */
export function chartSpec(decl: ChartDecl, rows: readonly Row[]): VegaLiteSpec {
  const x = { field: 'x', type: 'quantitative', title: decl.x, ...(decl.logX ? { scale: { type: 'log' } } : {}) };
  const yScale = decl.logY ? { type: 'log' } : { zero: false };
  const color = { field: 'series', type: 'nominal', title: 'series' };
  const perSeed = rows.some((r) => r.seed !== undefined);
  const withInterval = rows.some((r) => r.lo !== undefined && r.hi !== undefined);
  const mark = decl.mark ?? 'line';
  if (mark === 'bar') return barSpec(decl, rows, perSeed);
  if (perSeed) {
    const yTitle = `${decl.y} (mean ± sd over seeds)`;
    // Mean over seeds with a ±1 sd band: the uncertainty a single curve would hide.
    return {
      ...base(decl.title, rows),
      encoding: { x, color },
      layer: [
        { mark: { type: 'errorband', extent: 'stdev', opacity: 0.25 }, encoding: { y: { field: 'y', type: 'quantitative', title: yTitle, scale: yScale } } },
        { mark: { type: mark, point: true }, encoding: { y: { field: 'y', aggregate: 'mean', type: 'quantitative', title: yTitle } } },
      ],
    };
  }
  const line = { mark: mark === 'line' ? { type: 'line', point: true } : { type: mark }, encoding: { y: { field: 'y', type: 'quantitative', title: decl.y, scale: yScale } } };
  if (withInterval) {
    return {
      ...base(decl.title, rows),
      encoding: { x, color },
      layer: [{ mark: { type: 'area', opacity: 0.2 }, encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } }, line],
    };
  }
  return { ...base(decl.title, rows), mark: line.mark, encoding: { x, color, ...line.encoding } };
}

/**
 * Bars for categories along x (a leaderboard): one bar per series side by side in each category,
 * the category named by the points' `label` where they carry one; per-seed points draw the mean
 * with a ±1 sd error bar.
 */
function barSpec(decl: ChartDecl, rows: readonly Row[], perSeed: boolean): VegaLiteSpec {
  const labelled = rows.some((r) => r.label !== undefined);
  const x = labelled ? { field: 'label', type: 'nominal', title: decl.x, sort: { field: 'x', op: 'min' }, axis: { labelAngle: 0 } } : { field: 'x', type: 'ordinal', title: decl.x };
  const color = { field: 'series', type: 'nominal', title: 'series' };
  const xOffset = { field: 'series' };
  if (!perSeed) return { ...base(decl.title, rows), mark: { type: 'bar' }, encoding: { x, xOffset, color, y: { field: 'y', type: 'quantitative', title: decl.y } } };
  const yTitle = `${decl.y} (mean ± sd over seeds)`;
  return {
    ...base(decl.title, rows),
    encoding: { x, xOffset, color },
    layer: [
      { mark: { type: 'bar' }, encoding: { y: { field: 'y', aggregate: 'mean', type: 'quantitative', title: yTitle } } },
      { mark: { type: 'errorbar', extent: 'stdev' }, encoding: { y: { field: 'y', type: 'quantitative', title: yTitle }, color: { value: '#333' } } },
    ],
  };
}

/** The charts of a run from its events, in declaration order, then undeclared ones, then generations. */
export function chartsOf(events: readonly ExperimentEvent[], declared: readonly ChartDecl[] = []): ChartSpec[] {
  const byChart = new Map<string, Row[]>();
  const genRows: Row[] = [];
  for (const e of events) {
    if (e.type === 'point') {
      const rows = byChart.get(e.chart) ?? [];
      const label = e.data?.label;
      rows.push({ series: e.series, x: e.x, y: e.y, ...(e.lo !== undefined ? { lo: e.lo } : {}), ...(e.hi !== undefined ? { hi: e.hi } : {}), ...(e.seed !== undefined ? { seed: e.seed } : {}), ...(typeof label === 'string' ? { label } : {}) });
      byChart.set(e.chart, rows);
    } else if (e.type === 'generation') {
      // One line per field (and per sweep cell); seeds are pooled into mean ± sd.
      for (const [k, v] of Object.entries(e.data)) if (typeof v === 'number') genRows.push({ series: e.cell === undefined ? k : `${k} · cell ${e.cell}`, x: e.index, y: v, ...(e.seed !== undefined ? { seed: e.seed } : {}) });
    }
  }
  const out: ChartSpec[] = [];
  const decls = [...declared];
  for (const id of byChart.keys()) if (!decls.some((d) => d.id === id)) decls.push({ id, title: id, x: 'x', y: 'y' });
  // Numeric generation fields: drawn where the experiment declares a 'generations' chart, or
  // last when it declares none (every field on one axis is a fallback, not a view).
  if (declared.length === 0 && genRows.length && !byChart.has('generations')) decls.push({ id: 'generations', title: 'Per generation', x: 'generation', y: 'value' });
  for (const d of decls) {
    const rows = byChart.get(d.id) ?? (d.id === 'generations' ? genRows : undefined);
    if (rows?.length) out.push({ id: d.id, title: d.title, spec: chartSpec(d, rows), rows: rows.length });
  }
  return out;
}

/** Mean, sample standard deviation and count. */
export function meanSd(xs: readonly number[]): { mean: number; sd: number | null; n: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, sd: null, n };
  const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { mean, sd: Math.sqrt(v), n };
}

/**
 * Final scores of each chart's series: the value at the last x, as mean ± sd over seeds when the
 * points are per seed (the report's table of scores with their uncertainty).
 */
export function finalScores(events: readonly ExperimentEvent[]): { chart: string; series: string; x: number; mean: number; sd: number | null; n: number }[] {
  const last = new Map<string, { chart: string; series: string; x: number; ys: number[] }>();
  for (const e of events) {
    if (e.type !== 'point' || e.y === null) continue;
    const key = `${e.chart}\u0000${e.series}`;
    const cur = last.get(key);
    if (!cur || e.x > cur.x) last.set(key, { chart: e.chart, series: e.series, x: e.x, ys: [e.y] });
    else if (e.x === cur.x) cur.ys.push(e.y);
  }
  return [...last.values()].map((v) => ({ chart: v.chart, series: v.series, x: v.x, ...meanSd(v.ys) }));
}
