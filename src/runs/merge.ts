/**
 * Joins the shards of a sweep (`run --shard i/n`, one per job of a job array) into one record.
 * Refused (InputError, exit 2) unless every shard is finished, made from the same experiment,
 * config and provenance, and together they hold each cell exactly once. The merged record holds
 * the cells' result-bearing events in cell order and the `finished` results of `sweep.combine`,
 * so its content hash equals that of the same sweep run unsharded.
 */
import { InputError } from '../core/runtime.ts';
import type { AnyExperiment, ExperimentEvent } from '../experiments/types.ts';
import { canonicalJson, contentHash, effectiveEvents, encodeLine, finishedOf, isResultEvent, provenanceDiff, type ParsedRecord, type RecordHeader } from './record.ts';
import { shardCells } from './runner.ts';

/** One shard to merge and where it came from (a directory, for messages). */
export interface ShardInput {
  readonly where: string;
  readonly record: ParsedRecord;
}

/** The merged record. */
export interface MergedRecord {
  readonly text: string;
  readonly header: RecordHeader;
  readonly contentHash: string;
  readonly results: unknown;
  readonly finishedAt: string;
}

/** Top-level config fields whose values differ between two configs. */
function configFieldsThatDiffer(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k])).sort();
}

/** Merges finished shards of one sweep; `getExperiment` resolves the recorded experiment id. */
export function mergeShards(shards: readonly ShardInput[], getExperiment: (id: string) => AnyExperiment): MergedRecord {
  if (shards.length === 0) throw new InputError('merge', [], 'one or more shard directories');
  const first = shards[0] as ShardInput;
  const h0 = first.record.header;
  const experiment = getExperiment(h0.experiment);
  if (!experiment.sweep) throw new InputError('merge', first.where, `shards of a sweep experiment ('${h0.experiment}' has no cells)`);
  const count = h0.shard?.count;
  const seen = new Map<number, string>();
  for (const s of shards) {
    const h = s.record.header;
    if (h.experiment !== h0.experiment) throw new InputError('merge', s.where, `a shard of experiment '${h0.experiment}' like ${first.where} (this one is '${h.experiment}')`);
    if (h.configHash !== h0.configHash) {
      const fields = configFieldsThatDiffer(h0.config, h.config);
      throw new InputError('merge', s.where, `a shard of the same config as ${first.where} (config differs in: ${fields.join(', ') || 'its hash'})`);
    }
    const diff = provenanceDiff(h0, h);
    if (diff.length) throw new InputError('merge', s.where, `a shard made with the same provenance as ${first.where} (differs: ${diff.join('; ')})`);
    if (!h.shard) throw new InputError('merge', s.where, 'a shard (a run made with --shard i/n); this run is unsharded');
    if (h.shard.count !== count) throw new InputError('merge', s.where, `a shard i/${count} like ${first.where} (this one is ${h.shard.index}/${h.shard.count})`);
    const dup = seen.get(h.shard.index);
    if (dup) throw new InputError('merge', s.where, `each shard once (shard ${h.shard.index}/${count} is also ${dup})`);
    seen.set(h.shard.index, s.where);
    if (!finishedOf(s.record)) throw new InputError('merge', s.where, 'finished shards only (resume it first: mirage-lab resume DIR)');
  }
  const missing = Array.from({ length: count as number }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length) throw new InputError('merge', shards.map((s) => s.where).join(' '), `all ${count} shards (missing: ${missing.map((i) => `${i}/${count}`).join(', ')})`);

  const config = experiment.configSchema.parse(h0.config) as { seed: number } & Record<string, unknown>;
  const cellCount = experiment.sweep.cellCount(config);
  const byCell = new Map<number, { t: string; event: ExperimentEvent }[]>();
  for (const s of shards) {
    const own = new Set(shardCells(cellCount, s.record.header.shard));
    for (const line of effectiveEvents(s.record)) {
      const e = line.event;
      if (!isResultEvent(e) || e.type === 'finished') continue;
      const cell = (e as { cell?: number }).cell;
      if (cell === undefined) throw new InputError('merge', s.where, `a sweep record whose result events carry their cell (a '${e.type}' event at seq ${line.seq} has none)`);
      if (!own.has(cell)) throw new InputError('merge', s.where, `events of its own cells only (cell ${cell} is not in shard ${s.record.header.shard?.index}/${count})`);
      const list = byCell.get(cell) ?? [];
      list.push({ t: line.t, event: e });
      byCell.set(cell, list);
    }
  }
  const events: { t: string; event: ExperimentEvent }[] = [];
  const cellResults: unknown[] = [];
  for (let c = 0; c < cellCount; c++) {
    const list = byCell.get(c);
    const cellEvent = list?.find((x) => x.event.type === 'cell');
    if (!list || !cellEvent || cellEvent.event.type !== 'cell') throw new InputError('merge', shards.map((s) => s.where).join(' '), `shards that together hold every cell (cell ${c} has no result)`);
    events.push(...list);
    cellResults.push(cellEvent.event.result);
  }
  const results = experiment.sweep.combine(config, cellResults);
  const finishedAt = shards.map((s) => finishedOf(s.record)?.t ?? '').sort().at(-1) as string;
  const startedAt = shards.map((s) => s.record.header.startedAt).sort()[0] as string;
  const header: RecordHeader = { ...h0, shard: null, startedAt };
  const finished: ExperimentEvent = { type: 'finished', results };
  events.push({ t: finishedAt, event: finished });
  let text = encodeLine(header as unknown as { seq: number; kind: string });
  events.forEach((x, i) => {
    text += encodeLine({ seq: i + 1, kind: 'event', t: x.t, event: x.event });
  });
  return { text, header, contentHash: contentHash(header, events.map((x) => x.event)), results, finishedAt };
}
