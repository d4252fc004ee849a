/**
 * Chart specs and the report: per-seed points become a mean ± sd band, intervals a band,
 * generation fields one line per field and cell; specs render to SVG headless; the report is
 * self-contained and escapes what it quotes.
 */
import { describe, expect, it } from 'vitest';
import { chartsOf, finalScores, meanSd } from '../../src/charts/specs.ts';
import { renderSvg } from '../../src/charts/render.ts';
import { metricLineage, reportHtml } from '../../src/charts/report.ts';
import type { ExperimentEvent } from '../../src/experiments/types.ts';
import type { RunSummary } from '../../src/runs/summary.ts';

const points = (seeds: number[]): ExperimentEvent[] => seeds.flatMap((seed) => [0, 1, 2].map((x) => ({ type: 'point' as const, chart: 'c', series: 's', x, y: x + seed, seed })));

describe('chart specs', () => {
  it('per-seed points: an errorband over seeds plus the mean line', () => {
    const [chart] = chartsOf(points([0, 1, 2]), [{ id: 'c', title: 'C', x: 'step', y: 'score' }]);
    const layers = chart!.spec.layer as { mark: { type: string; extent?: string }; encoding: { y: { aggregate?: string } } }[];
    expect(layers.map((l) => l.mark.type)).toEqual(['errorband', 'line']);
    expect(layers[0]!.mark.extent).toBe('stdev');
    expect(layers[1]!.encoding.y.aggregate).toBe('mean');
    expect(chart!.rows).toBe(9);
  });

  it('single curves are plain lines; lo/hi draw a band; undeclared charts and generations get defaults', () => {
    const events: ExperimentEvent[] = [
      { type: 'point', chart: 'plain', series: 'a', x: 0, y: 1 },
      { type: 'point', chart: 'iv', series: 'a', x: 0, y: 1, lo: 0.5, hi: 1.5 },
      { type: 'generation', index: 0, cell: 1, data: { gt: 0.5, label: 'x' } },
      { type: 'generation', index: 1, cell: 1, data: { gt: 0.7 } },
    ];
    const charts = chartsOf(events);
    expect(charts.map((c) => c.id)).toEqual(['plain', 'iv', 'generations']);
    expect(charts[0]!.spec.mark).toEqual({ type: 'line', point: true });
    expect((charts[1]!.spec.layer as { mark: { type: string } }[])[0]!.mark.type).toBe('area');
    expect(((charts[2]!.spec.data as { values: { series: string }[] }).values).map((r) => r.series)).toEqual(['gt · cell 1', 'gt · cell 1']);
    // an experiment that declares its charts gets the generation fields only if it declares 'generations'
    expect(chartsOf(events, [{ id: 'plain', title: 'P', x: 'x', y: 'y' }]).map((c) => c.id)).toEqual(['plain', 'iv']);
    expect(chartsOf(events, [{ id: 'generations', title: 'G', x: 'generation', y: 'gt' }]).map((c) => c.id)).toEqual(['generations', 'plain', 'iv']);
  });

  it('renders to SVG without a browser', async () => {
    const [chart] = chartsOf(points([0, 1]));
    const svg = await renderSvg(chart!.spec);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('<path');
  });

  it('final scores: mean ± sample sd over seeds at the last x', () => {
    const [row] = finalScores(points([0, 1, 2]));
    expect(row).toMatchObject({ chart: 'c', series: 's', x: 2, mean: 3, n: 3 });
    expect(row!.sd).toBeCloseTo(1, 12);
    expect(meanSd([5]).sd).toBeNull();
  });
});

describe('report', () => {
  it('lineage chains adopted proposals per seed; the page escapes quoted text and links nothing outside', () => {
    const events: ExperimentEvent[] = [
      { type: 'decision', seed: 0, proposal: 'a', parent: 'base', adopted: true, reason: 'ok' },
      { type: 'decision', seed: 1, proposal: 'b', parent: 'base', adopted: true, reason: 'ok' },
      { type: 'decision', seed: 0, proposal: 'c', parent: 'a', adopted: true, reason: 'ok' },
      { type: 'decision', seed: 0, proposal: '<script>x</script>', parent: 'c', adopted: false, reason: 'worse & rejected' },
    ];
    expect(metricLineage(events)).toEqual([
      { seed: 0, chain: ['base', 'a', 'c'] },
      { seed: 1, chain: ['base', 'b'] },
    ]);
    const summary: RunSummary = {
      experiment: 'x', seed: 0, config: { seed: 0 }, configHash: 'h', anchorsHash: 'a',
      versions: { mirageLab: '0', packages: {}, worlds: {}, runtime: 'r' }, backend: 'none',
      startedAt: 's', finishedAt: null, contentHash: 'c'.repeat(64), results: null, status: 'interrupted', shard: null, recordVersion: 2, events: 4,
    };
    const html = reportHtml({ summary, events }, []);
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('worse &amp; rejected');
    expect(html).toContain('status-interrupted');
    expect(html).not.toMatch(/(href|src)=/);
  });
});
