/**
 * `mirage-lab bench ui`: builds the app, serves dist/ from a sub-path, runs it in headless
 * Chromium and reads the page's own counters (animation frames, long tasks, first chart point).
 * The build, serve and browser helpers live in browser.ts (re-exported here for the tests).
 */
import { jsGzipKb, withServedApp } from './browser.ts';

export { buildApp, CHROMIUM, CHROMIUM_ARGS, jsGzipKb, launchChromium, ROOT, serveStatic, withServedApp, type ServedApp } from './browser.ts';

/** What `bench ui --json` prints. */
export interface UiBench {
  views: number;
  /** Frames per second of the views' frame loop (in the view worker, or on the page thread without OffscreenCanvas), from 2 s after the first frame to the end. */
  fps: number;
  /** Where the views draw: 'view worker' or 'page thread'. */
  viewThread: string;
  /** Frames actually rendered per second (a grid at rest is not re-rendered). */
  rendersPerSecond: number;
  /** Main-thread tasks over 50 ms from 2 s after the first frame to the end. */
  longTasksOver50ms: number;
  /** Navigation start to the first chart point, in ms. */
  firstPointMs: number | null;
  jsGzipKb: number;
  renderer: string | null;
  generations: number;
  attemptsDrawn: number;
}

interface PageState {
  frames: number;
  viewThread: string;
  renders: number;
  attemptsDrawn: number;
  generations: number;
  renderer: string | null;
}
interface PagePerf {
  longTasks: { start: number; duration: number }[];
  firstFrameMs: number | null;
  firstPointMs: number | null;
}

/** Builds, serves and runs the app for `seconds` in headless Chromium. */
export async function benchUi(opts: { seconds: number; outDir: string; onLine?: (s: string) => void }): Promise<UiBench> {
  return withServedApp({ outDir: opts.outDir, prefix: '/mirage/lab/', onLine: opts.onLine }, async (app) => {
    const { page, errors } = await app.open();
    // The page's own counters; evaluated as strings so this Node file names no DOM global.
    const state = (): Promise<PageState> => page.evaluate('window.mirageApp.state()') as Promise<PageState>;
    const perf = (): Promise<PagePerf> => page.evaluate('window.mirageApp.perf()') as Promise<PagePerf>;
    const now = (): Promise<number> => page.evaluate('performance.now()') as Promise<number>;
    await page.waitForFunction('window.mirageApp && window.mirageApp.perf().firstFrameMs !== null', undefined, { timeout: 60_000 });
    const firstFrame = (await perf()).firstFrameMs as number;
    // The window opens 2 s after the first frame and lasts until `seconds` after it.
    const windowStart = firstFrame + 2000;
    while ((await now()) < windowStart) await page.waitForTimeout(100);
    const a = await state();
    const t0 = await now();
    opts.onLine?.(`measuring for ${opts.seconds - 2} s…`);
    await page.waitForTimeout((opts.seconds - 2) * 1000);
    const b = await state();
    const t1 = await now();
    const p = await perf();
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    const secs = (t1 - t0) / 1000;
    return {
      views: 36,
      fps: Math.round(((b.frames - a.frames) / secs) * 10) / 10,
      viewThread: b.viewThread,
      rendersPerSecond: Math.round(((b.renders - a.renders) / secs) * 10) / 10,
      longTasksOver50ms: p.longTasks.filter((t) => t.start >= windowStart && t.duration > 50).length,
      firstPointMs: p.firstPointMs === null ? null : Math.round(p.firstPointMs),
      jsGzipKb: jsGzipKb(opts.outDir),
      renderer: b.renderer,
      generations: b.generations,
      attemptsDrawn: b.attemptsDrawn,
    };
  });
}
