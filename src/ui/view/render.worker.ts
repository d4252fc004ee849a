/**
 * The view worker: the pixi grid drawn on an OffscreenCanvas the page transferred, so drawing,
 * rasterising and committing frames never run on the page's thread (on a software canvas the
 * commit of a 1280×560 bitmap alone took ~40% of the page's thread here). The page forwards
 * attempts (transferred), playback, size and zoom; the grid asks for the next cycle ('want')
 * and reports its counters.
 */
import { DOMAdapter, WebWorkerAdapter } from 'pixi.js';
import { ViewGrid } from './grid.ts';
import type { ViewIn, ViewOut } from './protocol.ts';

DOMAdapter.set(WebWorkerAdapter);
const post = (m: ViewOut): void => (self as unknown as Worker).postMessage(m);
let grid: ViewGrid | undefined;
// Messages that arrive while pixi initialises wait for it, in order.
let ready: Promise<void> = Promise.resolve();

function handle(m: ViewIn): void | Promise<void> {
  if (m.type === 'init') {
    const g = new ViewGrid(m.playback);
    grid = g;
    g.onWant = () => post({ type: 'want' });
    return g.init(m).then((renderer) => {
      post({ type: 'ready', renderer });
      setInterval(() => post({ type: 'stats', ...g.stats() }), 250);
    });
  }
  if (!grid) return;
  if (m.type === 'resize') grid.resize(m.width, m.height);
  else if (m.type === 'views') grid.setViews(m.views, m.learners);
  else if (m.type === 'attempts') grid.push(m.attempts);
  else if (m.type === 'playback') {
    grid.playback = m.playback;
    grid.refresh();
  } else if (m.type === 'step') grid.step();
  else grid.zoom(m.index);
}

self.onmessage = (ev: MessageEvent<ViewIn>) => {
  ready = ready.then(() => handle(ev.data)).catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
};
