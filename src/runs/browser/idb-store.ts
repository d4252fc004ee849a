/**
 * Saved runs in the browser: an IndexedDB store (through `idb`, a small promise wrapper) holding
 * each run's record text in the CLI's `run.jsonl` format, in chunks, and a list entry per run.
 * `IdbSink` is the run layer's RecordSink on it: appended lines are buffered and written as one
 * chunk at each durability point (`sync`), in one transaction with the list entry, so a stored
 * record is always a whole-line prefix of the run. Works in a page and in a worker.
 *
 * Quota: when a write fails for lack of space the sink switches to memory (`memoryOnly`), tells
 * its `onStorageError`, and keeps the run going; what was stored stays as it was.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { recordContentHash, recordStatus, type ParsedRecord, parseRecord } from '../record.ts';
import type { RecordSink } from '../sink.ts';

/** A run's list entry. */
export interface StoredRun {
  id: string;
  name: string;
  experiment: string;
  seed: number;
  /** Lesson the run was made for, if any. */
  lesson: string | null;
  source: 'page' | 'import';
  createdAt: string;
  updatedAt: string;
  /** Status as of the last write: finished, interrupted (a marker), incomplete (no end: a closed tab). */
  status: 'finished' | 'interrupted' | 'incomplete';
  /** The record's content hash (filled when it is finished; null before). */
  contentHash: string | null;
  chunks: number;
  bytes: number;
}

interface LabDb extends DBSchema {
  runs: { key: string; value: StoredRun };
  chunks: { key: [string, number]; value: { run: string; index: number; text: string } };
}

/** The database name (one per origin). */
export const DB_NAME = 'mirage-lab';

/** True for the error a browser throws when the origin's quota is used up. */
export function isQuotaError(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name;
  return name === 'QuotaExceededError' || (err instanceof Error && /quota/i.test(err.message));
}

/** The store of saved runs. */
export class RunStore {
  private constructor(
    private readonly db: IDBPDatabase<LabDb>,
    /** Wall-clock time for `updatedAt` (the host's clock: the run layer reads none). */
    private readonly now: () => string,
  ) {}

  /** Opens (creating on first use) the store. */
  static async open(now: () => string, name = DB_NAME): Promise<RunStore> {
    const db = await openDB<LabDb>(name, 1, {
      upgrade(d) {
        d.createObjectStore('runs', { keyPath: 'id' });
        d.createObjectStore('chunks', { keyPath: ['run', 'index'] });
      },
    });
    return new RunStore(db, now);
  }

  close(): void {
    this.db.close();
  }

  /** Every saved run, newest first. */
  async list(): Promise<StoredRun[]> {
    const all = await this.db.getAll('runs');
    return all.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1));
  }

  async get(id: string): Promise<StoredRun | undefined> {
    return this.db.get('runs', id);
  }

  /** The run's record text (its chunks in order). */
  async text(id: string): Promise<string> {
    const chunks = await this.db.getAll('chunks', IDBKeyRange.bound([id, 0], [id, Number.MAX_SAFE_INTEGER]));
    return chunks.sort((a, b) => a.index - b.index).map((c) => c.text).join('');
  }

  async rename(id: string, name: string): Promise<void> {
    const tx = this.db.transaction('runs', 'readwrite');
    const run = await tx.store.get(id);
    if (!run) throw new Error(`no saved run ${id}`);
    await tx.store.put({ ...run, name: name.slice(0, 120) });
    await tx.done;
  }

  /** Deletes a run and its record. */
  async delete(id: string): Promise<void> {
    const tx = this.db.transaction(['runs', 'chunks'], 'readwrite');
    await tx.objectStore('chunks').delete(IDBKeyRange.bound([id, 0], [id, Number.MAX_SAFE_INTEGER]));
    await tx.objectStore('runs').delete(id);
    await tx.done;
  }

  /** Stores a whole, already checked record as a new run (import); one transaction: all or nothing. */
  async add(entry: Omit<StoredRun, 'chunks' | 'bytes' | 'updatedAt' | 'status' | 'contentHash'>, record: ParsedRecord, text: string): Promise<StoredRun> {
    const status = recordStatus(record);
    const run: StoredRun = { ...entry, updatedAt: entry.createdAt, status, contentHash: status === 'finished' ? recordContentHash(record) : null, chunks: 1, bytes: text.length };
    const tx = this.db.transaction(['runs', 'chunks'], 'readwrite');
    if (await tx.objectStore('runs').get(run.id)) throw new Error(`a saved run ${run.id} exists already`);
    await tx.objectStore('chunks').put({ run: run.id, index: 0, text });
    await tx.objectStore('runs').put(run);
    await tx.done;
    return run;
  }

  /** Creates a new run's entry (no record yet); an existing id is refused. */
  async create(run: StoredRun): Promise<void> {
    const tx = this.db.transaction('runs', 'readwrite');
    if (await tx.store.get(run.id)) throw new Error(`a saved run ${run.id} exists already`);
    await tx.store.put(run);
    await tx.done;
  }

  /** Writes one chunk and the updated entry together (the sink's durability point). */
  async writeChunk(run: StoredRun, text: string): Promise<StoredRun> {
    const next: StoredRun = { ...run, chunks: run.chunks + 1, bytes: run.bytes + text.length, updatedAt: this.now() };
    const tx = this.db.transaction(['runs', 'chunks'], 'readwrite');
    await tx.objectStore('chunks').put({ run: run.id, index: run.chunks, text });
    await tx.objectStore('runs').put(next);
    await tx.done;
    return next;
  }

  /** Updates an entry's status and hash from its stored record. */
  async refresh(id: string): Promise<StoredRun | undefined> {
    const run = await this.get(id);
    if (!run) return undefined;
    const record = parseRecord(await this.text(id));
    const status = recordStatus(record);
    const next = { ...run, status, contentHash: status === 'finished' ? recordContentHash(record) : null };
    await this.db.put('runs', next);
    return next;
  }
}

/** A RecordSink writing into a RunStore entry (a new run, or an existing one being resumed). */
export class IdbSink implements RecordSink {
  /** Everything appended in this session (kept so a run that lost its storage can still be exported). */
  text = '';
  private pending = '';
  /** True once a write failed for lack of space: the run goes on in memory only. */
  memoryOnly = false;

  /** `stored` is the record text already in the store (a resume), kept for an export from memory. */
  constructor(
    private readonly store: RunStore,
    private run: StoredRun,
    private readonly onStorageError: (message: string) => void = () => {},
    stored = '',
  ) {
    this.text = stored;
  }

  /** Creates the entry of a new run (no chunks yet). */
  static async create(store: RunStore, entry: Omit<StoredRun, 'chunks' | 'bytes' | 'updatedAt' | 'status' | 'contentHash'>, onStorageError?: (message: string) => void): Promise<IdbSink> {
    const run: StoredRun = { ...entry, updatedAt: entry.createdAt, status: 'incomplete', contentHash: null, chunks: 0, bytes: 0 };
    const sink = new IdbSink(store, run, onStorageError);
    try {
      await store.create(run);
    } catch (err) {
      sink.fail(err);
    }
    return sink;
  }

  get entry(): StoredRun {
    return this.run;
  }

  append(lines: string): void {
    this.text += lines;
    if (!this.memoryOnly) this.pending += lines;
  }

  async sync(): Promise<void> {
    if (this.memoryOnly || this.pending === '') return;
    const chunk = this.pending;
    this.pending = '';
    try {
      this.run = await this.store.writeChunk(this.run, chunk);
    } catch (err) {
      this.fail(err);
    }
  }

  async close(): Promise<void> {
    await this.sync();
    if (this.memoryOnly) return;
    try {
      this.run = (await this.store.refresh(this.run.id)) ?? this.run;
    } catch (err) {
      this.fail(err);
    }
  }

  private fail(err: unknown): void {
    this.memoryOnly = true;
    this.pending = '';
    const why = isQuotaError(err) ? 'the browser’s storage for this page is full' : `saving failed (${err instanceof Error ? err.message : String(err)})`;
    this.onStorageError(`${why}: this run goes on in memory only and will not be saved; runs saved before are untouched. Export it when it ends to keep it.`);
  }
}
