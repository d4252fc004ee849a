/**
 * The Node file sink: appends record lines to `run.jsonl` and fsyncs at every durability point.
 * Node-only adapter (the only file of the run layer with `node:` imports besides ./fs.ts).
 */
import { closeSync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import type { RecordSink } from '../sink.ts';

/** A file opened for appending; `truncateTo` first cuts a torn tail (bytes) when resuming. */
export class FileSink implements RecordSink {
  private fd: number | null;

  constructor(
    readonly path: string,
    opts: { truncateTo?: number; exclusive?: boolean } = {},
  ) {
    // 'wx' for a new run: never append to someone else's record by accident.
    this.fd = openSync(path, opts.exclusive ? 'wx' : 'a');
    if (opts.truncateTo !== undefined) {
      ftruncateSync(this.fd, opts.truncateTo);
      fsyncSync(this.fd);
    }
  }

  append(lines: string): void {
    if (this.fd === null) throw new Error(`append to closed record ${this.path}`);
    const buf = Buffer.from(lines, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
  }

  sync(): void {
    if (this.fd !== null) fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd === null) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
  }
}
