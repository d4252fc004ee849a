/**
 * Drives an experiment into a sink (Ray Tune's runner: it decides when to step, checkpoint and
 * stop). Validates every event, writes the result-bearing ones and checkpoints as record lines,
 * makes them durable at every checkpoint, generation, sweep cell, curve point and at the end,
 * and keeps the content hash as it goes (memory stays flat in the number of events).
 *
 * Stopping (the abort signal): the runner keeps pulling until the experiment's next checkpoint
 * (or stops after the current event if it has not checkpointed in this run), then appends an
 * `interrupted` marker. `resumeRun` continues from the last checkpoint (or replays from the
 * start), refusing a finished record or one whose provenance differs from now.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { InputError } from '../core/runtime.ts';
import type { BatchRunner } from '../core/checkWorld.ts';
import { experimentEventSchema, type AnyExperiment, type ExperimentEvent, type LearnerRunner, type RunContext } from '../experiments/types.ts';
import {
  canonicalJson,
  configHash,
  effectiveEvents,
  encodeLine,
  hashedPayload,
  isResultEvent,
  provenanceDiff,
  RECORD_VERSION,
  recordStatus,
  resumePoint,
  type ParsedRecord,
  type Provenance,
  type RecordHeader,
  type Shard,
} from './record.ts';
import type { RecordSink } from './sink.ts';

/** What the host (CLI, app, test) provides to every run. */
export interface RunHost {
  readonly batch: BatchRunner;
  readonly workers: number;
  readonly learners?: LearnerRunner;
  readonly signal: AbortSignal;
  /** Wall-clock time as an ISO string, for line stamps (never hashed). */
  readonly now: () => string;
  /** Sees every valid event as it arrives (progress included): the CLI's progress bar, the app. */
  readonly onEvent?: (event: ExperimentEvent) => void;
}

/** How a run ended. */
export interface RunOutcome {
  readonly status: 'finished' | 'interrupted';
  readonly header: RecordHeader;
  readonly contentHash: string;
  /** `finished.results` (null when interrupted). */
  readonly results: unknown;
  readonly finishedAt: string | null;
}

/** The cells of a sweep with `count` cells that shard `index/count` computes: a contiguous slice. */
export function shardCells(cellCount: number, shard: Shard | null): number[] {
  if (!shard) return Array.from({ length: cellCount }, (_, i) => i);
  const lo = Math.floor(((shard.index - 1) * cellCount) / shard.count);
  const hi = Math.floor((shard.index * cellCount) / shard.count);
  return Array.from({ length: hi - lo }, (_, i) => lo + i);
}

// Events after which the record is fsync'd. Once an experiment has checkpointed, its checkpoints
// are its durability points (each closes the generation or curve point it covers, and a resume
// starts there anyway), so a generation costs one fsync instead of one per chart point (an fsync
// costs several ms here, a quick evolve generation a few hundred); an experiment that never
// checkpoints is synced at every generation, cell and point.
const DURABLE = new Set(['checkpoint', 'cell', 'finished']);
const DURABLE_UNTIL_CHECKPOINTED = new Set(['generation', 'point']);

/** Appends lines with consecutive sequence numbers and hashes the result-bearing events. */
class RecordWriter {
  private readonly hash = sha256.create();

  constructor(
    private readonly sink: RecordSink,
    private seq: number,
    header: Pick<RecordHeader, 'experiment' | 'configHash'>,
    prior: readonly ExperimentEvent[],
  ) {
    this.hash.update(utf8ToBytes(canonicalJson({ experiment: header.experiment, configHash: header.configHash })));
    for (const e of prior) this.absorb(e);
  }

  private absorb(e: ExperimentEvent): void {
    if (isResultEvent(e)) this.hash.update(utf8ToBytes(`\n${canonicalJson(hashedPayload(e))}`));
  }

  async line(fields: Record<string, unknown>, durable: boolean): Promise<void> {
    await this.sink.append(encodeLine({ seq: this.seq++, ...(fields as { kind: string }) }));
    if (durable) await this.sink.sync();
  }

  async event(e: ExperimentEvent, t: string, checkpointed: boolean): Promise<void> {
    this.absorb(e);
    await this.line({ kind: 'event', t, event: e }, DURABLE.has(e.type) || (!checkpointed && DURABLE_UNTIL_CHECKPOINTED.has(e.type)));
  }

  /** Same algorithm as record.ts `contentHash` (a test holds them equal). */
  digest(): string {
    return bytesToHex(this.hash.clone().digest());
  }
}

/** Checks one yielded event; a bad one is the experiment's bug (internal error, exit 1). */
function checkEvent(experiment: AnyExperiment, raw: unknown): ExperimentEvent {
  const r = experimentEventSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`experiment '${experiment.id}' yielded an invalid event (${issue ? `${issue.path.join('.') || 'event'}: ${issue.message}` : 'invalid'})`);
  }
  const e = r.data;
  if (e.type === 'finished' && experiment.resultsSchema) {
    const res = experiment.resultsSchema.safeParse(e.results);
    if (!res.success) {
      const issue = res.error.issues[0];
      throw new Error(`experiment '${experiment.id}' finished with results that do not match its resultsSchema (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'})`);
    }
  }
  return e;
}

async function drive(experiment: AnyExperiment, config: Record<string, unknown>, header: RecordHeader, writer: RecordWriter, host: RunHost, restore: unknown, hasRestore: boolean): Promise<RunOutcome> {
  const cells = experiment.sweep ? shardCells(experiment.sweep.cellCount(config), header.shard) : undefined;
  const ctx: RunContext = {
    batch: host.batch,
    workers: host.workers,
    ...(host.learners ? { learners: host.learners } : {}),
    ...(hasRestore ? { restore } : {}),
    ...(cells ? { cells } : {}),
    signal: host.signal,
  };
  let checkpointed = hasRestore;
  let finished: { results: unknown; t: string } | null = null;
  const gen = experiment.run(config, ctx);
  try {
    for await (const raw of gen) {
      const e = checkEvent(experiment, raw);
      host.onEvent?.(e);
      if (e.type === 'progress') continue;
      const t = host.now();
      await writer.event(e, t, checkpointed);
      if (e.type === 'finished') finished = { results: e.results, t };
      if (e.type === 'checkpoint') checkpointed = true;
      // Stop at a checkpoint, or at once if this run has none to resume from but the start.
      if (!finished && host.signal.aborted && (e.type === 'checkpoint' || !checkpointed)) break;
    }
  } catch (err) {
    // Leave a marker so `runs` shows why; the record stays resumable from its last checkpoint.
    await writer.line({ kind: 'interrupted', t: host.now(), reason: `error: ${err instanceof Error ? err.message : String(err)}` }, true);
    throw err;
  } finally {
    await gen.return(undefined);
  }
  if (finished) return { status: 'finished', header, contentHash: writer.digest(), results: finished.results, finishedAt: finished.t };
  await writer.line({ kind: 'interrupted', t: host.now(), reason: host.signal.aborted ? 'stopped (signal)' : 'the experiment returned without finishing' }, true);
  return { status: 'interrupted', header, contentHash: writer.digest(), results: null, finishedAt: null };
}

/** Starts a run: writes the header, then drives the experiment. `config` is already parsed. */
export async function startRun(o: RunHost & { experiment: AnyExperiment; config: { seed: number } & Record<string, unknown>; provenance: Provenance; shard: Shard | null; sink: RecordSink }): Promise<RunOutcome> {
  if (o.shard && !o.experiment.sweep) throw new InputError('--shard', `${o.shard.index}/${o.shard.count}`, `no --shard: experiment '${o.experiment.id}' is not a sweep (it has no cells to split)`);
  const header: RecordHeader = {
    seq: 0,
    kind: 'header',
    recordVersion: RECORD_VERSION,
    experiment: o.experiment.id,
    seed: o.config.seed,
    config: o.config,
    configHash: configHash(o.config),
    ...o.provenance,
    shard: o.shard,
    startedAt: o.now(),
  };
  const writer = new RecordWriter(o.sink, 0, header, []);
  await writer.line(header as unknown as Record<string, unknown>, true);
  return drive(o.experiment, o.config, header, writer, o, undefined, false);
}

/**
 * Continues an interrupted or incomplete record (its torn tail already cut by the caller).
 * Refuses a finished record, another experiment's, and any provenance that differs from now.
 */
export async function resumeRun(o: RunHost & { experiment: AnyExperiment; record: ParsedRecord; provenance: Provenance; sink: RecordSink; where?: string }): Promise<RunOutcome> {
  const { header } = o.record;
  const where = o.where ?? 'record';
  if (header.experiment !== o.experiment.id) throw new InputError('resume', where, `a record of experiment '${o.experiment.id}' (this one is '${header.experiment}')`);
  if (recordStatus(o.record) === 'finished') throw new InputError('resume', where, 'an interrupted or incomplete run (this one has finished: start a new one with `mirage-lab run`)');
  // Re-parse the recorded config through today's schema: a changed default changes the hash.
  const parsed = o.experiment.configSchema.safeParse(header.config);
  if (!parsed.success) throw new InputError('resume', where, `a config today's '${header.experiment}' schema accepts (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
  const config = parsed.data as { seed: number } & Record<string, unknown>;
  const diff = provenanceDiff(header, { ...o.provenance, experiment: header.experiment, configHash: configHash(config) });
  if (diff.length) throw new InputError('resume', where, `a run made with what is installed now; differs: ${diff.join('; ')}`);
  const { from, state } = resumePoint(o.record);
  const prior = effectiveEvents(o.record)
    .filter((l) => l.seq <= from)
    .map((l) => l.event);
  const lastSeq = o.record.lines.at(-1)?.seq ?? 0;
  const writer = new RecordWriter(o.sink, lastSeq + 1, header, prior);
  await writer.line({ kind: 'resumed', t: o.now(), from }, true);
  return drive(o.experiment, config, header, writer, o, state, from > 0);
}
