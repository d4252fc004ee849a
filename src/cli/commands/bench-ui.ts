/**
 * `mirage-lab bench ui`: the app in headless Chromium for 20 s (fps, long tasks, first point, JS
 * size); `mirage-lab bench classroom`: every lesson's ready time and first result after a prediction.
 */
import type { Command } from 'commander';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { benchUi, ROOT } from '../../bench/ui.ts';
import { benchClassroom } from '../../bench/classroom.ts';
import { InputError } from '../../core/runtime.ts';
import { LESSONS_DIR } from './lessons.ts';
import { parseOption, wholeNumber } from '../input.ts';
import type { CliIO } from '../io.ts';

/** Adds `ui` under the `bench` command. */
export function registerBenchUi(bench: Command, io: CliIO): void {
  bench
    .command('ui')
    .description('Build and serve the app, run it in headless Chromium (36 views, workers training) and report fps, long tasks, first chart point and JS size.')
    .option('--seconds <n>', 'length of the run in the browser', '20')
    .option('--json', 'print one JSON object as the last line')
    .action(async (o: { seconds: string; json?: boolean }) => {
      const seconds = parseOption('--seconds', wholeNumber('--seconds', 5, 600), o.seconds);
      const r = await benchUi({ seconds, outDir: path.join(ROOT, 'dist'), onLine: o.json ? undefined : io.out });
      if (o.json) {
        const { views, fps, longTasksOver50ms, firstPointMs, jsGzipKb, ...rest } = r;
        return io.out(JSON.stringify({ views, fps, longTasksOver50ms, firstPointMs, jsGzipKb, ...rest }));
      }
      io.out(`${r.views} views on ${r.renderer}: ${r.fps} fps (${r.rendersPerSecond} renders/s), ${r.longTasksOver50ms} long tasks > 50 ms, first chart point at ${r.firstPointMs} ms, ${r.jsGzipKb} KB of JS (gzip)`);
    });
}

/** Adds `classroom` under the `bench` command. */
export function registerBenchClassroom(bench: Command, io: CliIO): void {
  bench
    .command('classroom')
    .description("Build and serve the app; for every lesson, ms from opening its link until its first step is usable, and, on its first predict step, ms from the prediction to the first result (headless Chromium).")
    .option('--lesson <id...>', 'only these lessons (default: every built-in lesson)')
    .option('--json', 'print one JSON object as the last line')
    .action(async (o: { lesson?: string[]; json?: boolean }) => {
      const known = readdirSync(LESSONS_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length)).sort();
      for (const id of o.lesson ?? []) if (!known.includes(id)) throw new InputError('--lesson', id, `a built-in lesson id (${known.join(', ')})`);
      const r = await benchClassroom({ outDir: path.join(ROOT, 'dist'), only: o.lesson, onLine: io.out });
      if (o.json) return io.out(JSON.stringify(r));
      io.out(`slowest: ready ${r.maxReadyMs} ms (target ≤ 5000), first result ${r.maxFirstResultMs ?? '—'} ms after a prediction (target ≤ 10000)`);
    });
}
