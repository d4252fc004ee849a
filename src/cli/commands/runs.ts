/** `mirage-lab runs [dir]`: the runs under a folder (default runs/), newest first. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CliCommand } from '../command.ts';
import { InputError } from '../../core/runtime.ts';
import { getExperiment } from '../../experiments/registry.ts';
import { summaryOf, type RunSummary } from '../../runs/summary.ts';
import { RECORD_FILE, readRunDir } from '../run-files.ts';

/** A run folder found by `runs`: its summary, or why it cannot be read. */
export type FoundRun = { dir: string; summary: RunSummary; key: string } | { dir: string; error: string };

/** Run folders at `root` itself or one and two levels below it. */
export function findRuns(root: string): FoundRun[] {
  const dirs: string[] = [];
  const walk = (d: string, depth: number) => {
    if (existsSync(path.join(d, RECORD_FILE))) dirs.push(d);
    if (depth === 0) return;
    for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(path.join(d, e.name), depth - 1);
  };
  walk(root, 2);
  return dirs.map((dir) => {
    try {
      const summary = summaryOf(readRunDir(dir).record);
      let key = '';
      if (summary.status === 'finished') {
        try {
          key = getExperiment(summary.experiment).keyResult?.(summary.results) ?? '';
        } catch {
          key = '';
        }
      }
      return { dir, summary, key };
    } catch (err) {
      return { dir, error: err instanceof Error ? err.message : String(err) };
    }
  });
}

export const runs: CliCommand = {
  name: 'runs',
  register: (program, { io }) => {
    program
      .command('runs')
      .description('List the runs under a folder (default runs/), newest first: experiment, seed, status, key result.')
      .argument('[dir]', 'folder holding run folders', 'runs')
      .option('--json', 'print one JSON array')
      .action((root: string, o: { json?: boolean }) => {
        if (!existsSync(root) || !statSync(root).isDirectory()) throw new InputError('runs', root, 'a folder of runs (made by `mirage-lab run`)');
        const found = findRuns(root).sort((a, b) => ('summary' in b ? b.summary.startedAt : '').localeCompare('summary' in a ? a.summary.startedAt : ''));
        if (o.json) return io.out(JSON.stringify(found.map((f) => ('summary' in f ? { dir: f.dir, experiment: f.summary.experiment, seed: f.summary.seed, status: f.summary.status, startedAt: f.summary.startedAt, shard: f.summary.shard, contentHash: f.summary.contentHash, key: f.key } : f))));
        if (found.length === 0) return io.out(`no runs under ${root}`);
        for (const f of found) {
          if ('error' in f) io.out(`${'?'.padEnd(24)}  ${'unreadable'.padEnd(11)}  ${f.dir}: ${f.error}`);
          else {
            const s = f.summary;
            io.out(`${s.startedAt.slice(0, 19).padEnd(24)}  ${s.status.padEnd(11)}  ${s.experiment} seed ${s.seed}${s.shard ? ` shard ${s.shard.index}/${s.shard.count}` : ''}${f.key ? ` · ${f.key}` : ''} · ${f.dir}`);
          }
        }
      });
  },
};
