/**
 * The run record: round trip, torn last line cut, corruption refused with its line number,
 * version migration and refusal, provenance mismatch refused naming what differs, the content
 * hash blind to timing, resume in memory = an undisturbed run, merged shards = unsharded.
 * Uses the tiny `test-walk` sweep (tests/runs/fixtures/walk.ts) on an in-process batch runner.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/runtime.ts';
import { crc32, contentHash, effectiveEvents, encodeLine, parseRecord, recordContentHash, recordStatus, RecordCorruptError, RecordVersionError, RECORD_VERSION, finishedOf, type Provenance, type Shard } from '../../src/runs/record.ts';
import { MemorySink } from '../../src/runs/sink.ts';
import { resumeRun, shardCells, startRun, type RunHost } from '../../src/runs/runner.ts';
import { mergeShards } from '../../src/runs/merge.ts';
import { inProcessRunner } from '../../src/runs/in-process.ts';
import { makeProvenance } from '../../src/runs/provenance.ts';
import type { ExperimentEvent } from '../../src/experiments/types.ts';
import { walkExperiment, walkConfigSchema, type WalkConfig } from './fixtures/walk.ts';

const provenance: Provenance = makeProvenance({ mirageLab: '0.1.0', packages: { zod: '4.6.7' }, runtime: 'test', backend: 'none' });

let tick = 0;
function host(signal = new AbortController().signal, onEvent?: (e: ExperimentEvent) => void): RunHost {
  return { batch: inProcessRunner(), workers: 1, signal, now: () => new Date(Date.UTC(2026, 0, 1, 0, 0, tick++)).toISOString(), ...(onEvent ? { onEvent } : {}) };
}

const config = (over: Partial<WalkConfig> = {}) => walkConfigSchema.parse({ cells: 3, steps: 6, ...over });

async function runToEnd(c: WalkConfig, shard: Shard | null = null) {
  const sink = new MemorySink();
  const out = await startRun({ ...host(), experiment: walkExperiment, config: c, provenance, shard, sink });
  return { sink, out };
}

describe('record lines', () => {
  it('round-trips: every line has seq and a CRC, the parse gives back the events and the same content hash', async () => {
    const { sink, out } = await runToEnd(config());
    expect(out.status).toBe('finished');
    const rec = parseRecord(sink.text);
    expect(rec.header.recordVersion).toBe(RECORD_VERSION);
    expect(rec.header.experiment).toBe('test-walk');
    expect(rec.tornBytes).toBe(0);
    sink.text.trimEnd().split('\n').forEach((line, i) => {
      expect(JSON.parse(line).seq).toBe(i);
      expect(line).toMatch(/,"crc":"[0-9a-f]{8}"\}$/);
    });
    expect(recordStatus(rec)).toBe('finished');
    expect(recordContentHash(rec)).toBe(out.contentHash);
    expect(finishedOf(rec)?.results).toEqual(out.results);
    // progress is never recorded; points, generations, decisions, cells and checkpoints are
    const types = new Set(effectiveEvents(rec).map((l) => l.event.type));
    expect([...types].sort()).toEqual(['cell', 'checkpoint', 'decision', 'finished', 'generation', 'point', 'started']);
    // every durable event type was synced: the synced text is the whole record at the end
    expect(sink.syncedText).toBe(sink.text);
  });

  it('CRC-32 matches the standard check value', () => {
    expect(crc32('123456789')).toBe('cbf43926');
  });

  it('cuts a torn last line and reads the rest', async () => {
    const { sink } = await runToEnd(config());
    const full = sink.text;
    const cutAt = full.length - 17; // inside the last line
    const rec = parseRecord(full.slice(0, cutAt));
    const lastNewline = full.lastIndexOf('\n', full.length - 2);
    expect(rec.validBytes).toBe(lastNewline + 1);
    expect(rec.tornBytes).toBe(cutAt - lastNewline - 1);
    expect(recordStatus(rec)).toBe('incomplete'); // the torn line was `finished`
  });

  it('refuses any other corruption with its line number', async () => {
    const { sink } = await runToEnd(config());
    const lines = sink.text.split('\n');
    // a flipped digit inside line 5's payload: the CRC catches it
    const flipped = [...lines];
    flipped[4] = (flipped[4] as string).replace(/"seq":4/, '"seq":4 ').replace(/(\d)(?=[,}][^"]*"crc")/, (d) => String((Number(d) + 1) % 10));
    expect(() => parseRecord(flipped.join('\n'))).toThrow(/line 5: checksum mismatch/);
    // a line dropped: the sequence gap is caught at the next line
    const dropped = [...lines.slice(0, 6), ...lines.slice(7)];
    expect(() => parseRecord(dropped.join('\n'))).toThrow(RecordCorruptError);
    expect(() => parseRecord(dropped.join('\n'))).toThrow(/line 7: sequence number 7 where 6 was expected/);
    // a complete (newline-terminated) last line that is garbage is corruption, not a torn write
    const garbage = `${sink.text}{"seq":999,"oops"\n`;
    expect(() => parseRecord(garbage)).toThrow(new RegExp(`line ${lines.length}: no checksum`));
    // a valid line with a schema violation (CRC recomputed, so only the schema can object)
    const bad = encodeLine({ seq: lines.length - 1, kind: 'event', t: 'x', event: { type: 'point', chart: 'walk' } });
    expect(() => parseRecord(sink.text + bad)).toThrow(new RegExp(`line ${lines.length}: event`));
  });

  it('migrates a version-1 record (bias → shiftGap, drift → disagreement) and refuses a newer one', async () => {
    const { sink } = await runToEnd(config({ cells: 1, steps: 4 }));
    const objs = sink.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .map((o) => {
        delete o.crc;
        return o;
      });
    const v1 = objs.map((o) => {
      if (o.kind === 'header') return { ...o, recordVersion: 1 };
      const ev = o.event as Record<string, unknown>;
      if (ev?.type === 'generation') return { ...o, event: { ...ev, data: { bias: 0.25, drift: 0.5 } } };
      return o;
    });
    const rec = parseRecord(v1.map((o) => encodeLine(o as { seq: number; kind: string })).join(''));
    expect(rec.writtenVersion).toBe(1);
    expect(rec.header.recordVersion).toBe(2);
    const gen = effectiveEvents(rec).find((l) => l.event.type === 'generation')?.event;
    expect(gen?.type === 'generation' && gen.data).toEqual({ shiftGap: 0.25, disagreement: 0.5 });

    const v3 = objs.map((o) => (o.kind === 'header' ? { ...o, recordVersion: RECORD_VERSION + 1 } : o));
    expect(() => parseRecord(v3.map((o) => encodeLine(o as { seq: number; kind: string })).join(''))).toThrow(RecordVersionError);
    expect(() => parseRecord(v3.map((o) => encodeLine(o as { seq: number; kind: string })).join(''))).toThrow(/recordVersion 3, newer than this mirage-lab reads \(2\)/);
  });

  it('the content hash ignores timing and timestamps but not results', () => {
    const header = { experiment: 'x', configHash: 'h' };
    const a: ExperimentEvent[] = [{ type: 'point', chart: 'c', series: 's', x: 1, y: 2, timing: { ms: 1 } }, { type: 'finished', results: { r: 1 } }];
    const b: ExperimentEvent[] = [{ type: 'point', chart: 'c', series: 's', x: 1, y: 2, timing: { ms: 99 } }, { type: 'progress', stage: 's', done: 1, total: 2 }, { type: 'finished', results: { r: 1 } }];
    const c: ExperimentEvent[] = [{ type: 'point', chart: 'c', series: 's', x: 1, y: 2.0000001 }, { type: 'finished', results: { r: 1 } }];
    expect(contentHash(header, a)).toBe(contentHash(header, b));
    expect(contentHash(header, a)).not.toBe(contentHash(header, c));
    expect(contentHash(header, a)).not.toBe(contentHash({ ...header, configHash: 'other' }, a));
  });

  it('two runs of the same config have the same content hash (their timestamps differ)', async () => {
    const one = await runToEnd(config());
    const two = await runToEnd(config());
    expect(one.sink.text).not.toBe(two.sink.text); // the `t` stamps differ
    expect(two.out.contentHash).toBe(one.out.contentHash);
    const other = await runToEnd(config({ seed: 1 }));
    expect(other.out.contentHash).not.toBe(one.out.contentHash);
  });
});

describe('resume', () => {
  it('stops at a checkpoint on abort, resumes to the same results and content hash, repeatedly', async () => {
    const reference = await runToEnd(config());
    let text = '';
    let stops = 0;
    for (let attempt = 0; attempt < 20; attempt++) {
      const ctl = new AbortController();
      let seen = 0;
      // abort after a different number of events each time
      const onEvent = () => {
        if (++seen === 5 + 3 * attempt) ctl.abort();
      };
      const sink = new MemorySink(text);
      const out = text
        ? await resumeRun({ ...host(ctl.signal, onEvent), experiment: walkExperiment, record: parseRecord(text), provenance, sink })
        : await startRun({ ...host(ctl.signal, onEvent), experiment: walkExperiment, config: config(), provenance, shard: null, sink });
      text = sink.text;
      if (out.status === 'finished') {
        expect(out.results).toEqual(reference.out.results);
        expect(out.contentHash).toBe(reference.out.contentHash);
        break;
      }
      stops++;
      expect(recordStatus(parseRecord(text))).toBe('interrupted');
    }
    expect(stops).toBeGreaterThan(1);
    const rec = parseRecord(text);
    expect(recordContentHash(rec)).toBe(reference.out.contentHash);
    expect(rec.lines.filter((l) => l.kind === 'resumed').length).toBe(stops);
  });

  it('refuses a finished run and a provenance that differs, naming what differs', async () => {
    const { sink } = await runToEnd(config());
    const finished = parseRecord(sink.text);
    await expect(resumeRun({ ...host(), experiment: walkExperiment, record: finished, provenance, sink: new MemorySink() })).rejects.toThrow(/has finished/);

    const ctl = new AbortController();
    ctl.abort();
    const half = new MemorySink();
    await startRun({ ...host(ctl.signal), experiment: walkExperiment, config: config(), provenance, shard: null, sink: half });
    const rec = parseRecord(half.text);
    const changed: Provenance = { ...provenance, anchorsHash: 'f00', versions: { ...provenance.versions, worlds: { ...provenance.versions.worlds, guess: 99 } } };
    const err = await resumeRun({ ...host(), experiment: walkExperiment, record: rec, provenance: changed, sink: new MemorySink() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(String((err as Error).message)).toMatch(/anchorsHash: ".*" → "f00"/);
    expect(String((err as Error).message)).toMatch(/versions\.worlds\.guess: 1 → 99/);
    // the runtime is recorded but not compared: results do not depend on it
    const otherRuntime: Provenance = { ...provenance, versions: { ...provenance.versions, runtime: 'other' } };
    const out = await resumeRun({ ...host(), experiment: walkExperiment, record: rec, provenance: otherRuntime, sink: new MemorySink(half.text) });
    expect(out.status).toBe('finished');
  });
});

describe('shards', () => {
  it('slices cells contiguously and covers each once', () => {
    for (const n of [1, 2, 3, 7]) {
      for (const cells of [1, 3, 10]) {
        const all = Array.from({ length: n }, (_, i) => shardCells(cells, { index: i + 1, count: n })).flat();
        expect(all).toEqual(Array.from({ length: cells }, (_, i) => i));
      }
    }
  });

  it('merged shards equal the unsharded run (results and content hash), in any order of inputs', async () => {
    const c = config({ cells: 5, steps: 5 });
    const whole = await runToEnd(c);
    for (const n of [2, 3]) {
      const parts = [];
      for (let i = n; i >= 1; i--) parts.push({ where: `shard-${i}`, record: parseRecord((await runToEnd(c, { index: i, count: n })).sink.text) });
      const merged = mergeShards(parts, () => walkExperiment);
      expect(merged.results).toEqual(whole.out.results);
      expect(merged.contentHash).toBe(whole.out.contentHash);
      expect(recordContentHash(parseRecord(merged.text))).toBe(whole.out.contentHash);
    }
  });

  it('refuses shards of different configs, missing or duplicate shards, unfinished shards', async () => {
    const c = config({ cells: 4, steps: 3 });
    const s1 = { where: 'a', record: parseRecord((await runToEnd(c, { index: 1, count: 2 })).sink.text) };
    const s2 = { where: 'b', record: parseRecord((await runToEnd(c, { index: 2, count: 2 })).sink.text) };
    const other = { where: 'c', record: parseRecord((await runToEnd({ ...c, steps: 4 }, { index: 2, count: 2 })).sink.text) };
    expect(() => mergeShards([s1, other], () => walkExperiment)).toThrow(/config differs in: steps/);
    expect(() => mergeShards([s1], () => walkExperiment)).toThrow(/missing: 2\/2/);
    expect(() => mergeShards([s1, s1], () => walkExperiment)).toThrow(/each shard once/);
    const ctl = new AbortController();
    ctl.abort();
    const halfSink = new MemorySink();
    await startRun({ ...host(ctl.signal), experiment: walkExperiment, config: c, provenance, shard: { index: 2, count: 2 }, sink: halfSink });
    expect(() => mergeShards([s1, { where: 'd', record: parseRecord(halfSink.text) }], () => walkExperiment)).toThrow(/finished shards only/);
    expect(mergeShards([s2, s1], () => walkExperiment).results).toBeTruthy();
  });
});
