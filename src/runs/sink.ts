/**
 * Sinks: where a run's record goes (Sacred's observers). The runner appends encoded lines and
 * asks for durability at the points that matter; it never knows whether the lines land in a
 * file (./node/file-sink.ts), IndexedDB (the app) or memory (tests).
 */

/** Append-only storage of one run record. */
export interface RecordSink {
  /** Appends complete, encoded lines (each ends with '\n'). */
  append(lines: string): void | Promise<void>;
  /** Makes everything appended so far durable (fsync for files). */
  sync(): void | Promise<void>;
  /** Flushes and releases the sink. */
  close(): void | Promise<void>;
}

/** A record held in memory (tests, previews). `text` is everything appended; `syncedText` what was synced. */
export class MemorySink implements RecordSink {
  text = '';
  syncedText = '';
  syncs = 0;
  closed = false;

  /** Starts from an existing record (a resume in memory). */
  constructor(initial = '') {
    this.text = initial;
    this.syncedText = initial;
  }

  append(lines: string): void {
    if (this.closed) throw new Error('append to a closed sink');
    this.text += lines;
  }

  sync(): void {
    this.syncedText = this.text;
    this.syncs++;
  }

  close(): void {
    this.closed = true;
  }
}

/** Wraps a sink and accumulates the time spent inside its calls (the record overhead). */
export function timedSink(inner: RecordSink, clock: () => number): RecordSink & { seconds: number } {
  const timed = {
    seconds: 0,
    async append(lines: string) {
      const t0 = clock();
      await inner.append(lines);
      timed.seconds += (clock() - t0) / 1000;
    },
    async sync() {
      const t0 = clock();
      await inner.sync();
      timed.seconds += (clock() - t0) / 1000;
    },
    async close() {
      const t0 = clock();
      await inner.close();
      timed.seconds += (clock() - t0) / 1000;
    },
  };
  return timed;
}
