/**
 * Text reports of evolve runs, for the CLI (plain strings, no I/O): a row per generation, a line
 * per decision, and the closing summary (α sweeps are the `drift` experiment's run folders).
 */
import type { GaoFit } from '../anchors/index.ts';
import type { DecisionRecord, EvolveRecord, GenerationRecord } from './evolve.ts';

const f = (x: number | null | undefined, digits = 2): string => (x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(digits));
const pad = (s: string, n: number): string => s.padStart(n);

/** The column header of `generationRow`. */
export const GENERATION_HEADER = '  gen  episodes   proxy  anchorGt  probeGt  disagr  shiftGap  gtLoss   drift  bought  metric';

/** One generation as a table row. */
export function generationRow(g: GenerationRecord): string {
  const rel = g.direction === 'lower' ? '≤' : '≥';
  return `${pad(String(g.gen), 5)}  ${pad(String(g.episodes), 8)}  ${pad(f(g.proxy), 6)}  ${pad(f(g.anchorGt), 8)}  ${pad(f(g.probeGt), 7)}  ${pad(f(g.disagreement), 6)}  ${pad(f(g.shiftGap), 8)}  ${pad(f(g.gtLoss), 6)}  ${pad(f(g.drift), 6)}  ${pad(String(g.budgetSpent), 6)}  ${g.metric} ${rel} ${g.threshold}`;
}

/** One decision as an indented line (re-validations that passed are left out: nothing happened). ✓ accepted, ✗ rejected, ? undecided (no evidence either way), ↩ fallback. */
export function decisionLine(d: DecisionRecord): string | null {
  if (d.kind === 'revalidation' && d.outcome === 'accepted') return null;
  const rel = d.direction === 'lower' ? '≤' : '≥';
  const mark = d.kind === 'fallback' ? '↩' : d.outcome === 'accepted' ? '✓' : d.outcome === 'undecided' ? '?' : '✗';
  return `         ${mark} ${d.operator}: ${d.metric} ${rel} ${d.threshold} — ${d.reason}`;
}

const fitText = (fit: GaoFit | null): string => (fit ? `a ${f(fit.a, 3)}, b ${f(fit.b, 3)}, R² ${f(fit.r2)}, peak d* ${fit.peak === null ? 'none' : f(fit.peak, 3)} (${fit.n} points)` : 'no fit');

/** The closing lines of a run. */
export function summaryLines(r: EvolveRecord): string[] {
  const s = r.summary;
  const rel = s.finalMetric.direction === 'lower' ? '≤' : '≥';
  return [
    `start metric: ${r.startMetric.metric.expression} (${r.startMetric.source}); safeguard ${r.safeguard}; anchors ${r.anchors.checksHash.slice(0, 12)} verified; backend ${r.backend}`,
    `proxy ${f(s.proxyStart)} → ${f(s.proxyEnd)};  anchor GT best ${f(s.anchorGtBest)} (gen ${s.anchorGtBestGen}) → final ${f(s.anchorGtFinal)} (drop ${f(s.anchorGtDrop)});  probe GT final ${f(s.probeGtFinal)};  disagreement ${f(s.disagreementFinal)}`,
    `episodes per member to anchor GT ≥ ${r.config.gtThreshold}: ${s.episodesToThreshold ?? 'not reached'};  metrics adopted ${s.metricsAdopted};  gameable measurements first in force at gen ${s.firstGameableGen ?? '—'}`,
    `final metric: ${s.finalMetric.expression} ${rel} ${s.finalMetric.threshold}${s.finalGameable.length ? `  (gameable: ${s.finalGameable.join(', ')})` : ''}`,
    `gtLoss final ${f(s.finalGtLoss)};  bias (the designer metric's gtLoss) ${f(s.finalBias)};  max drift ${f(s.maxDrift)};  anchor verdicts bought ${s.anchorVerdictsBought}${r.designerMetric ? `;  designer metric ${r.designerMetric.expression} (blind spot: ${r.designerMetric.blindSpot})` : ''}`,
    `Gao fit of gold vs d — selection: ${fitText(r.gao.selection)}; rl: ${fitText(r.gao.rl)}`,
  ];
}
