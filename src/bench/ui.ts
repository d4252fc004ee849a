/**
 * `mirage-lab bench ui`: builds the app, serves dist/ from a sub-path, runs it in headless
 * Chromium and reads the page's own counters (animation frames, long tasks, first chart point).
 * The browser tests use the same helpers. Node only; vite and playwright-core load on demand.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';

/** The repository root (where index.html and vite.config.ts are). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Chromium on this machine (Debian's package); CHROMIUM_PATH overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Flags for a closed network and a container (without them Chromium keeps calling home). */
export const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Runs `vite build` into `outDir` (relative paths: the site works from any sub-path). */
export async function buildApp(outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({ root: ROOT, logLevel: 'error', build: { outDir, emptyOutDir: true } });
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json' };

/** Serves `dir` under `prefix` (e.g. '/class/demo/') on 127.0.0.1; a static host in a few lines. */
export async function serveStatic(dir: string, prefix = '/'): Promise<{ url: string; close: () => Promise<void> }> {
  const root = path.resolve(dir);
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (!u.pathname.startsWith(prefix)) {
      res.writeHead(404).end();
      return;
    }
    let rel = decodeURIComponent(u.pathname.slice(prefix.length));
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('static server has no address');
  return { url: `http://127.0.0.1:${addr.port}${prefix}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Starts headless Chromium with the closed-network flags. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Total gzip size of the built JavaScript (page, chunks and workers), in KB. */
export function jsGzipKb(dir: string): number {
  let bytes = 0;
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js')) bytes += gzipSync(readFileSync(p)).length;
    }
  };
  walk(dir);
  return Math.round(bytes / 1024);
}

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
  opts.onLine?.('building the app…');
  await buildApp(opts.outDir);
  const server = await serveStatic(opts.outDir, '/mirage/lab/');
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
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
  } finally {
    await browser.close();
    await server.close();
  }
}
