/**
 * The world views: one pixi renderer, one canvas, a container per view (headless Chromium
 * keeps at most 16 live WebGL contexts, so never a canvas per view). No DOM here: the grid
 * runs in the view worker on an OffscreenCanvas (render.worker.ts) or, without one, on
 * the page's thread (host.ts owns the DOM side: the canvas element, captions, clicks). Every world is drawn by
 * the same code from its `view(params, task)` data: static shapes once, then the bodies moved
 * by the trajectory channels the view names, with fading ghost trails of earlier attempts.
 *
 * Colours: green = ground truth passes; red = fails; amber = the metric says pass but ground
 * truth fails (a mirage).
 */
import { Application, Container, Graphics } from 'pixi.js';
import type { ViewShape, WorldView } from '../../core/view.ts';
import type { Attempt } from '../run/protocol.ts';
import type { Playback, ViewStats } from './protocol.ts';

const COLOURS = { pass: 0x2e9e44, fail: 0xd8403a, mirage: 0xf0a020, idle: 0x8a8f98 } as const;
const ROLE_COLOURS: Record<ViewShape['role'], number> = {
  ground: 0x6b5a45,
  wall: 0x555a63,
  zone: 0x3a7bd5,
  target: 0x3a7bd5,
  hazard: 0xb03a8a,
  hoop: 0x9c6ade,
  marker: 0x999999,
  launcher: 0x333333,
};
const GHOSTS = 4;
/** Points per drawn path in the grid: enough for an arc, few enough for 36 views on a canvas renderer (an enlarged view draws every sample). */
const TRAIL_POINTS = 28;
const GHOST_POINTS = 20;

/** The colour of an attempt by its two judges. */
export function judgeColour(a: Pick<Attempt, 'gtPass' | 'metricPass'>): number {
  if (a.gtPass) return COLOURS.pass;
  return a.metricPass ? COLOURS.mirage : COLOURS.fail;
}

interface Cell {
  readonly index: number;
  readonly learner: number;
  readonly task: number;
  /** Static shapes and ghost trails: in the cached background layer. */
  readonly back: Container;
  /** The current attempt's trail and bodies: redrawn every frame. */
  readonly root: Container;
  readonly statics: Graphics;
  readonly ghosts: Graphics;
  readonly trail: Graphics;
  readonly bodies: Graphics[];
  view: WorldView | undefined;
  /** Pixels per metre and the cell's origin offset. */
  k: number;
  ox: number;
  oy: number;
  w: number;
  h: number;
  current: Attempt | undefined;
  history: Attempt[];
}


/** The grid of views on one canvas. */
export class ViewGrid {
  readonly app = new Application();
  private cells: Cell[] = [];
  private views: WorldView[] = [];
  private learners = 0;
  private tasks = 0;
  private clock = 0;
  private cycleEnd = 0;
  private pending: Attempt[] | undefined;
  private zoomed = -1;
  private frames = 0;
  private renders = 0;
  /** Main-thread time spent drawing and rendering, in ms (the bench reports it per frame). */
  frameMs = 0;
  /** Something changed since the last render. */
  private dirty = true;
  private lastClock = -1;
  /** Attempts drawn so far (tests read it). */
  attemptsDrawn = 0;
  /** Called when the current cycle has been shown and the next one is wanted. */
  onWant: () => void = () => undefined;

  /**
   * Two layers: the background (static shapes, ghosts) is rendered into a cached texture
   * and redrawn only when it changes (a new attempt, a layout, a follow); the foreground (36
   * trails and bodies) every frame. On the canvas renderer this turns ~400 path fills
   * text blits per frame into one image blit.
   */
  private readonly background = new Container();
  private readonly foreground = new Container();
  private backDirty = true;
  /** The drawing area in CSS pixels. */
  private size = { w: 1, h: 1 };

  constructor(public playback: Playback) {}

  /** The grid's counters. */
  stats(): ViewStats {
    return { frames: this.frames, renders: this.renders, attemptsDrawn: this.attemptsDrawn, frameMs: this.frameMs };
  }

  /** Creates the renderer on `canvas` (a page canvas or an OffscreenCanvas in a worker). */
  async init(o: { canvas: HTMLCanvasElement | OffscreenCanvas; width: number; height: number; resolution: number; preference: 'webgl' | 'canvas' }): Promise<string> {
    await this.app.init({
      canvas: o.canvas as HTMLCanvasElement,
      preference: o.preference,
      background: 0xfbfaf7,
      antialias: o.preference === 'webgl',
      width: Math.max(1, o.width),
      height: Math.max(1, o.height),
      resolution: o.resolution,
      // Our own frame loop renders only when something moved (see loop()).
      autoStart: false,
    });
    this.size = { w: Math.max(1, o.width), h: Math.max(1, o.height) };
    this.app.stage.addChild(this.background, this.foreground);
    this.background.cacheAsTexture(true);
    // Dedicated workers have requestAnimationFrame in Chromium (OffscreenCanvas); a timer elsewhere.
    const raf: (cb: (now: number) => void) => void =
      typeof globalThis.requestAnimationFrame === 'function' ? (cb) => globalThis.requestAnimationFrame(cb) : (cb) => setTimeout(() => cb(performance.now()), 16);
    let last = performance.now();
    const loop = (now: number): void => {
      const dt = (now - last) / 1000;
      last = now;
      this.frames++;
      const t0 = performance.now();
      this.tick(dt);
      if (this.backDirty) {
        this.background.updateCacheTexture();
        this.backDirty = false;
        this.dirty = true;
      }
      if (this.dirty) {
        this.app.render();
        this.renders++;
        this.dirty = false;
      }
      this.frameMs += performance.now() - t0;
      raf(loop);
    };
    raf(loop);
    return this.app.renderer.name;
  }

  /** The drawing area changed size (CSS pixels). */
  resize(width: number, height: number): void {
    this.size = { w: Math.max(1, width), h: Math.max(1, height) };
    this.app.renderer.resize(this.size.w, this.size.h);
    this.layout();
    // A resized canvas is blank until drawn: draw now, not on the next frame (which a busy or
    // throttled worker may deliver late, e.g. while a screenshot resizes the page).
    this.background.updateCacheTexture();
    this.backDirty = false;
    this.app.render();
    this.renders++;
    this.dirty = false;
  }

  /** Sets the grid's shape and the views of its tasks (a new run). */
  setViews(views: WorldView[], learners: number): void {
    for (const c of this.cells) {
      c.root.destroy({ children: true });
      c.back.destroy({ children: true });
    }
    this.views = views;
    this.learners = learners;
    this.tasks = views.length;
    this.cells = [];
    this.pending = undefined;
    this.clock = 0;
    this.cycleEnd = 0;
    this.zoomed = -1;
    for (let l = 0; l < learners; l++) {
      for (let t = 0; t < this.tasks; t++) {
        const root = new Container();
        const back = new Container();
        const statics = new Graphics();
        const ghosts = new Graphics();
        const trail = new Graphics();
        const view = views[t];
        const bodies = (view?.bodies ?? []).map(() => new Graphics());
        back.addChild(statics, ghosts);
        root.addChild(trail, ...bodies);
        this.background.addChild(back);
        this.foreground.addChild(root);
        this.cells.push({ index: this.cells.length, learner: l, task: t, back, root, statics, ghosts, trail, bodies, view, k: 1, ox: 0, oy: 0, w: 0, h: 0, current: undefined, history: [] });
      }
    }
    this.layout();
  }

  /** Queues the next cycle's attempts; they play when the current ones have been shown. */
  push(attempts: Attempt[]): void {
    this.pending = attempts;
    if (this.cycleEnd === 0) this.advance();
  }

  /** Skips to the end of the attempts on screen (the step control). */
  step(): void {
    this.clock = Math.min(this.clock + 0.25, this.cycleEnd);
    this.drawFrame();
  }

  /** Animation frames since the start (the bench measures fps from it). */
  get frameCount(): number {
    return this.frames;
  }

  /** Frames actually rendered (a still grid is not re-rendered). */
  get renderCount(): number {
    return this.renders;
  }

  private advance(): void {
    const next = this.pending;
    if (!next) return;
    this.pending = undefined;
    let end = 0;
    for (const a of next) {
      const cell = this.cells[a.learner * this.tasks + a.task];
      if (!cell) continue;
      if (cell.current) cell.history = [cell.current, ...cell.history].slice(0, GHOSTS);
      cell.current = a;
      this.attemptsDrawn++;
      end = Math.max(end, a.t.length ? (a.t[a.t.length - 1] as number) : 0);
      this.drawGhosts(cell);
    }
    this.clock = 0;
    this.lastClock = -1;
    // A short hold at the end so the resting place can be seen.
    this.cycleEnd = end + 0.4;
    this.onWant();
  }

  private tick(dt: number): void {
    if (!this.playback.paused && this.cycleEnd > 0) {
      this.clock += Math.min(dt, 0.1) * this.playback.speed;
      if (this.clock >= this.cycleEnd && this.pending) this.advance();
      else this.clock = Math.min(this.clock, this.cycleEnd);
    }
    if (this.clock !== this.lastClock) this.drawFrame();
  }

  private layout(): void {
    const { w: W, h: H } = this.size;
    const cols = Math.max(1, this.tasks);
    const rows = Math.max(1, this.learners);
    for (const c of this.cells) {
      const big = this.zoomed === c.index;
      c.root.visible = this.zoomed < 0 || big;
      c.back.visible = c.root.visible;
      const cw = big ? W : W / cols;
      const ch = big ? H : H / rows;
      c.root.position.set(big ? 0 : c.task * cw, big ? 0 : c.learner * ch);
      c.back.position.copyFrom(c.root.position);
      c.w = cw;
      c.h = ch;
      const b = c.view?.bounds ?? { x0: 0, x1: 1, y0: 0, y1: 1 };
      const pad = 4;
      c.k = Math.min((cw - 2 * pad) / (b.x1 - b.x0), (ch - 2 * pad - 10) / (b.y1 - b.y0));
      // Centred across the cell: a wide, short cell (a lesson's smaller stage) left the world hugging its left edge.
      c.ox = pad + (cw - 2 * pad - (b.x1 - b.x0) * c.k) / 2 - b.x0 * c.k;
      c.oy = ch - pad + b.y0 * c.k;
      this.drawStatics(c);
      this.drawGhosts(c);
    }
    this.lastClock = -1;
    this.drawFrame();
  }

  private px(c: Cell, x: number): number {
    return c.ox + x * c.k;
  }
  private py(c: Cell, y: number): number {
    return c.oy - y * c.k;
  }

  private drawStatics(c: Cell): void {
    this.backDirty = true;
    const g = c.statics.clear();
    g.rect(0.5, 0.5, c.w - 1, c.h - 1).stroke({ width: 1, color: 0xdddddd });
    for (const s of c.view?.shapes ?? []) {
      const color = ROLE_COLOURS[s.role];
      if (s.kind === 'rect') {
        const x = this.px(c, s.x - s.w / 2);
        const y = this.py(c, s.y + s.h / 2);
        g.rect(x, y, Math.max(1, s.w * c.k), Math.max(1.5, s.h * c.k)).fill({ color, alpha: s.role === 'zone' ? 0.55 : 1 });
      } else if (s.kind === 'line') {
        g.moveTo(this.px(c, s.x1), this.py(c, s.y1)).lineTo(this.px(c, s.x2), this.py(c, s.y2)).stroke({ width: 2, color });
      } else {
        g.circle(this.px(c, s.x), this.py(c, s.y), Math.max(1, s.r * c.k)).stroke({ width: 1.5, color });
      }
    }
    c.bodies.forEach((bg, i) => {
      const body = c.view?.bodies[i];
      bg.clear();
      if (!body) return;
      if (body.shape.kind === 'circle') {
        const r = Math.max(2.5, body.shape.r * c.k);
        bg.circle(0, 0, r).fill({ color: 0xffffff }).stroke({ width: 1.5, color: 0x222222 });
        // A spoke shows rotation: a ball rolls, a bean bag does not.
        bg.moveTo(0, 0).lineTo(r, 0).stroke({ width: 1.5, color: 0x222222 });
      } else {
        const w = Math.max(2, body.shape.w * c.k);
        const h = Math.max(2, body.shape.h * c.k);
        bg.rect(-w / 2, -h / 2, w, h).fill({ color: 0xffffff }).stroke({ width: 1.5, color: 0x222222 });
      }
    });
  }

  /** Earlier attempts of this cell, fading with age. */
  private drawGhosts(c: Cell): void {
    this.backDirty = true;
    const g = c.ghosts.clear();
    const body = c.view?.bodies.find((b) => b.trail !== false);
    if (!body) return;
    c.history.forEach((a, age) => {
      const xs = channel(a, body.x);
      const ys = channel(a, body.y);
      if (!xs || !ys) return;
      this.path(g, c, xs, ys, xs.length, this.zoomed === c.index ? 1 : Math.max(1, Math.ceil(xs.length / GHOST_POINTS)));
      g.stroke({ width: 1, color: judgeColour(a), alpha: 0.45 * 0.6 ** age });
    });
  }

  private path(g: Graphics, c: Cell, xs: ArrayLike<number>, ys: ArrayLike<number>, n: number, every: number): void {
    if (n < 1) return;
    g.moveTo(this.px(c, xs[0] as number), this.py(c, ys[0] as number));
    for (let i = every; i < n; i += every) g.lineTo(this.px(c, xs[i] as number), this.py(c, ys[i] as number));
    if ((n - 1) % every !== 0) g.lineTo(this.px(c, xs[n - 1] as number), this.py(c, ys[n - 1] as number));
  }

  private drawFrame(): void {
    this.lastClock = this.clock;
    this.dirty = true;
    const follow = this.playback.follow;
    for (const c of this.cells) {
      if (!c.root.visible) continue;
      const alpha = follow >= 0 && follow !== c.learner && this.zoomed < 0 ? 0.25 : 1;
      if (c.back.alpha !== alpha) {
        c.back.alpha = alpha;
        this.backDirty = true;
      }
      c.root.alpha = alpha;
      const a = c.current;
      const view = c.view;
      if (!a || !view || a.t.length === 0) {
        c.trail.clear();
        continue;
      }
      const dtS = a.t.length > 1 ? (a.t[1] as number) - (a.t[0] as number) : 1;
      const idx = Math.min(a.t.length - 1, Math.max(0, Math.floor((this.clock - (a.t[0] as number)) / dtS)));
      const colour = judgeColour(a);
      const g = c.trail.clear();
      view.bodies.forEach((body, bi) => {
        const xs = channel(a, body.x);
        const ys = channel(a, body.y);
        const bg = c.bodies[bi] as Graphics;
        if (!xs || !ys) {
          bg.visible = false;
          return;
        }
        bg.visible = true;
        if (body.trail !== false) {
          this.path(g, c, xs, ys, idx + 1, this.zoomed === c.index ? 1 : Math.max(1, Math.ceil((idx + 1) / TRAIL_POINTS)));
          g.stroke({ width: 2, color: colour, alpha: 0.9 });
        }
        bg.position.set(this.px(c, xs[idx] as number), this.py(c, ys[idx] as number));
        const an = body.angle === undefined ? undefined : channel(a, body.angle);
        // World angles are counter-clockwise with y up; the screen's y points down.
        bg.rotation = an ? -(an[idx] as number) : 0;
        // Only the judged body (the one with a trail) takes the judges' colour; props stay grey.
        bg.tint = body.trail !== false ? colour : 0xb0b0b0;
      });
    }
  }

  /** Redraws on the next frame (after a view setting changed). */
  refresh(): void {
    this.lastClock = -1;
  }

  /** Enlarges cell `index` (or returns to the grid with -1). */
  zoom(index: number): void {
    this.zoomed = index;
    this.layout();
  }
}

/** A channel by name, or a constant channel for a number. */
function channel(a: Attempt, c: string | number): ArrayLike<number> | undefined {
  if (typeof c === 'number') return constant(c, a.t.length);
  return a.channels[c];
}

const constants = new Map<string, Float64Array>();
function constant(v: number, n: number): Float64Array {
  const key = `${v}:${n}`;
  let arr = constants.get(key);
  if (!arr) {
    arr = new Float64Array(n).fill(v);
    if (constants.size > 64) constants.clear();
    constants.set(key, arr);
  }
  return arr;
}
