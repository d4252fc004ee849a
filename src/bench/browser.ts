/**
 * The app in a real browser, for the benches (`bench ui`, `bench classroom`) and the browser
 * tests: build it with Vite, serve dist/ from a sub-path, drive Debian's headless Chromium.
 * Node only; vite and playwright-core load on demand.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';

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

/** The app built into `outDir`, served under `prefix` and open in a headless Chromium. */
export interface ServedApp {
  readonly url: string;
  readonly browser: Browser;
  /** A new page of `viewport` size at `query` (relative to the app's URL), its page errors collected. */
  open(query?: string, viewport?: { width: number; height: number }): Promise<{ page: Page; errors: string[] }>;
}

/** Builds, serves and opens the app, runs `fn`, and always closes the browser and the server. */
export async function withServedApp<T>(opts: { outDir: string; prefix: string; onLine?: (s: string) => void }, fn: (app: ServedApp) => Promise<T>): Promise<T> {
  opts.onLine?.('building the app…');
  await buildApp(opts.outDir);
  const server = await serveStatic(opts.outDir, opts.prefix);
  const browser = await launchChromium();
  try {
    return await fn({
      url: server.url,
      browser,
      open: async (query = '', viewport = { width: 1280, height: 900 }) => {
        const page = await browser.newPage({ viewport });
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(server.url + query);
        return { page, errors };
      },
    });
  } finally {
    await browser.close();
    await server.close();
  }
}
