/** `mirage-lab compare DIR DIR…`: config differences and key results side by side. */
import type { CliCommand } from '../command.ts';
import { InputError } from '../../core/runtime.ts';
import { getExperiment } from '../../experiments/registry.ts';
import { canonicalJson } from '../../runs/record.ts';
import { summaryOf } from '../../runs/summary.ts';
import { readRunDir } from '../run-files.ts';

/** Flattens nested config objects into dotted keys (arrays stay whole). */
function flatten(obj: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v as Record<string, unknown>, `${prefix}${k}.`));
    else out[`${prefix}${k}`] = v;
  }
  return out;
}

export const compare: CliCommand = {
  name: 'compare',
  register: (program, { io }) => {
    program
      .command('compare')
      .description('Compare runs: the config fields that differ and each run\'s key result, side by side.')
      .argument('<dirs...>', 'two or more run folders')
      .option('--json', 'print one JSON object')
      .action((dirs: string[], o: { json?: boolean }) => {
        if (dirs.length < 2) throw new InputError('compare', dirs, 'two or more run folders');
        const summaries = dirs.map((d) => summaryOf(readRunDir(d).record));
        const flat = summaries.map((s) => flatten({ experiment: s.experiment, ...s.config }));
        const keys = [...new Set(flat.flatMap((f) => Object.keys(f)))].sort();
        const differs = keys.filter((k) => new Set(flat.map((f) => canonicalJson(f[k] ?? null))).size > 1);
        const keyResult = (i: number): string => {
          const s = summaries[i]!;
          if (s.status !== 'finished') return s.status;
          try {
            return getExperiment(s.experiment).keyResult?.(s.results) ?? 'finished';
          } catch {
            return 'finished';
          }
        };
        const sameContent = new Set(summaries.map((s) => s.contentHash)).size === 1;
        if (o.json) {
          return io.out(JSON.stringify({ runs: dirs.map((d, i) => ({ dir: d, status: summaries[i]!.status, contentHash: summaries[i]!.contentHash, key: keyResult(i), differing: Object.fromEntries(differs.map((k) => [k, flat[i]![k] ?? null])), results: summaries[i]!.results })), differs, sameContent }));
        }
        const rows: string[][] = [['', ...dirs]];
        for (const k of differs) rows.push([k, ...flat.map((f) => JSON.stringify(f[k] ?? null))]);
        rows.push(['status', ...summaries.map((s) => s.status)]);
        rows.push(['key result', ...summaries.map((_, i) => keyResult(i))]);
        rows.push(['content hash', ...summaries.map((s) => s.contentHash.slice(0, 12))]);
        const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
        for (const r of rows) io.out(r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
        if (differs.length === 0) io.out(sameContent ? 'same config and same content hash: the same run' : 'same config');
      });
  },
};
