/**
 * Messages between the page and the record worker (plain data only, wall 3). The worker runs
 * experiments through the run layer into the IndexedDB store; the page lists and shows them.
 */
import type { ExperimentEvent } from '../../experiments/types.ts';

/** What a new saved run is called and made for. */
export interface RunMeta {
  readonly name: string;
  readonly lesson: string | null;
}

export type RecordIn =
  | { type: 'start'; id: string; experiment: string; config: Record<string, unknown>; meta: RunMeta }
  | { type: 'resume'; id: string }
  /** Loads tfjs and opens the store ahead of the first run (a class waits for the first result). */
  | { type: 'warm'; id: string };

export type RecordOut =
  | { type: 'event'; id: string; event: ExperimentEvent }
  | { type: 'stored'; id: string }
  | { type: 'done'; id: string; status: 'finished' | 'interrupted'; contentHash: string; memoryOnly: boolean; text: string | null }
  | { type: 'storage'; id: string; message: string }
  | { type: 'error'; id: string; message: string };
