/**
 * Messages between the page and the view worker (the pixi grid on an OffscreenCanvas). Plain
 * data only (wall 3); trajectories arrive as typed arrays and are transferred, not copied.
 */
import type { WorldView } from '../../core/view.ts';
import type { Attempt } from '../run/protocol.ts';

/** Playback state shared with the controls. */
export interface Playback {
  paused: boolean;
  speed: number;
  follow: number;
}

export type ViewIn =
  | { type: 'init'; canvas: OffscreenCanvas; width: number; height: number; resolution: number; preference: 'webgl' | 'canvas'; playback: Playback }
  | { type: 'resize'; width: number; height: number }
  | { type: 'views'; views: WorldView[]; learners: number }
  | { type: 'attempts'; attempts: Attempt[] }
  | { type: 'playback'; playback: Playback }
  | { type: 'step' }
  | { type: 'zoom'; index: number };

/** Counters of the grid (the bench and the tests read them through the page). */
export interface ViewStats {
  /** Animation frames of the view loop since it started. */
  frames: number;
  /** Frames actually rendered (a still grid is not re-rendered). */
  renders: number;
  attemptsDrawn: number;
  /** Time spent drawing and rendering, in ms, summed. */
  frameMs: number;
}

export type ViewOut = { type: 'ready'; renderer: string } | { type: 'want' } | ({ type: 'stats' } & ViewStats) | { type: 'error'; message: string };
