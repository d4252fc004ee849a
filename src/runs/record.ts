/**
 * The run record, `run.jsonl`: append-only JSON lines, each with a sequence number and a CRC32
 * (TensorBoard's record idea: a torn or corrupted line is detected, never misread).
 *
 *   line 1      {"seq":0,"kind":"header","recordVersion":2,…provenance…,"crc":"…"}
 *   then        {"seq":n,"kind":"event","t":"<ISO time>","event":{…},"crc":"…"}
 *   markers     {"seq":n,"kind":"interrupted","t":…,"reason":…,"crc":"…"}
 *               {"seq":n,"kind":"resumed","t":…,"from":<seq of the checkpoint>,"crc":"…"}
 *
 * The CRC covers the line's bytes before `,"crc":`, so no canonical re-encoding is needed to
 * check it. A resume never rewrites the file: it appends `resumed` with the checkpoint it
 * continued from, and readers drop the lines between that checkpoint and the marker (they were
 * re-run). Only a torn last line (no final newline: a crash mid-write) is cut.
 *
 * Everything here is pure (no `node:`): the Node file sink lives in ./node/file-sink.ts.
 */
import { z } from 'zod';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { experimentEventSchema, RESULT_EVENT_TYPES, type ExperimentEvent } from '../experiments/types.ts';

/** The record format this code writes. Version 1 is read by migration (see `migrateV1`). */
export const RECORD_VERSION = 2;

// ---------------------------------------------------------------------------------------------
// Checksums and hashes
// ---------------------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE) of a string's UTF-8 bytes, as 8 hex digits. */
export function crc32(text: string): string {
  const bytes = utf8ToBytes(text);
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = (CRC_TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return ((c ^ 0xffffffff) >>> 0).toString(16).padStart(8, '0');
}

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
      return sorted;
    }
    return v;
  });
}

/** sha-256 hex of a string. */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/** The hash of a parsed config (canonical JSON), as recorded and compared on resume. */
export function configHash(config: unknown): string {
  return sha256Hex(canonicalJson(config));
}

// ---------------------------------------------------------------------------------------------
// Line schemas
// ---------------------------------------------------------------------------------------------

/** Which slice of a sweep's cells a run computes (`--shard index/count`, 1-based). */
export const shardSchema = z.strictObject({ index: z.number().int().min(1), count: z.number().int().min(1) }).refine((s) => s.index <= s.count, { message: 'shard index must be ≤ shard count' });
export type Shard = z.infer<typeof shardSchema>;

/** What a run was made with: compared on resume and merge. */
export const provenanceSchema = z.strictObject({
  /** Hash of the frozen ground-truth checks of every world (see provenance.ts). */
  anchorsHash: z.string(),
  versions: z.strictObject({
    /** This package's version. */
    mirageLab: z.string(),
    /** Result-relevant dependencies (matter-js, tfjs, zod…) and their versions. */
    packages: z.record(z.string(), z.string()),
    /** Every world's version. */
    worlds: z.record(z.string(), z.number()),
    /** The runtime (recorded, not compared: results do not depend on it). */
    runtime: z.string(),
  }),
  /** The tfjs backend, or 'none' for experiments without learners that use it. */
  backend: z.string(),
});
export type Provenance = z.infer<typeof provenanceSchema>;

/** The first line of a record. */
export const headerSchema = z.strictObject({
  seq: z.literal(0),
  kind: z.literal('header'),
  recordVersion: z.literal(RECORD_VERSION),
  experiment: z.string(),
  seed: z.number().int(),
  config: z.record(z.string(), z.unknown()),
  configHash: z.string(),
  ...provenanceSchema.shape,
  shard: shardSchema.nullable(),
  startedAt: z.string(),
});
export type RecordHeader = z.infer<typeof headerSchema>;

const eventLineSchema = z.strictObject({ seq: z.number().int().min(1), kind: z.literal('event'), t: z.string(), event: experimentEventSchema });
const interruptedLineSchema = z.strictObject({ seq: z.number().int().min(1), kind: z.literal('interrupted'), t: z.string(), reason: z.string() });
const resumedLineSchema = z.strictObject({ seq: z.number().int().min(1), kind: z.literal('resumed'), t: z.string(), from: z.number().int().min(0) });
/** Any line after the header. */
export const bodyLineSchema = z.discriminatedUnion('kind', [eventLineSchema, interruptedLineSchema, resumedLineSchema]);
export type BodyLine = z.infer<typeof bodyLineSchema>;
export type EventLine = z.infer<typeof eventLineSchema>;

// ---------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------

/** Encodes one line (object without `crc`), appending its CRC; ends with '\n'. */
export function encodeLine(line: { seq: number; kind: string } & Record<string, unknown>): string {
  const body = JSON.stringify(line);
  return `${body.slice(0, -1)},"crc":"${crc32(body.slice(0, -1))}"}\n`;
}

const CRC_TAIL = /,"crc":"([0-9a-f]{8})"\}$/;

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/** A record that cannot be trusted: names the line (1-based) and what is wrong. */
export class RecordCorruptError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`run.jsonl line ${line}: ${reason}; the record is refused (nothing was skipped)`);
    this.name = 'RecordCorruptError';
  }
}

/** A record written by a newer version of this code. */
export class RecordVersionError extends Error {
  constructor(readonly found: number) {
    super(`run.jsonl has recordVersion ${found}, newer than this mirage-lab reads (${RECORD_VERSION}); use a newer mirage-lab`);
    this.name = 'RecordVersionError';
  }
}

// ---------------------------------------------------------------------------------------------
// Migration
// ---------------------------------------------------------------------------------------------

// Version 1 named the anchor − probe gap `bias` and 1 − Kendall τ-b `drift`; the glossary calls
// them `shiftGap` and `disagreement` (`bias` and `drift` now mean other things). Only keys of
// event payloads are renamed; values are untouched.
const V1_RENAMES: Record<string, string> = { bias: 'shiftGap', drift: 'disagreement' };

function renameKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(renameKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[V1_RENAMES[k] ?? k] = renameKeys(v);
    return out;
  }
  return value;
}

/** Migrates a version-1 line object to version 2 (header: version bump; events: glossary names). */
export function migrateV1(obj: Record<string, unknown>): Record<string, unknown> {
  if (obj.kind === 'header') return { ...obj, recordVersion: 2 };
  if (obj.kind === 'event' && obj.event && typeof obj.event === 'object') {
    const ev = obj.event as Record<string, unknown>;
    const renamed = renameKeys(ev) as Record<string, unknown>;
    // A point's series name is data, not a key: rename the two old names there too.
    if (ev.type === 'point' && typeof ev.series === 'string') renamed.series = V1_RENAMES[ev.series] ?? ev.series;
    return { ...obj, event: renamed };
  }
  return obj;
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/** A record read and checked line by line. */
export interface ParsedRecord {
  readonly header: RecordHeader;
  /** Every body line in file order (markers included). */
  readonly lines: readonly BodyLine[];
  /** Bytes (UTF-8) of the valid prefix; `tornBytes` > 0 when a torn last line follows it. */
  readonly validBytes: number;
  readonly tornBytes: number;
  /** The version the file was written in (before migration). */
  readonly writtenVersion: number;
}

function zodReason(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'line'}: ${issue.message}` : 'invalid line';
}

/**
 * Reads a record's text. A last line without its final newline is torn (a crash mid-write):
 * reported in `tornBytes`, not read. Any other bad line (bad JSON, bad CRC, a gap in the
 * sequence, a schema violation) throws RecordCorruptError with its line number; a newer
 * `recordVersion` throws RecordVersionError.
 */
export function parseRecord(text: string): ParsedRecord {
  const endsComplete = text.endsWith('\n');
  const parts = text.split('\n');
  const tail = parts.pop() as string; // '' when complete, else the torn fragment
  const tornBytes = endsComplete ? 0 : utf8ToBytes(tail).length;
  const validBytes = utf8ToBytes(text).length - tornBytes;
  if (parts.length === 0) throw new RecordCorruptError(1, tornBytes > 0 ? 'the header line is torn (the run wrote nothing durable)' : 'the record is empty');

  let header: RecordHeader | undefined;
  let writtenVersion = RECORD_VERSION;
  const lines: BodyLine[] = [];
  for (let i = 0; i < parts.length; i++) {
    const lineNo = i + 1;
    const raw = parts[i] as string;
    const m = CRC_TAIL.exec(raw);
    if (!m) throw new RecordCorruptError(lineNo, 'no checksum at the end of the line');
    const body = raw.slice(0, m.index);
    if (crc32(body) !== m[1]) throw new RecordCorruptError(lineNo, `checksum mismatch (stored ${m[1]}, computed ${crc32(body)})`);
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(`${body}}`) as Record<string, unknown>;
    } catch (err) {
      throw new RecordCorruptError(lineNo, `not JSON (${err instanceof Error ? err.message : String(err)})`);
    }
    if (obj.seq !== i) throw new RecordCorruptError(lineNo, `sequence number ${JSON.stringify(obj.seq)} where ${i} was expected`);
    if (i === 0) {
      if (obj.kind !== 'header') throw new RecordCorruptError(lineNo, 'the first line is not a header');
      const v = obj.recordVersion;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new RecordCorruptError(lineNo, `recordVersion ${JSON.stringify(v)} is not a version`);
      if (v > RECORD_VERSION) throw new RecordVersionError(v);
      writtenVersion = v;
    }
    if (writtenVersion === 1) obj = migrateV1(obj);
    if (i === 0) {
      const r = headerSchema.safeParse(obj);
      if (!r.success) throw new RecordCorruptError(lineNo, zodReason(r.error));
      header = r.data;
    } else {
      const r = bodyLineSchema.safeParse(obj);
      if (!r.success) throw new RecordCorruptError(lineNo, zodReason(r.error));
      if (r.data.kind === 'resumed' && r.data.from >= r.data.seq) throw new RecordCorruptError(lineNo, `resumed from line seq ${r.data.from}, which is not earlier`);
      lines.push(r.data);
    }
  }
  return { header: header as RecordHeader, lines, validBytes, tornBytes, writtenVersion };
}

// ---------------------------------------------------------------------------------------------
// Views of a record
// ---------------------------------------------------------------------------------------------

/**
 * The event lines that count, in order: lines re-run after a resume replace the ones written
 * between the checkpoint and the interruption.
 */
export function effectiveEvents(record: Pick<ParsedRecord, 'lines'>): EventLine[] {
  let out: EventLine[] = [];
  for (const line of record.lines) {
    if (line.kind === 'event') out.push(line);
    else if (line.kind === 'resumed') out = out.filter((l) => l.seq <= line.from);
  }
  return out;
}

/** finished: has a `finished` event; interrupted: stopped cleanly (Ctrl-C); incomplete: crashed or killed. */
export type RunStatus = 'finished' | 'interrupted' | 'incomplete';

/** The status of a record. */
export function recordStatus(record: Pick<ParsedRecord, 'lines'>): RunStatus {
  if (effectiveEvents(record).some((l) => l.event.type === 'finished')) return 'finished';
  const last = record.lines.at(-1);
  return last?.kind === 'interrupted' ? 'interrupted' : 'incomplete';
}

/** Where a resume continues: the last checkpoint that counts (seq 0 and no state: from the start). */
export function resumePoint(record: Pick<ParsedRecord, 'lines'>): { from: number; state: unknown } {
  const events = effectiveEvents(record);
  for (let i = events.length - 1; i >= 0; i--) {
    const l = events[i] as EventLine;
    if (l.event.type === 'checkpoint') return { from: l.seq, state: l.event.state };
  }
  return { from: 0, state: undefined };
}

const RESULT_TYPES = new Set<string>(RESULT_EVENT_TYPES);

/** Whether an event carries results (recorded durably, hashed). */
export function isResultEvent(event: ExperimentEvent): boolean {
  return RESULT_TYPES.has(event.type);
}

/** An event without its timing: what the content hash covers. */
export function hashedPayload(event: ExperimentEvent): unknown {
  const { timing: _timing, ...rest } = event;
  return rest;
}

/**
 * The content hash: sha-256 over the experiment id, the config hash and every result-bearing
 * event that counts (timing, timestamps, sequence numbers, checkpoints, markers and the shard
 * left out). Two runs are the same run when their content hashes are equal.
 */
export function contentHash(header: Pick<RecordHeader, 'experiment' | 'configHash'>, events: readonly ExperimentEvent[]): string {
  const h = sha256.create();
  h.update(utf8ToBytes(canonicalJson({ experiment: header.experiment, configHash: header.configHash })));
  for (const e of events) {
    if (!isResultEvent(e)) continue;
    h.update(utf8ToBytes(`\n${canonicalJson(hashedPayload(e))}`));
  }
  return bytesToHex(h.digest());
}

/** The content hash of a parsed record. */
export function recordContentHash(record: ParsedRecord): string {
  return contentHash(record.header, effectiveEvents(record).map((l) => l.event));
}

/** The `finished` event's results and time, if the run finished. */
export function finishedOf(record: Pick<ParsedRecord, 'lines'>): { results: unknown; t: string } | null {
  const line = effectiveEvents(record).find((l) => l.event.type === 'finished');
  return line && line.event.type === 'finished' ? { results: line.event.results, t: line.t } : null;
}

/** Differences between two provenances, as `field: recorded → now` strings (empty when equal). */
export function provenanceDiff(recorded: Provenance & { configHash?: string; experiment?: string }, now: Provenance & { configHash?: string; experiment?: string }): string[] {
  const out: string[] = [];
  const cmp = (field: string, a: unknown, b: unknown) => {
    if (a !== b) out.push(`${field}: ${JSON.stringify(a)} → ${JSON.stringify(b)}`);
  };
  cmp('experiment', recorded.experiment, now.experiment);
  cmp('configHash', recorded.configHash, now.configHash);
  cmp('anchorsHash', recorded.anchorsHash, now.anchorsHash);
  cmp('backend', recorded.backend, now.backend);
  cmp('versions.mirageLab', recorded.versions.mirageLab, now.versions.mirageLab);
  for (const k of new Set([...Object.keys(recorded.versions.packages), ...Object.keys(now.versions.packages)]).values()) cmp(`versions.packages.${k}`, recorded.versions.packages[k], now.versions.packages[k]);
  for (const k of new Set([...Object.keys(recorded.versions.worlds), ...Object.keys(now.versions.worlds)]).values()) cmp(`versions.worlds.${k}`, recorded.versions.worlds[k], now.versions.worlds[k]);
  return out;
}
