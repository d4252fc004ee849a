import { existsSync, readFileSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORLDS } from '../../worlds/index.ts';
import type { GoldenRecord } from '../golden/golden.ts';

// Cross-runtime determinism: the physics workers in real Chromium must reproduce, bitwise, the
// golden digests stored from Node. CI installs Debian's chromium (.ci/run); on a machine
// without it the suite is skipped with a message, never silently passed in CI.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) throw new Error(`CI needs ${CHROMIUM} for the browser tests (apt-get install chromium)`);
if (!haveChromium) console.warn(`browser tests skipped: ${CHROMIUM} not found (apt-get install chromium)`);

/** Flags for a closed network: without them Chromium keeps trying to reach Google's hosts. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe.skipIf(!haveChromium)('browser determinism', () => {
  let server: ViteDevServer;
  let browser: Browser;
  let base = '';

  beforeAll(async () => {
    server = await createServer({ root: new URL('../..', import.meta.url).pathname, logLevel: 'error', server: { host: '127.0.0.1', port: 0 } });
    await server.listen();
    const addr = server.httpServer?.address();
    if (!addr || typeof addr === 'string') throw new Error('vite dev server has no address');
    base = `http://127.0.0.1:${addr.port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('every world replays its Node golden digest bitwise in Chromium Web Workers', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/tests/browser/index.html`);
    await page.waitForFunction(() => window.mirageGolden !== undefined, undefined, { timeout: 120_000 });
    const result = await page.evaluate(() => window.mirageGolden);
    expect(errors).toEqual([]);
    if (!result?.ok) throw new Error(`browser run failed: ${result?.error}`);
    expect(result.deterministicMath.every(Boolean)).toBe(true);
    for (const world of WORLDS) {
      const stored = JSON.parse(readFileSync(new URL(`../golden/${world.id}.json`, import.meta.url), 'utf8')) as GoldenRecord;
      expect({ world: world.id, hash: result.digests[world.id] }).toEqual({ world: world.id, hash: stored.hash });
    }
  });
});
