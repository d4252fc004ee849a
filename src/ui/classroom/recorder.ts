/**
 * The page side of the record worker: starts and resumes saved runs, routes each run's events to
 * whoever asked, and reports storage trouble (quota) once per run.
 */
import type { ExperimentEvent } from '../../experiments/types.ts';
import type { RecordIn, RecordOut, RunMeta } from './protocol.ts';

/** How a recorded run ended. */
export interface RecordDone {
  readonly id: string;
  readonly status: 'finished' | 'interrupted';
  readonly contentHash: string;
  /** True when storage failed and the run lived in memory only. */
  readonly memoryOnly: boolean;
  /** The record text when it lived in memory only (so it can still be exported). */
  readonly text: string | null;
}

interface Pending {
  onEvent: (e: ExperimentEvent) => void;
  resolve: (d: RecordDone) => void;
  reject: (e: Error) => void;
}

/** A fresh run id (sortable by time, unique per page). */
export function newRunId(): string {
  const rand = typeof crypto.randomUUID === 'function' ? crypto.randomUUID().slice(0, 8) : Math.random().toString(16).slice(2, 10);
  return `${new Date().toISOString().replace(/[-:.TZ]/g, '')}-${rand}`;
}

/** Runs experiments into the IndexedDB store in a worker of their own. */
export class Recorder {
  private worker: Worker | null = null;
  private readonly pending = new Map<string, Pending>();
  /** Runs this page has started or resumed and not yet seen end. */
  readonly active = new Set<string>();

  constructor(
    private readonly hooks: { storage: (message: string) => void; changed: () => void },
  ) {}

  private get w(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL('../run/lab.worker.ts', import.meta.url), { type: 'module', name: 'record' });
    w.onmessage = (ev: MessageEvent<RecordOut>) => this.receive(ev.data);
    w.onerror = (ev) => {
      for (const [id, p] of this.pending) {
        p.reject(new Error(`the record worker crashed (${ev.message || 'no message'})`));
        this.active.delete(id);
      }
      this.pending.clear();
      this.worker = null;
      this.hooks.changed();
    };
    this.worker = w;
    return w;
  }

  private receive(m: RecordOut): void {
    const p = this.pending.get(m.id);
    if (m.type === 'storage') this.hooks.storage(m.message);
    if (m.type === 'stored') this.hooks.changed();
    if (!p) return;
    if (m.type === 'event') p.onEvent(m.event);
    else if (m.type === 'done') {
      this.pending.delete(m.id);
      this.active.delete(m.id);
      p.resolve({ id: m.id, status: m.status, contentHash: m.contentHash, memoryOnly: m.memoryOnly, text: m.text });
      this.hooks.changed();
    } else if (m.type === 'error') {
      this.pending.delete(m.id);
      this.active.delete(m.id);
      p.reject(new Error(m.message));
      this.hooks.changed();
    }
  }

  private send(msg: RecordIn, onEvent: (e: ExperimentEvent) => void): Promise<RecordDone> {
    return new Promise<RecordDone>((resolve, reject) => {
      this.pending.set(msg.id, { onEvent, resolve, reject });
      this.active.add(msg.id);
      this.w.postMessage(msg);
    });
  }

  /** Starts the worker and its tfjs ahead of the first run. */
  warm(): void {
    this.w.postMessage({ type: 'warm', id: 'warm' } satisfies RecordIn);
  }

  /** Starts a new saved run. */
  start(experiment: string, config: Record<string, unknown>, meta: RunMeta, onEvent: (e: ExperimentEvent) => void = () => {}, id = newRunId()): { id: string; done: Promise<RecordDone> } {
    return { id, done: this.send({ type: 'start', id, experiment, config, meta }, onEvent) };
  }

  /** Resumes a stored run that did not finish (a closed tab, a reload). */
  resume(id: string, onEvent: (e: ExperimentEvent) => void = () => {}): Promise<RecordDone> {
    return this.send({ type: 'resume', id }, onEvent);
  }
}
