/**
 * Checks a run record offered for import (a file a user picked): the CLI's `run.jsonl` format,
 * read by the same parser as `mirage-lab report`, plus limits a browser needs against hostile
 * files — total size, line length, prototype keys. Pure (no DOM, no IndexedDB): the page runs it
 * before anything is stored, so a refused file touches nothing.
 */
import { parseRecord, RecordCorruptError, RecordVersionError, type ParsedRecord } from '../record.ts';

/** The largest record the page imports (bytes of text). */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
/** The longest line (a checkpoint of a large population is well under this). */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;
/** Keys that could reach an object's prototype if a later reader were careless. */
const HOSTILE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** An accepted record, or the reason it is refused. */
export type ImportCheck = { ok: true; record: ParsedRecord; text: string } | { ok: false; reason: string };

function hostileKey(value: unknown, path: string): string | null {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = hostileKey(value[i], `${path}[${i}]`);
      if (bad) return bad;
    }
  } else if (value && typeof value === 'object') {
    for (const k of Object.keys(value)) {
      if (HOSTILE_KEYS.has(k)) return `${path}.${k}`;
      const bad = hostileKey((value as Record<string, unknown>)[k], `${path}.${k}`);
      if (bad) return bad;
    }
  }
  return null;
}

/** Checks a record's text for import; never throws. */
export function checkImport(text: string): ImportCheck {
  if (text.length === 0) return { ok: false, reason: 'the file is empty' };
  if (text.length > MAX_IMPORT_BYTES) return { ok: false, reason: `the file is ${text.length} characters, more than the ${MAX_IMPORT_BYTES} a page imports` };
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    if (line.length > MAX_LINE_BYTES) return { ok: false, reason: `line ${lineNo} is ${line.length} characters, more than ${MAX_LINE_BYTES} (refused as hostile)` };
    if (line === '') continue;
    // JSON.parse keeps "__proto__" as an own key (no pollution); it is refused all the same.
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      continue; // parseRecord names the line and the JSON error below
    }
    const bad = hostileKey(obj, '$');
    if (bad) return { ok: false, reason: `line ${lineNo}: the key ${bad} is not allowed in a record (refused as hostile)` };
  }
  let record: ParsedRecord;
  try {
    record = parseRecord(text);
  } catch (err) {
    if (err instanceof RecordCorruptError || err instanceof RecordVersionError) return { ok: false, reason: err.message };
    return { ok: false, reason: `not a run record (${err instanceof Error ? err.message : String(err)})` };
  }
  if (record.tornBytes > 0) return { ok: false, reason: `the last line is torn (${record.tornBytes} bytes without a final newline): the file was cut` };
  return { ok: true, record, text };
}
