/**
 * The page's charts, on the shared chart specs (src/charts/specs.ts, the CLI report's): the run
 * experiments' own declared charts drawn from their events, plus the page's views of the same
 * events — the dial fields of each generation, the population's shown attempts, and the
 * emergence view (all-or-nothing and per-target pass rates of the same multi-target rollouts,
 * with the p^k prediction) with the bits per feedback of the chosen channel.
 */
import { chartsOf, type ChartSpec } from '../../charts/specs.ts';
import type { ChartDecl, ExperimentEvent } from '../../experiments/types.ts';

/** Generation fields drawn on the dial chart when a run records them (gtLoss, bias and drift land with the dial). */
export const DIAL_FIELDS = ['shiftGap', 'gtLoss', 'bias', 'drift'] as const;

/** The evolve run's charts on the page: its declared ones first, then the page's. */
export const EVOLVE_PAGE_CHARTS: readonly ChartDecl[] = [
  { id: 'groundTruth', title: 'Proxy and ground truth per generation', x: 'generation', y: 'pass rate' },
  { id: 'dial', title: 'Shift gap (and gtLoss, bias, drift when recorded)', x: 'generation', y: 'value' },
  { id: 'disagreement', title: 'Disagreement with ground truth (1 − τ-b)', x: 'generation', y: 'disagreement' },
  { id: 'attempts', title: 'Shown attempts: GT pass, metric pass, mirage', x: 'generations trained', y: 'share of the views' },
];

/** The emergence run's charts. */
export const EMERGENCE_PAGE_CHARTS: readonly ChartDecl[] = [
  { id: 'emergence', title: 'Emergence: the same multi-target rollouts, all-or-nothing vs per target', x: 'training episodes', y: 'pass rate' },
  { id: 'bits', title: 'Bits per feedback event', x: 'training episodes', y: 'bits' },
];

/** Point events the page derives from a run's events (pure: the tests call it in Node). */
export function derivedPoints(source: 'evolve' | 'emergence', events: readonly ExperimentEvent[], meta: { k?: number; channel?: string } = {}): ExperimentEvent[] {
  const out: ExperimentEvent[] = [];
  for (const e of events) {
    if (source === 'evolve' && e.type === 'generation') {
      for (const f of DIAL_FIELDS) {
        const y = e.data[f];
        if (typeof y === 'number') out.push({ type: 'point', chart: 'dial', series: f, x: e.index, y });
      }
    } else if (source === 'emergence' && e.type === 'point') {
      const k = meta.k ?? 1;
      if (e.chart === 'groundTruth') out.push({ ...e, chart: 'emergence', series: 'all-or-nothing' });
      else if (e.chart === 'metric') {
        out.push({ ...e, chart: 'emergence', series: 'per target p' });
        out.push({ ...e, chart: 'emergence', series: `p^${k} predicted`, y: e.y === null ? null : e.y ** k });
      } else if (e.chart === 'bitsPerFeedback') out.push({ ...e, chart: 'bits', series: meta.channel ?? 'channel' });
    }
  }
  return out;
}

/** Generations are whole numbers: ticks at integers only (the shared spec leaves x continuous). */
function wholeX(c: ChartSpec): ChartSpec {
  const enc = c.spec.encoding as { x?: Record<string, unknown> } | undefined;
  if (!enc?.x || (enc.x.title !== 'generation' && enc.x.title !== 'generations trained')) return c;
  return { ...c, spec: { ...c.spec, encoding: { ...enc, x: { ...enc.x, axis: { tickMinStep: 1, format: 'd' } } } } };
}

/** The page's chart specs of one source's events. */
export function pageCharts(source: 'evolve' | 'emergence', events: readonly ExperimentEvent[], meta: { k?: number; channel?: string } = {}): ChartSpec[] {
  if (source === 'evolve') {
    const points = events.filter((e) => e.type === 'point' && e.chart !== 'dial');
    return chartsOf([...points, ...derivedPoints('evolve', events)], EVOLVE_PAGE_CHARTS)
      .filter((c) => EVOLVE_PAGE_CHARTS.some((d) => d.id === c.id))
      .map(wholeX);
  }
  return chartsOf(derivedPoints('emergence', events, meta), EMERGENCE_PAGE_CHARTS);
}
