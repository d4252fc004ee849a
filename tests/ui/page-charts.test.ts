import { describe, expect, it } from 'vitest';
import { renderSvg } from '../../src/charts/render.ts';
import type { ExperimentEvent } from '../../src/experiments/types.ts';
import { derivedPoints, pageCharts } from '../../src/ui/charts/specs.ts';

// The page's charts are the shared specs (src/charts/specs.ts) over the runs' events plus points
// the page derives from them; these run in the chart worker, and here in Node.
describe('page charts', () => {
  const train: ExperimentEvent[] = [0, 1, 2].flatMap((i) => [
    { type: 'point', chart: 'groundTruth', series: 'gtPassRate', x: 100 * i, y: 0.01 * i },
    { type: 'point', chart: 'metric', series: 'metric', x: 100 * i, y: 0.3 * i },
    { type: 'point', chart: 'bitsPerFeedback', series: 'bitsPerFeedback', x: 100 * i, y: 0.1 },
  ]);

  it('emergence: all-or-nothing and per-target p from the same points, and p^k from p', () => {
    const pts = derivedPoints('emergence', train, { k: 4, channel: 'binary' }).flatMap((e) => (e.type === 'point' ? [e] : []));
    const pred = pts.filter((p) => p.series === 'p^4 predicted');
    expect(pred.map((p) => p.y)).toEqual([0, 0.3 ** 4, 0.6 ** 4]);
    expect(pts.filter((p) => p.chart === 'emergence' && p.series === 'all-or-nothing').map((p) => p.y)).toEqual([0, 0.01, 0.02]);
    expect(pts.filter((p) => p.chart === 'bits').every((p) => p.series === 'binary')).toBe(true);
  });

  it('evolve: dial fields of generation events (only those recorded), generation ticks whole', async () => {
    const gens: ExperimentEvent[] = [0, 1].map((i) => ({ type: 'generation', index: i, data: { shiftGap: 0.1 * i, gtLoss: 0.2, proxy: 0.5 } }));
    const pts = derivedPoints('evolve', gens).flatMap((e) => (e.type === 'point' ? [e] : []));
    expect(new Set(pts.map((p) => p.series))).toEqual(new Set(['shiftGap', 'gtLoss']));
    const charts = pageCharts('evolve', gens);
    expect(charts.map((c) => c.id)).toEqual(['dial']);
    const x = (charts[0]?.spec.encoding as { x: { axis?: unknown } }).x;
    expect(x.axis).toEqual({ tickMinStep: 1, format: 'd' });
    // The legend sits beside the plot: its labels are in the SVG, not cut off.
    const svg = await renderSvg(charts[0]!.spec);
    expect(svg).toContain('gtLoss');
    expect(svg).toContain('shiftGap');
  });
});
