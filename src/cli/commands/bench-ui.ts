/** `mirage-lab bench ui`: the app in headless Chromium for 20 s (fps, long tasks, first point, JS size). */
import type { Command } from 'commander';
import path from 'node:path';
import { benchUi, ROOT } from '../../bench/ui.ts';
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
