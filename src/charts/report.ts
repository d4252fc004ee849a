/**
 * The run report: one self-contained HTML file (inline CSS and SVG, no script, no external
 * link) built from the record alone: status and key result, charts, final scores with their
 * uncertainty, the config, the gate's decisions and the metric lineage they form, the results,
 * and the provenance (versions, hashes). `buildReport` is pure; the CLI writes the files.
 */
import type { AnyExperiment, ExperimentEvent } from '../experiments/types.ts';
import type { RunSummary } from '../runs/summary.ts';
import { chartsOf, finalScores, type ChartSpec } from './specs.ts';
import { renderSvg } from './render.ts';

/** A rendered chart. */
export interface RenderedChart {
  readonly id: string;
  readonly title: string;
  readonly svg: string;
}

/** What a report is made of. */
export interface ReportInput {
  readonly summary: RunSummary;
  /** The record's effective events (in order). */
  readonly events: readonly ExperimentEvent[];
  /** The registered experiment, if this build still has it (for titles, charts, key result). */
  readonly experiment?: AnyExperiment;
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const fmt = (v: number | null): string => (v === null ? '—' : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toPrecision(4));

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '<p class="none">none</p>';
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

/** Adopted proposals as chains parent → child (one set of chains per seed): the metric lineage of a run. */
export function metricLineage(events: readonly ExperimentEvent[]): { seed: number | null; chain: string[] }[] {
  const chains: { seed: number | null; chain: string[] }[] = [];
  for (const e of events) {
    if (e.type !== 'decision' || !e.adopted) continue;
    const seed = e.seed ?? null;
    const open = chains.find((c) => c.seed === seed && c.chain.at(-1) === e.parent);
    if (open) open.chain.push(e.proposal);
    else chains.push({ seed, chain: e.parent !== undefined ? [e.parent, e.proposal] : [e.proposal] });
  }
  return chains;
}

/** The charts of a run, rendered to SVG. */
export async function renderCharts(input: ReportInput): Promise<{ spec: ChartSpec; svg: string }[]> {
  const specs = chartsOf(input.events, input.experiment?.charts ?? []);
  const out: { spec: ChartSpec; svg: string }[] = [];
  for (const spec of specs) out.push({ spec, svg: await renderSvg(spec.spec) });
  return out;
}

/** The report's HTML, given rendered charts. */
export function reportHtml(input: ReportInput, charts: readonly RenderedChart[]): string {
  const s = input.summary;
  const exp = input.experiment;
  const title = `${exp?.title ?? s.experiment} — seed ${s.seed}`;
  let key = '';
  if (s.status === 'finished' && exp?.keyResult) {
    try {
      key = exp.keyResult(s.results);
    } catch {
      key = '';
    }
  }
  const scores = finalScores(input.events).map((r) => [esc(r.chart), esc(r.series), fmt(r.x), r.sd === null ? fmt(r.mean) : `${fmt(r.mean)} ± ${fmt(r.sd)}`, String(r.n)]);
  const decisions = input.events.flatMap((e) => (e.type === 'decision' ? [e] : []));
  const withCells = decisions.some((d) => d.cell !== undefined);
  const decisionRows = decisions.map((d) => [
    ...(withCells ? [d.cell === undefined ? '' : String(d.cell)] : []),
    d.generation === undefined ? '' : String(d.generation),
    d.seed === undefined ? '' : String(d.seed),
    `<code>${esc(d.proposal)}</code>`,
    d.parent ? `<code>${esc(d.parent)}</code>` : '',
    d.adopted ? '<b>adopted</b>' : 'rejected',
    esc(d.reason),
  ]);
  const lineage = metricLineage(input.events).map(({ seed, chain }) => `<li>${seed === null ? '' : `seed ${seed}: `}${chain.map((m) => `<code>${esc(m)}</code>`).join(' → ')}</li>`);
  const configRows = Object.entries(s.config).map(([k, v]) => [`<code>${esc(k)}</code>`, `<code>${esc(JSON.stringify(v))}</code>`]);
  const prov: [string, string][] = [
    ['experiment', s.experiment],
    ['status', s.status],
    ['seed', String(s.seed)],
    ['shard', s.shard ? `${s.shard.index}/${s.shard.count}` : 'unsharded'],
    ['started', s.startedAt],
    ['finished', s.finishedAt ?? '—'],
    ['content hash', s.contentHash],
    ['config hash', s.configHash],
    ['anchors hash', s.anchorsHash],
    ['backend', s.backend],
    ['mirage-lab', s.versions.mirageLab],
    ['runtime', s.versions.runtime],
    ['packages', Object.entries(s.versions.packages).map(([k, v]) => `${k} ${v}`).join(', ')],
    ['worlds', Object.entries(s.versions.worlds).map(([k, v]) => `${k} v${v}`).join(', ')],
    ['record version', String(s.recordVersion)],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;max-width:1040px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f4f4f4}code{font-size:.92em}.charts{display:flex;flex-wrap:wrap;gap:1em}.none{color:#888}
.status-finished{color:#176117}.status-interrupted,.status-incomplete{color:#a15c00}pre{background:#f7f7f7;padding:.75em;overflow:auto;max-height:30em}
</style></head><body>
<h1>${esc(title)}</h1>
<p>${esc(exp?.description ?? '')}</p>
<p>Status: <b class="status-${s.status}">${esc(s.status)}</b>${key ? ` · ${esc(key)}` : ''} · content hash <code>${esc(s.contentHash.slice(0, 16))}…</code></p>
<h2>Charts</h2>
<div class="charts">${charts.map((c) => `<figure id="chart-${esc(c.id)}" aria-label="${esc(c.title)}">${c.svg}</figure>`).join('\n') || '<p class="none">no charted events</p>'}</div>
<h2>Final scores</h2>
<p>Value of each series at its last point; mean ± sample standard deviation over seeds where there is more than one (n = seeds).</p>
${table(['chart', 'series', 'x', 'value', 'n'], scores)}
<h2>Config</h2>
${table(['field', 'value'], configRows)}
<h2>Gate decisions</h2>
${table([...(withCells ? ['cell'] : []), 'generation', 'seed', 'proposal', 'replacing', 'verdict', 'reason'], decisionRows)}
<h2>Metric lineage</h2>
${lineage.length ? `<ul>${lineage.join('')}</ul>` : '<p class="none">no metric adopted</p>'}
<h2>Results</h2>
<pre>${esc(JSON.stringify(s.results, null, 2) ?? 'null')}</pre>
<h2>Provenance</h2>
${table(['', ''], prov.map(([k, v]) => [esc(k), `<code>${esc(v)}</code>`]))}
</body></html>
`;
}

/** Renders the charts and the HTML of a run's report. */
export async function buildReport(input: ReportInput): Promise<{ html: string; charts: RenderedChart[] }> {
  const rendered = (await renderCharts(input)).map(({ spec, svg }) => ({ id: spec.id, title: spec.title, svg }));
  return { html: reportHtml(input, rendered), charts: rendered };
}
