/**
 * The record role of the lab worker (../run/lab.worker.ts, started with the name `record`): runs an experiment (or resumes a stored one) through the run layer into the
 * IndexedDB store — the same runner, record format and content hash as `mirage-lab run` — and
 * posts every event to the page. Physics runs in this worker (in process), so a lesson's run
 * never competes with the views' workers for messages.
 */
import { getExperiment } from '../../experiments/registry.ts';
import type { ExperimentEvent } from '../../experiments/types.ts';
import { inProcessRunner } from '../../runs/in-process.ts';
import { parseRecord } from '../../runs/record.ts';
import { resumeRun, startRun } from '../../runs/runner.ts';
import { IdbSink, RunStore } from '../../runs/browser/idb-store.ts';
import { initTfBrowser } from '../run/tf-browser.ts';
import { pageProvenance } from './provenance.ts';
import type { RecordIn, RecordOut } from './protocol.ts';

const post = (m: RecordOut): void => (self as unknown as Worker).postMessage(m);
let store: Promise<RunStore> | null = null;
let queue: Promise<void> = Promise.resolve();

async function handle(m: RecordIn): Promise<void> {
  store ??= RunStore.open(() => new Date().toISOString());
  const s = await store;
  const tf = await initTfBrowser();
  if (m.type === 'warm') return;
  const provenance = pageProvenance(tf.backend);
  const host = { batch: inProcessRunner(), workers: 1, signal: new AbortController().signal, now: () => new Date().toISOString(), onEvent: (event: ExperimentEvent) => post({ type: 'event', id: m.id, event }) };
  const onStorageError = (message: string): void => post({ type: 'storage', id: m.id, message });
  let sink: IdbSink;
  let outcome;
  if (m.type === 'start') {
    const experiment = getExperiment(m.experiment);
    const parsed = experiment.configSchema.parse(m.config) as { seed: number } & Record<string, unknown>;
    sink = await IdbSink.create(s, { id: m.id, name: m.meta.name, lesson: m.meta.lesson, experiment: experiment.id, seed: parsed.seed, source: 'page', createdAt: new Date().toISOString() }, onStorageError);
    post({ type: 'stored', id: m.id });
    outcome = await startRun({ ...host, experiment, config: parsed, provenance, shard: null, sink });
  } else {
    const entry = await s.get(m.id);
    if (!entry) throw new Error(`no saved run ${m.id}`);
    const text = await s.text(m.id);
    const record = parseRecord(text);
    // The store holds whole lines only (a chunk is written at a durability point), so there is no torn tail to cut.
    sink = new IdbSink(s, entry, onStorageError, text);
    outcome = await resumeRun({ ...host, experiment: getExperiment(record.header.experiment), record, provenance, sink, where: entry.name });
  }
  await sink.close();
  post({ type: 'done', id: m.id, status: outcome.status, contentHash: outcome.contentHash, memoryOnly: sink.memoryOnly, text: sink.memoryOnly ? sink.text : null });
}

/** The record role's message handler. */
export function onRecordMessage(ev: MessageEvent<RecordIn>): void {
  const m = ev.data;
  // One run at a time, in order: runs of a step share the machine with the views.
  queue = queue.then(() => handle(m)).catch((err: unknown) => post({ type: 'error', id: m.id, message: err instanceof Error ? err.message : String(err) }));
}
