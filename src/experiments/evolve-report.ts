/**
 * Text reports of evolve runs and α sweeps, for the CLI (plain strings, no I/O): a row per
 * generation, a line per decision, the closing summary, and the frontier table of a sweep.
 */
import type { GaoFit } from '../anchors/index.ts';
import type { DecisionRecord, EvolveRecord, GenerationRecord } from './evolve.ts';
import type { SweepResult } from './sweep.ts';

const f = (x: number | null | undefined, digits = 2): string => (x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(digits));
const pad = (s: string, n: number): string => s.padStart(n);

/** The column header of `generationRow`. */
export const GENERATION_HEADER = '  gen  episodes   proxy  anchorGt  probeGt  disagr  shiftGap  metric';

/** One generation as a table row. */
export function generationRow(g: GenerationRecord): string {
  const rel = g.direction === 'lower' ? '≤' : '≥';
  return `${pad(String(g.gen), 5)}  ${pad(String(g.episodes), 8)}  ${pad(f(g.proxy), 6)}  ${pad(f(g.anchorGt), 8)}  ${pad(f(g.probeGt), 7)}  ${pad(f(g.disagreement), 6)}  ${pad(f(g.shiftGap), 8)}  ${g.metric} ${rel} ${g.threshold}`;
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
    `Gao fit of gold vs d — selection: ${fitText(r.gao.selection)}; rl: ${fitText(r.gao.rl)}`,
  ];
}

/** The frontier of a sweep as a table. */
export function frontierLines(sweep: SweepResult): string[] {
  const lines = [`α sweep on ${sweep.world}, seeds ${sweep.seeds.join(', ')} (means over seeds)`, '    α  probeGt  anchorGt  best→final drop  disagr  episodes→GT  proxy  Gao rl fit (gold vs d)'];
  for (const p of sweep.frontier) {
    lines.push(
      `${pad(f(p.alpha), 5)}  ${pad(f(p.finalProbeGt), 7)}  ${pad(f(p.finalAnchorGt), 8)}  ${pad(f(p.anchorGtDrop), 15)}  ${pad(f(p.finalDisagreement), 6)}  ${pad(p.episodesToThreshold === null ? '—' : `${Math.round(p.episodesToThreshold)} (${p.reached}/${p.runs})`, 11)}  ${pad(f(p.proxyEnd), 5)}  ${fitText(p.gao.rl)}`,
    );
  }
  return lines;
}
