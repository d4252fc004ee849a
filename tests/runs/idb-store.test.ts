import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { checkImport } from '../../src/runs/browser/import.ts';
import { IdbSink, RunStore } from '../../src/runs/browser/idb-store.ts';
import { encodeLine, parseRecord, recordContentHash, RECORD_VERSION } from '../../src/runs/record.ts';
import { resumeRun, startRun } from '../../src/runs/runner.ts';
import { MemorySink } from '../../src/runs/sink.ts';
import { inProcessRunner } from '../../src/runs/in-process.ts';
import { makeProvenance } from '../../src/runs/provenance.ts';
import { walkExperiment } from './fixtures/walk.ts';

// The IndexedDB store and sink on fake-indexeddb (an in-memory IndexedDB in Node); the browser
// test runs the same code on Chromium's real IndexedDB.
const provenance = makeProvenance({ mirageLab: 'test', packages: {}, runtime: 'test', backend: 'none' });
const host = (signal = new AbortController().signal) => ({ batch: inProcessRunner(), workers: 1, signal, now: () => '2026-01-01T00:00:00.000Z' });
const config = walkExperiment.configSchema.parse({ seed: 3, cells: 2, steps: 6 }) as { seed: number } & Record<string, unknown>;
let n = 0;
const entry = (name: string) => ({ id: `run-${++n}`, name, experiment: 'walk', seed: 3, lesson: null, source: 'page' as const, createdAt: `2026-01-01T00:00:0${n % 10}.000Z` });

describe('the IndexedDB run store', () => {
  it('a run recorded into IndexedDB is line for line the run recorded into memory, with the same content hash', async () => {
    const store = await RunStore.open(() => '2026-01-01T00:00:00.000Z', `t-${Math.random()}`);
    const mem = new MemorySink();
    const a = await startRun({ ...host(), experiment: walkExperiment, config, provenance, shard: null, sink: mem });
    const sink = await IdbSink.create(store, entry('walk'));
    const b = await startRun({ ...host(), experiment: walkExperiment, config, provenance, shard: null, sink });
    await sink.close();
    // Equal but for wall-clock timing (not hashed) and the CRC over it.
    const untimed = (t: string) => t.replace(/,"timing":\{[^}]*\}/g, '').replace(/,"crc":"[0-9a-f]{8}"/g, '');
    expect(untimed(await store.text(sink.entry.id))).toBe(untimed(mem.text));
    expect(b.contentHash).toBe(a.contentHash);
    const listed = await store.get(sink.entry.id);
    expect(listed?.status).toBe('finished');
    expect(listed?.contentHash).toBe(a.contentHash);
    expect(listed?.chunks).toBeGreaterThan(1); // written at each durability point, not once at the end
  });

  it('an interrupted run resumes from its stored record to the same content hash', async () => {
    const store = await RunStore.open(() => '2026-01-01T00:00:00.000Z', `t-${Math.random()}`);
    const undisturbed = await startRun({ ...host(), experiment: walkExperiment, config, provenance, shard: null, sink: new MemorySink() });
    const ac = new AbortController();
    const sink = await IdbSink.create(store, entry('walk'));
    let seen = 0;
    const first = await startRun({ ...host(ac.signal), onEvent: (e) => { if (e.type === 'checkpoint' && ++seen === 3) ac.abort(); }, experiment: walkExperiment, config, provenance, shard: null, sink });
    await sink.close();
    expect(first.status).toBe('interrupted');
    expect((await store.get(sink.entry.id))?.status).toBe('interrupted');
    const text = await store.text(sink.entry.id);
    const resumed = new IdbSink(store, (await store.get(sink.entry.id))!, undefined, text);
    const out = await resumeRun({ ...host(), experiment: walkExperiment, record: parseRecord(text), provenance, sink: resumed });
    await resumed.close();
    expect(out.status).toBe('finished');
    expect(out.contentHash).toBe(undisturbed.contentHash);
    expect(recordContentHash(parseRecord(await store.text(sink.entry.id)))).toBe(undisturbed.contentHash);
  });

  it('rename, delete, list newest first', async () => {
    const store = await RunStore.open(() => '2026-01-01T00:00:00.000Z', `t-${Math.random()}`);
    const mem = new MemorySink();
    await startRun({ ...host(), experiment: walkExperiment, config, provenance, shard: null, sink: mem });
    const ok = checkImport(mem.text);
    if (!ok.ok) throw new Error(ok.reason);
    const a = await store.add(entry('a'), ok.record, ok.text);
    const b = await store.add(entry('b'), ok.record, ok.text);
    expect((await store.list()).map((r) => r.id)).toEqual([b.id, a.id]);
    await store.rename(a.id, 'renamed');
    expect((await store.get(a.id))?.name).toBe('renamed');
    await store.delete(b.id);
    expect((await store.list()).map((r) => r.id)).toEqual([a.id]);
    expect(await store.text(b.id)).toBe('');
    await expect(store.add({ ...entry('dup'), id: a.id }, ok.record, ok.text)).rejects.toThrow(/exists/);
    expect(await store.text(a.id)).toBe(mem.text); // the refused add touched nothing
  });

  it('when a write fails for lack of space the run goes on in memory, says so, and the stored prefix is untouched', async () => {
    const store = await RunStore.open(() => '2026-01-01T00:00:00.000Z', `t-${Math.random()}`);
    const messages: string[] = [];
    const sink = await IdbSink.create(store, entry('quota'), (m) => messages.push(m));
    let writes = 0;
    const real = store.writeChunk.bind(store);
    // Fault injection at the store boundary: the third chunk meets a full disk (the browser test uses a real quota).
    store.writeChunk = async (run, text) => {
      if (++writes >= 3) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return real(run, text);
    };
    const out = await startRun({ ...host(), experiment: walkExperiment, config, provenance, shard: null, sink });
    await sink.close();
    expect(out.status).toBe('finished');
    expect(sink.memoryOnly).toBe(true);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/storage for this page is full.*in memory only/);
    const stored = await store.text(sink.entry.id);
    expect(sink.text.startsWith(stored)).toBe(true); // a whole-line prefix of what the run wrote
    expect(stored.endsWith('\n')).toBe(true);
    expect(recordContentHash(parseRecord(sink.text))).toBe(out.contentHash);
  });
});

describe('import checks', () => {
  const good = async () => {
    const mem = new MemorySink();
    await startRun({ ...host(), experiment: walkExperiment, config, provenance, shard: null, sink: mem });
    return mem.text;
  };

  it('accepts a record as `mirage-lab run` writes it', async () => {
    const r = checkImport(await good());
    expect(r.ok).toBe(true);
  });

  it('refuses corrupt, newer, hostile, huge and cut files with the reason', async () => {
    const text = await good();
    const lines = text.split('\n');
    const flip = [lines[0], lines[1]!.replace('"seq":1', '"seq":1 '), ...lines.slice(2)].join('\n');
    expect(checkImport(flip)).toMatchObject({ ok: false, reason: expect.stringMatching(/line 2: checksum mismatch/) });
    const header = JSON.parse(lines[0]!.replace(/,"crc":"[0-9a-f]{8}"\}$/, '}')) as Record<string, unknown>;
    const newer = [encodeLine({ ...(header as { seq: number; kind: string }), recordVersion: RECORD_VERSION + 1 }).trimEnd(), ...lines.slice(1)].join('\n');
    expect(checkImport(newer)).toMatchObject({ ok: false, reason: expect.stringMatching(/newer than this mirage-lab reads/) });
    const hostile = [lines[0], encodeLine({ seq: 1, kind: 'event', t: 'x', event: { type: 'point', chart: 'a', series: 'b', x: 0, y: 0, data: { ['__proto__']: { polluted: 1 } } } }).trimEnd(), ...lines.slice(2)].join('\n').replace('"data":{}', '"data":{"__proto__":{"polluted":1}}');
    expect(checkImport(hostile).ok).toBe(false);
    const proto = `${lines[0]}\n{"seq":1,"kind":"event","__proto__":{"polluted":1}}\n`;
    expect(checkImport(proto)).toMatchObject({ ok: false, reason: expect.stringMatching(/__proto__.*hostile/) });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(checkImport(`${'x'.repeat(9 * 1024 * 1024)}\n`)).toMatchObject({ ok: false, reason: expect.stringMatching(/line 1 is .* characters/) });
    expect(checkImport(text.slice(0, -10))).toMatchObject({ ok: false, reason: expect.stringMatching(/torn/) });
    expect(checkImport('')).toMatchObject({ ok: false, reason: 'the file is empty' });
    expect(checkImport('hello\n')).toMatchObject({ ok: false, reason: expect.stringMatching(/line 1/) });
  });
});
