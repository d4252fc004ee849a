/**
 * The page's side of the world views: the canvas element, the captions over it, clicks to
 * enlarge a view, and the choice of renderer. The grid itself (grid.ts, pixi) runs in the view
 * worker on an OffscreenCanvas when the browser has one, else on this thread (loaded lazily).
 */
import type { WorldView } from '../../core/view.ts';
import type { Attempt } from '../run/protocol.ts';
import type { ViewGrid } from './grid.ts';
import type { Playback, ViewIn, ViewOut, ViewStats } from './protocol.ts';

/** Which renderer to use, and why. */
export interface RendererChoice {
  readonly preference: 'webgl' | 'canvas';
  readonly reason: string;
  /** What the browser reports as its WebGL renderer ('no WebGL' without one). */
  readonly gpu: string;
}

/** Picks canvas on software WebGL (SwiftShader, llvmpipe) or without WebGL, WebGL on a GPU; `override` wins. */
export function chooseRenderer(override: string): RendererChoice {
  let gpu = 'no WebGL';
  try {
    const c = document.createElement('canvas');
    const gl = c.getContext('webgl');
    if (gl) {
      const info = gl.getExtension('WEBGL_debug_renderer_info');
      gpu = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
      gl.getExtension('WEBGL_lose_context')?.loseContext();
    }
  } catch {
    gpu = 'no WebGL';
  }
  const software = /swiftshader|llvmpipe|softpipe|software|lavapipe/i.test(gpu);
  if (override === 'webgl' || override === 'canvas') return { preference: override, reason: `renderer=${override} in the URL${software ? ' (software WebGL)' : ''}`, gpu };
  if (gpu === 'no WebGL') return { preference: 'canvas', reason: 'no WebGL: canvas fallback', gpu };
  if (software) return { preference: 'canvas', reason: 'software WebGL: canvas is faster', gpu };
  return { preference: 'webgl', reason: 'a GPU', gpu };
}

/** The views as the page sees them, wherever the grid runs. */
export class ViewHost {
  private readonly canvas = document.createElement('canvas');
  private readonly captions = document.createElement('div');
  private worker: Worker | undefined;
  private grid: ViewGrid | undefined;
  private remote: ViewStats = { frames: 0, renders: 0, attemptsDrawn: 0, frameMs: 0 };
  private learners = 0;
  private tasks = 0;
  private zoomed = -1;
  /** The stage's drawing size, measured at start and on resize only: reading it on every new run forced a layout of the page (60+ ms under load). */
  private box = { width: 1, height: 1 };
  /** Where the grid runs: 'view worker' (OffscreenCanvas) or 'page thread'. */
  thread = '';
  /** Called when the shown cycle has played and the next is wanted. */
  onWant: () => void = () => undefined;
  /** Called when the view worker fails. */
  onError: (message: string) => void = () => undefined;

  /** Says what the empty stage is waiting for, until the first attempts arrive (a loaded machine takes seconds). */
  private readonly note = document.createElement('p');

  constructor(
    private readonly parent: HTMLElement,
    private readonly playback: Playback,
  ) {
    this.note.className = 'stage-note';
    this.note.textContent = 'Starting the run: the learners’ first throws appear here in a few seconds.';
    parent.append(this.note);
  }

  /** Starts the grid; returns the pixi renderer's name. */
  async init(choice: RendererChoice, opts: { offscreen: boolean }): Promise<string> {
    this.canvas.className = 'views';
    this.captions.className = 'view-captions';
    this.captions.setAttribute('aria-hidden', 'true');
    this.parent.append(this.canvas, this.captions);
    this.box = this.measure();
    const { width, height } = this.box;
    const resolution = Math.min(2, window.devicePixelRatio || 1);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.canvas.addEventListener('click', (ev) => this.click(ev));
    new ResizeObserver(() => this.resized()).observe(this.parent);
    let renderer: string;
    if (opts.offscreen && typeof this.canvas.transferControlToOffscreen === 'function') {
      const w = new Worker(new URL('./render.worker.ts', import.meta.url), { type: 'module', name: 'views' });
      this.worker = w;
      const offscreen = this.canvas.transferControlToOffscreen();
      renderer = await new Promise<string>((resolve, reject) => {
        w.onmessage = (ev: MessageEvent<ViewOut>) => {
          const m = ev.data;
          if (m.type === 'ready') resolve(m.renderer);
          else if (m.type === 'want') this.onWant();
          else if (m.type === 'stats') this.remote = { frames: m.frames, renders: m.renders, attemptsDrawn: m.attemptsDrawn, frameMs: m.frameMs };
          else {
            reject(new Error(m.message));
            this.onError(m.message);
          }
        };
        w.onerror = (ev) => {
          reject(new Error(ev.message));
          this.onError(ev.message || 'the view worker failed');
        };
        this.send({ type: 'init', canvas: offscreen, width, height, resolution, preference: choice.preference, playback: { ...this.playback } }, [offscreen]);
      });
      this.thread = 'view worker';
    } else {
      const { ViewGrid } = await import('./grid.ts');
      const g = new ViewGrid(this.playback);
      this.grid = g;
      g.onWant = () => this.onWant();
      renderer = await g.init({ canvas: this.canvas, width, height, resolution, preference: choice.preference });
      this.thread = 'page thread';
    }
    return renderer;
  }

  private send(m: ViewIn, transfer: Transferable[] = []): void {
    this.worker?.postMessage(m, transfer);
  }

  private size(): { width: number; height: number } {
    return this.box;
  }

  private measure(): { width: number; height: number } {
    const r = this.parent.getBoundingClientRect();
    // The stage's border is not drawing area.
    return { width: Math.max(1, Math.floor(r.width - 2)), height: Math.max(1, Math.floor(r.height - 2)) };
  }

  private resized(): void {
    this.box = this.measure();
    const { width, height } = this.box;
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    if (this.grid) this.grid.resize(width, height);
    else this.send({ type: 'resize', width, height });
    this.placeCaptions();
  }

  /** A new run's views: `learners` rows, one column per view. */
  setViews(views: WorldView[], learners: number, rowLabel = (l: number) => `learner ${l + 1}`): void {
    this.learners = learners;
    this.tasks = views.length;
    this.zoomed = -1;
    this.captions.replaceChildren();
    for (let l = 0; l < learners; l++) {
      for (let t = 0; t < views.length; t++) {
        const s = document.createElement('span');
        s.textContent = `${rowLabel(l)} · task ${t + 1}`;
        this.captions.append(s);
      }
    }
    this.placeCaptions();
    if (this.grid) this.grid.setViews(views, learners);
    else this.send({ type: 'views', views, learners });
  }

  /** The next attempts (their typed arrays are transferred to the view worker). */
  push(attempts: Attempt[]): void {
    this.note.remove();
    if (this.grid) {
      this.grid.push(attempts);
      return;
    }
    const transfer = new Set<ArrayBuffer>();
    for (const a of attempts) {
      transfer.add(a.t.buffer as ArrayBuffer);
      for (const ch of Object.values(a.channels)) transfer.add(ch.buffer as ArrayBuffer);
    }
    this.send({ type: 'attempts', attempts }, [...transfer]);
  }

  /** Playback settings changed (pause, speed, follow). */
  refresh(): void {
    if (this.grid) this.grid.refresh();
    else this.send({ type: 'playback', playback: { ...this.playback } });
  }

  /** Shows the next bit of the attempts on screen (the step control; pauses). */
  step(): void {
    this.refresh();
    if (this.grid) this.grid.step();
    else this.send({ type: 'step' });
  }

  /** Enlarges view `index` (-1: back to the grid). */
  zoom(index: number): void {
    this.zoomed = index;
    if (this.grid) this.grid.zoom(index);
    else this.send({ type: 'zoom', index });
    this.placeCaptions();
  }

  /** The grid's counters. */
  stats(): ViewStats {
    return this.grid ? this.grid.stats() : { ...this.remote };
  }

  private click(ev: MouseEvent): void {
    if (this.zoomed >= 0 || this.tasks === 0) {
      this.zoom(-1);
      return;
    }
    const rect = this.canvas.getBoundingClientRect();
    const col = Math.min(this.tasks - 1, Math.floor(((ev.clientX - rect.left) / rect.width) * this.tasks));
    const row = Math.min(this.learners - 1, Math.floor(((ev.clientY - rect.top) / rect.height) * this.learners));
    this.zoom(row * this.tasks + col);
  }

  private placeCaptions(): void {
    const { width, height } = this.size();
    const cw = width / Math.max(1, this.tasks);
    const ch = height / Math.max(1, this.learners);
    Array.from(this.captions.children).forEach((el, i) => {
      const span = el as HTMLElement;
      const big = this.zoomed === i;
      span.hidden = this.zoomed >= 0 && !big;
      const x = big ? 0 : (i % this.tasks) * cw;
      const y = big ? 0 : Math.floor(i / this.tasks) * ch;
      span.style.transform = `translate(${Math.round(x + 4)}px, ${Math.round(y + 2)}px)`;
      span.classList.toggle('big', big);
    });
  }
}
