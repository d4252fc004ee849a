/**
 * The runner's edges on scripted experiments: when it stops, what marker it leaves and why, when
 * it makes the record durable, what it passes to the experiment, and every refusal of a resume
 * with the message a user reads. Complements record.test.ts (which runs the `test-walk` sweep).
 */
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/runtime.ts';
import { defineExperiment, type AnyExperiment, type ExperimentEvent, type LearnerRunner, type RunContext } from '../../src/experiments/types.ts';
import { configHash, parseRecord, recordContentHash, type Provenance } from '../../src/runs/record.ts';
import { resumeRun, shardCells, startRun, type RunHost } from '../../src/runs/runner.ts';
import { MemorySink, type RecordSink } from '../../src/runs/sink.ts';
import { inProcessRunner } from '../../src/runs/in-process.ts';

const provenance: Provenance = { anchorsHash: 'a1', versions: { mirageLab: '0.1.0', packages: {}, worlds: {}, runtime: 'test' }, backend: 'none' };
const configSchema = z.strictObject({ seed: z.number().int().default(0), n: z.number().int().min(0).default(2) });

let tick = 0;
const now = (): string => `t${tick++}`;
function host(signal: AbortSignal = new AbortController().signal, extra: Partial<RunHost> = {}): RunHost {
  return { batch: inProcessRunner(), workers: 1, signal, now, ...extra };
}

/** An experiment that yields the given events (after `restore`, when given, it yields `resumed` instead). */
function scripted(events: (ctx: RunContext) => Iterable<unknown>, over: Partial<AnyExperiment> = {}): AnyExperiment {
  return defineExperiment({
    id: 'scripted',
    title: 'scripted',
    description: 'scripted events',
    configSchema,
    quick: {},
    async *run(_config, ctx) {
      for (const e of events(ctx)) yield e as ExperimentEvent;
    },
    ...over,
  } as AnyExperiment);
}

const pt = (x: number): ExperimentEvent => ({ type: 'point', chart: 'c', series: 's', x, y: x });
const cp = (state: unknown): ExperimentEvent => ({ type: 'checkpoint', state: state as never });
const fin: ExperimentEvent = { type: 'finished', results: { ok: true } };
const kinds = (text: string): string[] => parseRecord(text).lines.map((l) => (l.kind === 'event' ? l.event.type : l.kind));
const start = (experiment: AnyExperiment, sink: RecordSink, h: RunHost = host(), config = { seed: 0, n: 2 }) => startRun({ ...h, experiment, config, provenance, shard: null, sink });

/** A sink that notes, at every sync, how many lines were appended so far. */
class CountingSink extends MemorySink {
  readonly syncedAt: number[] = [];
  override sync(): void {
    super.sync();
    this.syncedAt.push(this.text.split('\n').length - 1);
  }
}

describe('shardCells', () => {
  it('splits cells into contiguous, near-equal slices in index order', () => {
    expect(shardCells(4, null)).toEqual([0, 1, 2, 3]);
    expect([1, 2, 3].map((index) => shardCells(7, { index, count: 3 }))).toEqual([[0, 1], [2, 3], [4, 5, 6]]);
    expect([1, 2, 3].map((index) => shardCells(2, { index, count: 3 }))).toEqual([[], [0], [1]]);
    expect(shardCells(5, { index: 1, count: 1 })).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('a run ends', () => {
  it('finished: the outcome carries the results, the finished line\'s time and the record\'s content hash', async () => {
    const sink = new MemorySink();
    const out = await start(scripted(() => [pt(0), cp(1), pt(1), fin]), sink);
    expect(out.status).toBe('finished');
    expect(out.results).toEqual({ ok: true });
    const rec = parseRecord(sink.text);
    const finLine = rec.lines.at(-1);
    expect(out.finishedAt).toBe(finLine?.kind === 'event' ? finLine.t : 'missing');
    expect(out.contentHash).toBe(recordContentHash(rec));
    expect(out.header).toEqual(rec.header);
    expect(rec.header.configHash).toBe(configHash({ seed: 0, n: 2 }));
    expect(kinds(sink.text)).toEqual(['point', 'checkpoint', 'point', 'finished']);
  });

  it('returned without finishing: an interrupted marker says so', async () => {
    const sink = new MemorySink();
    const out = await start(scripted(() => [pt(0), cp(1)]), sink);
    expect([out.status, out.results, out.finishedAt]).toEqual(['interrupted', null, null]);
    const last = parseRecord(sink.text).lines.at(-1);
    expect(last?.kind === 'interrupted' && last.reason).toBe('the experiment returned without finishing');
    expect(out.contentHash).toBe(recordContentHash(parseRecord(sink.text)));
  });

  it('an invalid event is the experiment\'s bug: it throws naming the field, and the record says why it stopped', async () => {
    const sink = new MemorySink();
    const err = await start(scripted(() => [pt(0), { type: 'point', chart: 'c', series: 's', x: 'one', y: 1 }]), sink).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/^experiment 'scripted' yielded an invalid event \(x: .+\)$/);
    const last = parseRecord(sink.text).lines.at(-1);
    expect(last?.kind === 'interrupted' && last.reason).toBe(`error: ${(err as Error).message}`);
    expect(kinds(sink.text)).toEqual(['point', 'interrupted']);
    // a nested field is named by its dotted path
    const err3 = await start(scripted(() => [{ ...pt(0), timing: { ms: 'slow' } }]), new MemorySink()).catch((e: unknown) => e as Error);
    expect((err3 as Error).message).toMatch(/^experiment 'scripted' yielded an invalid event \(timing\.ms: .+\)$/);
    // a whole event that is not one names `event`
    const err2 = await start(scripted(() => [42]), new MemorySink()).catch((e: unknown) => e as Error);
    expect((err2 as Error).message).toMatch(/^experiment 'scripted' yielded an invalid event \(event: .+\)$/);
  });

  it('results that do not match the resultsSchema are refused with the field', async () => {
    const exp = scripted(() => [{ type: 'finished', results: { ok: 'yes' } }], { resultsSchema: z.strictObject({ ok: z.boolean() }) });
    const err = await start(exp, new MemorySink()).catch((e: unknown) => e as Error);
    expect((err as Error).message).toMatch(/^experiment 'scripted' finished with results that do not match its resultsSchema \(ok: .+\)$/);
    const nested = scripted(() => [{ type: 'finished', results: { ok: { v: 'yes' } } }], { resultsSchema: z.strictObject({ ok: z.strictObject({ v: z.boolean() }) }) });
    expect(((await start(nested, new MemorySink()).catch((e: unknown) => e)) as Error).message).toMatch(/resultsSchema \(ok\.v: .+\)$/);
    // matching results pass
    const good = scripted(() => [fin], { resultsSchema: z.strictObject({ ok: z.boolean() }) });
    expect((await start(good, new MemorySink())).status).toBe('finished');
  });

  it('a thrown error leaves an `error:` marker with its text and rethrows it', async () => {
    const sink = new MemorySink();
    const boom = scripted(function* () {
      yield pt(0);
      throw new Error('boom');
    });
    await expect(start(boom, sink)).rejects.toThrow('boom');
    const last = parseRecord(sink.text).lines.at(-1);
    expect(last?.kind === 'interrupted' && last.reason).toBe('error: boom');
    expect(sink.syncedText).toBe(sink.text); // the marker is durable
  });
});

describe('stopping on the signal', () => {
  it('before any checkpoint: stops after the current event and marks the record stopped', async () => {
    const ctl = new AbortController();
    ctl.abort();
    const sink = new MemorySink();
    const out = await start(scripted(() => [pt(0), pt(1), cp(2), fin]), sink, host(ctl.signal));
    expect(out.status).toBe('interrupted');
    expect(kinds(sink.text)).toEqual(['point', 'interrupted']);
    const last = parseRecord(sink.text).lines.at(-1);
    expect(last?.kind === 'interrupted' && last.reason).toBe('stopped (signal)');
  });

  it('closes the experiment (its finally blocks run) and makes the marker durable', async () => {
    const ctl = new AbortController();
    ctl.abort();
    let closed = false;
    const exp = scripted(function* () {
      try {
        yield pt(0);
        yield pt(1);
        yield fin;
      } finally {
        closed = true;
      }
    });
    const sink = new MemorySink();
    await start(exp, sink, host(ctl.signal));
    expect(closed).toBe(true);
    expect(kinds(sink.text)).toEqual(['point', 'interrupted']);
    expect(sink.syncedText).toBe(sink.text);
  });

  it('after a checkpoint: keeps going to the next checkpoint, then stops', async () => {
    const ctl = new AbortController();
    const events = [pt(0), cp(1), pt(1), pt(2), cp(2), pt(3), fin];
    const onEvent = (e: ExperimentEvent) => {
      if (e.type === 'point' && e.x === 1) ctl.abort();
    };
    const sink = new MemorySink();
    await start(scripted(() => events), sink, host(ctl.signal, { onEvent }));
    expect(kinds(sink.text)).toEqual(['point', 'checkpoint', 'point', 'point', 'checkpoint', 'interrupted']);
  });

  it('a finished event wins over the signal', async () => {
    const ctl = new AbortController();
    const onEvent = (e: ExperimentEvent) => {
      if (e.type === 'finished') ctl.abort();
    };
    const sink = new MemorySink();
    const out = await start(scripted(() => [pt(0), fin]), sink, host(ctl.signal, { onEvent }));
    expect(out.status).toBe('finished');
    expect(kinds(sink.text)).toEqual(['point', 'finished']);
  });
});

describe('what the runner records and syncs', () => {
  it('progress reaches onEvent but not the record; started and checkpoints are recorded', async () => {
    const seen: string[] = [];
    const sink = new MemorySink();
    await start(scripted(() => [{ type: 'started', unit: 'u', total: 1 }, { type: 'progress', stage: 's', done: 0, total: 1 }, pt(0), fin]), sink, host(undefined, { onEvent: (e) => seen.push(e.type) }));
    expect(seen).toEqual(['started', 'progress', 'point', 'finished']);
    expect(kinds(sink.text)).toEqual(['started', 'point', 'finished']);
  });

  it('syncs the header, every point and generation until the first checkpoint, then checkpoints, cells and the finish', async () => {
    const sink = new CountingSink();
    const gen: ExperimentEvent = { type: 'generation', index: 0, data: {} };
    const dec: ExperimentEvent = { type: 'decision', proposal: 'p', adopted: true, reason: 'r' };
    const cell: ExperimentEvent = { type: 'cell', cell: 0, result: 1 };
    // lines: 1 header, 2 started, 3 point, 4 generation, 5 decision, 6 checkpoint, 7 point, 8 generation, 9 cell, 10 finished
    await start(scripted(() => [{ type: 'started', unit: 'u', total: 1 }, pt(0), gen, dec, cp(1), pt(1), gen, cell, fin]), sink);
    expect(sink.syncedAt).toEqual([1, 3, 4, 6, 9, 10]);
  });

  it('passes cells only to sweeps, restore only on a resume from a checkpoint, and the host\'s learners', async () => {
    const contexts: RunContext[] = [];
    const learners = {} as LearnerRunner;
    const plain = scripted((ctx) => (contexts.push(ctx), [fin]));
    await start(plain, new MemorySink(), host(undefined, { learners, workers: 3 }));
    expect(contexts[0]).not.toHaveProperty('cells');
    expect(contexts[0]).not.toHaveProperty('restore');
    expect(contexts[0]?.learners).toBe(learners);
    expect(contexts[0]?.workers).toBe(3);
    await start(plain, new MemorySink());
    expect(contexts[1]).not.toHaveProperty('learners');
    const sweep = scripted((ctx) => (contexts.push(ctx), [fin]), { sweep: { cellCount: (c: { n: number }) => c.n * 2, combine: () => ({}) } });
    await startRun({ ...host(), experiment: sweep, config: { seed: 0, n: 2 }, provenance, shard: { index: 2, count: 2 }, sink: new MemorySink() });
    expect(contexts[2]?.cells).toEqual([2, 3]);
    await start(sweep, new MemorySink());
    expect(contexts[3]?.cells).toEqual([0, 1, 2, 3]);
  });

  it('refuses --shard for an experiment that is not a sweep, naming the value', async () => {
    const err = await startRun({ ...host(), experiment: scripted(() => [fin]), config: { seed: 0, n: 2 }, provenance, shard: { index: 1, count: 2 }, sink: new MemorySink() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(`--shard: "1/2" is not allowed; expected no --shard: experiment 'scripted' is not a sweep (it has no cells to split)`);
  });
});

describe('resume', () => {
  /** Runs to an interruption: `events` before the stop, with the signal raised at `stopAt`. */
  async function interrupted(exp: AnyExperiment, stopAtX: number): Promise<string> {
    const ctl = new AbortController();
    const sink = new MemorySink();
    await start(exp, sink, host(ctl.signal, { onEvent: (e) => void (e.type === 'point' && e.x === stopAtX && ctl.abort()) }));
    return sink.text;
  }
  const resumable = scripted((ctx) => {
    const from = ctx.restore === undefined ? 0 : (ctx.restore as number);
    const out: ExperimentEvent[] = [];
    for (let i = from; i < 4; i++) out.push(pt(i), cp(i + 1));
    out.push(fin);
    return out;
  });

  it('continues from the last checkpoint with its state, numbering lines on, to the undisturbed content hash', async () => {
    const whole = new MemorySink();
    const ref = await start(resumable, whole);
    const text = await interrupted(resumable, 1);
    expect(kinds(text)).toEqual(['point', 'checkpoint', 'point', 'checkpoint', 'interrupted']);
    const sink = new MemorySink(text);
    const out = await resumeRun({ ...host(), experiment: resumable, record: parseRecord(text), provenance, sink });
    expect(out.status).toBe('finished');
    expect(out.contentHash).toBe(ref.contentHash);
    const rec = parseRecord(sink.text);
    const marker = rec.lines[5];
    expect(marker).toMatchObject({ seq: 6, kind: 'resumed', from: 4 });
    expect(kinds(sink.text).slice(5)).toEqual(['resumed', 'point', 'checkpoint', 'point', 'checkpoint', 'finished']);
    expect(recordContentHash(rec)).toBe(ref.contentHash);
  });

  it('from a record without a checkpoint: starts over without a restore, to the same content hash', async () => {
    const whole = await start(resumable, new MemorySink());
    const ctl = new AbortController();
    ctl.abort();
    const half = new MemorySink();
    await start(resumable, half, host(ctl.signal));
    expect(kinds(half.text)).toEqual(['point', 'interrupted']);
    const restores: unknown[] = [];
    const spy = scripted((ctx) => (restores.push('restore' in ctx ? ctx.restore : 'absent'), []));
    await resumeRun({ ...host(), experiment: spy, record: parseRecord(half.text), provenance, sink: new MemorySink(half.text) }).catch(() => undefined);
    expect(restores).toEqual(['absent']);
    const sink = new MemorySink(half.text);
    const out = await resumeRun({ ...host(), experiment: resumable, record: parseRecord(half.text), provenance, sink });
    expect(out.contentHash).toBe(whole.contentHash);
    expect(parseRecord(sink.text).lines[2]).toMatchObject({ seq: 3, kind: 'resumed', from: 0 });
  });

  it('from a record holding only its header: numbers on from 1, and makes the marker durable at once', async () => {
    const ctl = new AbortController();
    ctl.abort();
    const headerOnly = new MemorySink();
    await start(scripted(() => []), headerOnly, host(ctl.signal));
    const text = headerOnly.text.split('\n')[0] + '\n'; // a crash right after the header
    const sink = new CountingSink(text);
    const out = await resumeRun({ ...host(), experiment: resumable, record: parseRecord(text), provenance, sink });
    expect(out.status).toBe('finished');
    expect(parseRecord(sink.text).lines[0]).toMatchObject({ seq: 1, kind: 'resumed', from: 0 });
    expect(sink.syncedAt[0]).toBe(2); // header + the resumed marker, before any event
  });

  it('names a nested config field today\'s schema rejects by its dotted path', async () => {
    const nestedSchema = z.strictObject({ seed: z.number().int().default(0), opts: z.strictObject({ k: z.number().default(1) }).default({ k: 1 }) });
    const loose = scripted(() => [pt(0), cp(1), pt(1)], { configSchema: nestedSchema });
    const sink = new MemorySink();
    await startRun({ ...host(), experiment: loose, config: { seed: 0, opts: { k: 1 } }, provenance, shard: null, sink });
    const strict = { ...loose, configSchema: z.strictObject({ seed: z.number().int(), opts: z.strictObject({ k: z.number().min(5) }) }) };
    const err = await resumeRun({ ...host(), experiment: strict, record: parseRecord(sink.text), provenance, sink: new MemorySink(sink.text) }).catch((e: unknown) => e as Error);
    expect((err as Error).message).toMatch(/schema accepts \(opts\.k: .+\)$/);
  });

  it('refuses another experiment\'s record, a finished one, a config today\'s schema rejects, a changed provenance', async () => {
    const text = await interrupted(resumable, 1);
    const rec = parseRecord(text);
    const msg = async (o: Partial<Parameters<typeof resumeRun>[0]>): Promise<string> => {
      const err = await resumeRun({ ...host(), experiment: resumable, record: rec, provenance, sink: new MemorySink(text), ...o }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      return (err as Error).message;
    };
    expect(await msg({ experiment: { ...resumable, id: 'other' }, where: 'runs/a' })).toBe(`resume: "runs/a" is not allowed; expected a record of experiment 'other' (this one is 'scripted')`);
    const done = new MemorySink();
    await start(resumable, done);
    expect(await msg({ record: parseRecord(done.text) })).toBe('resume: "record" is not allowed; expected an interrupted or incomplete run (this one has finished: start a new one with `mirage-lab run`)');
    const stricter = { ...resumable, configSchema: z.strictObject({ seed: z.number().int(), n: z.number().int().min(5) }) };
    expect(await msg({ experiment: stricter })).toMatch(/^resume: "record" is not allowed; expected a config today's 'scripted' schema accepts \(n: .+\)$/);
    // a changed default changes the config hash: the config is re-parsed through today's schema
    const newDefault = { ...resumable, configSchema: configSchema.extend({ extra: z.number().default(1) }) };
    expect(await msg({ experiment: newDefault })).toMatch(/^resume: "record" is not allowed; expected a run made with what is installed now; differs: configHash: "[0-9a-f]{64}" → "[0-9a-f]{64}"$/);
    expect(await msg({ provenance: { ...provenance, backend: 'wasm', anchorsHash: 'a2' } })).toBe('resume: "record" is not allowed; expected a run made with what is installed now; differs: anchorsHash: "a1" → "a2"; backend: "none" → "wasm"');
  });
});
