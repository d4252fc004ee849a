/**
 * The run record's edges, on hand-made lines (not only on records the runner wrote): the CRC
 * against zlib's, canonical JSON, every refusal of parseRecord with the message a user reads,
 * byte counts of a torn multi-byte tail, version-1 migration details, the views (effective
 * events, status, resume point, finished, content hash) and the provenance diff.
 */
import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExperimentEvent } from '../../src/experiments/types.ts';
import {
  canonicalJson,
  configHash,
  contentHash,
  crc32,
  effectiveEvents,
  encodeLine,
  finishedOf,
  hashedPayload,
  headerSchema,
  isResultEvent,
  migrateV1,
  parseRecord,
  provenanceDiff,
  recordContentHash,
  RecordCorruptError,
  recordStatus,
  RecordVersionError,
  resumePoint,
  sha256Hex,
  shardSchema,
  type BodyLine,
  type Provenance,
} from '../../src/runs/record.ts';

const provenance: Provenance = { anchorsHash: 'a1', versions: { mirageLab: '0.1.0', packages: { zod: '4' }, worlds: { guess: 1 }, runtime: 'node' }, backend: 'none' };
const headerObj = (over: Record<string, unknown> = {}) => ({
  seq: 0,
  kind: 'header',
  recordVersion: 2,
  experiment: 'x',
  seed: 1,
  config: { seed: 1 },
  configHash: 'h',
  ...provenance,
  shard: null,
  startedAt: 't0',
  ...over,
});
const header = (over: Record<string, unknown> = {}): string => encodeLine(headerObj(over));
const ev = (seq: number, event: ExperimentEvent): string => encodeLine({ seq, kind: 'event', t: `t${seq}`, event });
const point = (y: number): ExperimentEvent => ({ type: 'point', chart: 'c', series: 's', x: 0, y });
const checkpoint = (state: unknown): ExperimentEvent => ({ type: 'checkpoint', state: state as never });
/** A line whose CRC is right but whose body is whatever is given (so only later checks can object). */
const rawLine = (body: string): string => `${body},"crc":"${crc32(body)}"}\n`;
const refusal = (text: string): string => {
  try {
    parseRecord(text);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('parseRecord accepted the text');
};

describe('checksums and canonical JSON', () => {
  it('crc32 equals zlib\'s CRC-32 of the UTF-8 bytes, 8 hex digits with leading zeros', () => {
    expect(crc32('')).toBe('00000000');
    expect(crc32('x31')).toBe('001685f0'); // two leading zeros: the padding shows
    expect(crc32('é')).toBe('0e048d3e'); // two UTF-8 bytes, not one UTF-16 unit
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        expect(crc32(s)).toBe(zlibCrc32(Buffer.from(s, 'utf8')).toString(16).padStart(8, '0'));
      }),
      { seed: 16, numRuns: 500 },
    );
  });

  it('canonical JSON sorts keys at every level, keeps array order and nulls', () => {
    expect(canonicalJson({ b: 1, a: { d: null, c: [{ z: 1, y: 2 }, 3] } })).toBe('{"a":{"c":[{"y":2,"z":1},3],"d":null},"b":1}');
    expect(canonicalJson([3, 1, 2])).toBe('[3,1,2]');
    expect(canonicalJson(null)).toBe('null');
  });

  it('configHash is the sha-256 of the canonical JSON: key order does not matter, values do', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(configHash({ a: 1, b: { c: 2, d: 3 } })).toBe(configHash({ b: { d: 3, c: 2 }, a: 1 }));
    expect(configHash({ a: 1 })).toBe(sha256Hex('{"a":1}'));
    expect(configHash({ a: 1 })).not.toBe(configHash({ a: 2 }));
  });

  it('encodeLine appends the CRC of the bytes before `,"crc":` and a newline', () => {
    const line = encodeLine({ seq: 3, kind: 'resumed', t: 'now', from: 1 });
    expect(line).toBe(`{"seq":3,"kind":"resumed","t":"now","from":1,"crc":"${zlibCrc32('{"seq":3,"kind":"resumed","t":"now","from":1').toString(16).padStart(8, '0')}"}\n`);
  });
});

describe('parseRecord refuses, naming the line and what is wrong', () => {
  it('an empty record and a torn header', () => {
    expect(refusal('')).toBe('run.jsonl line 1: the record is empty; the record is refused (nothing was skipped)');
    expect(refusal('{"seq":0,"ki')).toBe('run.jsonl line 1: the header line is torn (the run wrote nothing durable); the record is refused (nothing was skipped)');
  });

  it('errors carry their line, reason and name', () => {
    const e = new RecordCorruptError(7, 'bad');
    expect([e.line, e.reason, e.name, e instanceof Error]).toEqual([7, 'bad', 'RecordCorruptError', true]);
    const v = new RecordVersionError(9);
    expect([v.found, v.name, v.message]).toEqual([9, 'RecordVersionError', 'run.jsonl has recordVersion 9, newer than this mirage-lab reads (2); use a newer mirage-lab']);
  });

  it('a line with a valid CRC that is not JSON', () => {
    expect(refusal(header() + rawLine('{"seq":1,'))).toMatch(/^run\.jsonl line 2: not JSON \(.+\); the record is refused/);
  });

  it('a stored CRC that does not match names both values', () => {
    const good = header();
    const tampered = good.replace('"experiment":"x"', '"experiment":"y"');
    const body = tampered.slice(0, tampered.indexOf(',"crc":'));
    expect(refusal(tampered)).toContain(`line 1: checksum mismatch (stored ${crc32(good.slice(0, good.indexOf(',"crc":')))}, computed ${crc32(body)})`);
  });

  it('a wrong or missing sequence number, in the header too', () => {
    expect(refusal(header({ seq: 5 }))).toContain('line 1: sequence number 5 where 0 was expected');
    expect(refusal(rawLine('{"kind":"header"'))).toContain('line 1: sequence number undefined where 0 was expected');
    expect(refusal(header() + ev(2, point(1)))).toContain('line 2: sequence number 2 where 1 was expected');
  });

  it('a first line that is not a header, or whose version is not a version', () => {
    expect(refusal(ev(0, point(1)))).toContain('line 1: the first line is not a header');
    expect(refusal(header({ recordVersion: '2' }))).toContain('line 1: recordVersion "2" is not a version');
    expect(refusal(header({ recordVersion: 1.5 }))).toContain('line 1: recordVersion 1.5 is not a version');
    expect(refusal(header({ recordVersion: 0 }))).toContain('line 1: recordVersion 0 is not a version');
    expect(refusal(header({ recordVersion: 3 }))).toBe('run.jsonl has recordVersion 3, newer than this mirage-lab reads (2); use a newer mirage-lab');
    // version 1 is a version: it is migrated, not refused
    expect(parseRecord(header({ recordVersion: 1 })).writtenVersion).toBe(1);
    expect(parseRecord(header()).writtenVersion).toBe(2);
  });

  it('a schema violation names the field, or `line` for a key the line must not have', () => {
    expect(refusal(header({ experiment: 5 }))).toMatch(/^run\.jsonl line 1: experiment: .*string/);
    expect(refusal(header() + encodeLine({ seq: 1, kind: 'interrupted', t: 't', reason: 'r', extra: 1 }))).toMatch(/^run\.jsonl line 2: line: .*extra/);
    expect(refusal(header() + encodeLine({ seq: 1, kind: 'event', t: 't', event: { type: 'point', chart: 'c', series: 's', x: 'one', y: 1 } }))).toMatch(/line 2: event\.x: /);
  });

  it('a resumed marker must point to an earlier line', () => {
    expect(refusal(header() + ev(1, point(1)) + encodeLine({ seq: 2, kind: 'resumed', t: 't', from: 2 }))).toContain('line 3: resumed from line seq 2, which is not earlier');
    expect(() => parseRecord(header() + ev(1, point(1)) + encodeLine({ seq: 2, kind: 'resumed', t: 't', from: 1 }))).not.toThrow();
  });

  it('finds the line\'s own checksum at its end, even when the payload holds a `crc` key', () => {
    const data = { a: 1, crc: '0123abcd' };
    const text = header() + ev(1, { type: 'generation', index: 0, data });
    const rec = parseRecord(text);
    expect(rec.lines[0]?.kind === 'event' && rec.lines[0].event).toEqual({ type: 'generation', index: 0, data });
  });

  it('counts a torn tail in UTF-8 bytes, and a complete record has none', () => {
    const whole = header() + ev(1, { type: 'decision', proposal: 'α ≤ 1', adopted: true, reason: 'é' });
    const rec = parseRecord(whole);
    expect([rec.tornBytes, rec.validBytes, rec.lines.length]).toEqual([0, Buffer.byteLength(whole), 1]);
    const torn = parseRecord(`${header()}{"seq":1,"kind":"event","t":"é€`);
    expect(torn.tornBytes).toBe(Buffer.byteLength('{"seq":1,"kind":"event","t":"é€'));
    expect(torn.validBytes).toBe(Buffer.byteLength(header()));
    expect(torn.lines).toEqual([]);
  });
});

describe('version-1 migration', () => {
  it('renames keys at any depth (arrays too) and a point\'s series name; values and other lines are untouched', () => {
    const v1 = header({ recordVersion: 1 }) + ev(1, { type: 'generation', index: 0, data: { bias: 'bias', nested: [{ drift: 1 }], other: 2 } }) + ev(2, { type: 'point', chart: 'c', series: 'drift', x: 0, y: 1 }) + ev(3, { type: 'point', chart: 'c', series: 'bias', x: 0, y: 1 }) + ev(4, { type: 'point', chart: 'c', series: 'gt', x: 0, y: 1 }) + encodeLine({ seq: 5, kind: 'interrupted', t: 't', reason: 'bias' });
    const rec = parseRecord(v1);
    expect(rec.header.recordVersion).toBe(2);
    expect(rec.lines.map((l) => (l.kind === 'event' ? l.event : l.kind === 'interrupted' ? l.reason : l.from))).toEqual([
      { type: 'generation', index: 0, data: { shiftGap: 'bias', nested: [{ disagreement: 1 }], other: 2 } },
      { type: 'point', chart: 'c', series: 'disagreement', x: 0, y: 1 },
      { type: 'point', chart: 'c', series: 'shiftGap', x: 0, y: 1 },
      { type: 'point', chart: 'c', series: 'gt', x: 0, y: 1 },
      'bias',
    ]);
    // a version-2 record is read as written: `bias` is a key of today's glossary too
    const v2 = parseRecord(header() + ev(1, { type: 'generation', index: 0, data: { bias: 1 } }));
    expect(v2.lines[0]?.kind === 'event' && v2.lines[0].event).toEqual({ type: 'generation', index: 0, data: { bias: 1 } });
  });

  it('migrateV1 changes only a header and the event object of an event line', () => {
    for (const line of [
      { seq: 3, kind: 'interrupted', t: 't', reason: 'x', bias: 1 },
      { seq: 3, kind: 'interrupted', event: { bias: 1 } },
      { seq: 3, kind: 'interrupted', event: null },
      { seq: 3, kind: 'event', event: null },
      { seq: 3, kind: 'event', event: 'bias' },
    ]) {
      expect(migrateV1(line), JSON.stringify(line)).toBe(line);
    }
    // only a point's series is data that is renamed; another event's field of that name is not
    expect(migrateV1({ seq: 1, kind: 'event', event: { type: 'decision', series: 'bias' } })).toEqual({ seq: 1, kind: 'event', event: { type: 'decision', series: 'bias' } });
    // …and only a series that is a name: an array holding one is left alone (it would index the renames as 'bias')
    expect(migrateV1({ seq: 1, kind: 'event', event: { type: 'point', series: ['bias'] } })).toEqual({ seq: 1, kind: 'event', event: { type: 'point', series: ['bias'] } });
  });
});

describe('views of a record', () => {
  const e = (seq: number, event: ExperimentEvent): BodyLine => ({ seq, kind: 'event', t: `t${seq}`, event });
  const resumed = (seq: number, from: number): BodyLine => ({ seq, kind: 'resumed', t: 't', from });
  const interrupted = (seq: number): BodyLine => ({ seq, kind: 'interrupted', t: 't', reason: 'r' });

  it('effective events drop what was re-run after a resume, keeping the checkpoint itself', () => {
    const lines = [e(1, point(1)), e(2, checkpoint({ at: 2 })), e(3, point(3)), interrupted(4), resumed(5, 2), e(6, point(6)), e(7, { type: 'finished', results: 1 })];
    expect(effectiveEvents({ lines }).map((l) => l.seq)).toEqual([1, 2, 6, 7]);
    expect(effectiveEvents({ lines: [e(1, point(1)), resumed(2, 0)] })).toEqual([]);
  });

  it('status: finished only if a finished event counts; interrupted only if the last line says so', () => {
    const fin = e(3, { type: 'finished', results: { r: 1 } });
    expect(recordStatus({ lines: [e(1, point(1)), fin] })).toBe('finished');
    expect(recordStatus({ lines: [e(1, checkpoint(1)), fin, resumed(4, 1)] })).toBe('incomplete'); // the finish was re-run away
    expect(recordStatus({ lines: [e(1, point(1)), interrupted(2)] })).toBe('interrupted');
    expect(recordStatus({ lines: [interrupted(1), e(2, point(1))] })).toBe('incomplete');
    expect(recordStatus({ lines: [] })).toBe('incomplete');
  });

  it('the resume point is the last checkpoint that counts, or the start', () => {
    expect(resumePoint({ lines: [] })).toEqual({ from: 0, state: undefined });
    expect(resumePoint({ lines: [e(1, point(1))] })).toEqual({ from: 0, state: undefined });
    expect(resumePoint({ lines: [e(1, checkpoint('a')), e(2, point(1)), e(3, checkpoint('b')), e(4, point(2))] })).toEqual({ from: 3, state: 'b' });
    expect(resumePoint({ lines: [e(1, checkpoint('a')), e(2, checkpoint('b')), interrupted(3), resumed(4, 1)] })).toEqual({ from: 1, state: 'a' });
  });

  it('finishedOf gives the results and the time of the finished line', () => {
    expect(finishedOf({ lines: [e(1, point(1)), e(2, { type: 'finished', results: { r: 2 } })] })).toEqual({ results: { r: 2 }, t: 't2' });
    expect(finishedOf({ lines: [e(1, point(1))] })).toBeNull();
  });

  it('result events are point, generation, decision, cell and finished; the content hash skips the rest and timing', () => {
    const all: ExperimentEvent[] = [
      { type: 'started', unit: 'u', total: 1 },
      { type: 'progress', stage: 's', done: 0, total: 1 },
      point(1),
      { type: 'generation', index: 0, data: {} },
      { type: 'decision', proposal: 'p', adopted: false, reason: 'r' },
      { type: 'cell', cell: 0, result: 1 },
      checkpoint(1),
      { type: 'finished', results: 1 },
    ];
    expect(all.filter(isResultEvent).map((x) => x.type)).toEqual(['point', 'generation', 'decision', 'cell', 'finished']);
    expect(hashedPayload({ ...point(1), timing: { ms: 5 } })).toEqual(point(1));
    const h = { experiment: 'x', configHash: 'h' };
    const results = all.filter(isResultEvent);
    expect(contentHash(h, all)).toBe(contentHash(h, results));
    expect(contentHash(h, [])).not.toBe(contentHash({ ...h, experiment: 'y' }, []));
    expect(contentHash(h, [point(1), point(2)])).not.toBe(contentHash(h, [point(2), point(1)]));
    // the record's hash covers the effective events only
    const rec = parseRecord(header() + ev(1, checkpoint(0)) + ev(2, point(9)) + encodeLine({ seq: 3, kind: 'resumed', t: 't', from: 1 }) + ev(4, point(1)));
    expect(recordContentHash(rec)).toBe(contentHash({ experiment: 'x', configHash: 'h' }, [point(1)]));
  });
});

describe('provenance and schemas', () => {
  it('provenanceDiff names each field that differs as `field: recorded → now`, and nothing for the runtime', () => {
    const base = { ...provenance, experiment: 'x', configHash: 'c' };
    expect(provenanceDiff(base, { ...base, versions: { ...base.versions, runtime: 'other' } })).toEqual([]);
    const now = {
      ...base,
      experiment: 'y',
      configHash: 'd',
      anchorsHash: 'a2',
      backend: 'wasm',
      versions: { mirageLab: '0.2.0', packages: { tfjs: '4' }, worlds: { guess: 2, sensor: 1 }, runtime: 'node' },
    };
    expect(provenanceDiff(base, now)).toEqual([
      'experiment: "x" → "y"',
      'configHash: "c" → "d"',
      'anchorsHash: "a1" → "a2"',
      'backend: "none" → "wasm"',
      'versions.mirageLab: "0.1.0" → "0.2.0"',
      'versions.packages.zod: "4" → undefined',
      'versions.packages.tfjs: undefined → "4"',
      'versions.worlds.guess: 1 → 2',
      'versions.worlds.sensor: undefined → 1',
    ]);
  });

  it('a shard is 1-based with index ≤ count; a header has no unknown keys', () => {
    expect(shardSchema.safeParse({ index: 2, count: 2 }).success).toBe(true);
    expect(shardSchema.safeParse({ index: 1, count: 1 }).success).toBe(true);
    const over = shardSchema.safeParse({ index: 3, count: 2 });
    expect(over.success ? '' : over.error.issues[0]?.message).toBe('shard index must be ≤ shard count');
    expect(shardSchema.safeParse({ index: 0, count: 2 }).success).toBe(false);
    expect(shardSchema.safeParse({ index: 1, count: 0 }).success).toBe(false);
    expect(headerSchema.safeParse(headerObj()).success).toBe(true);
    expect(headerSchema.safeParse(headerObj({ extra: 1 })).success).toBe(false);
    expect(headerSchema.safeParse(headerObj({ seed: 1.5 })).success).toBe(false);
    expect(headerSchema.safeParse(headerObj({ shard: { index: 1, count: 2 } })).success).toBe(true);
  });
});
