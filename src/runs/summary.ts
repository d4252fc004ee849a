/**
 * `summary.json`: what a run produced, in one small file (the CLI's `--json` prints it; `runs`
 * and `compare` read it). Always `{experiment, seed, config, configHash, anchorsHash, versions,
 * backend, startedAt, finishedAt, contentHash, results}`, plus the status, shard and record
 * version. Rebuilt from the record alone by `summaryOf`.
 */
import { z } from 'zod';
import { effectiveEvents, finishedOf, provenanceSchema, recordContentHash, recordStatus, shardSchema, type ParsedRecord } from './record.ts';

export const summarySchema = z.strictObject({
  experiment: z.string(),
  seed: z.number().int(),
  config: z.record(z.string(), z.unknown()),
  configHash: z.string(),
  anchorsHash: z.string(),
  versions: provenanceSchema.shape.versions,
  backend: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  contentHash: z.string(),
  results: z.unknown(),
  status: z.enum(['finished', 'interrupted', 'incomplete']),
  shard: shardSchema.nullable(),
  recordVersion: z.number().int(),
  /** Events that count in the record (result-bearing and checkpoints). */
  events: z.number().int(),
});
export type RunSummary = z.infer<typeof summarySchema>;

/** The summary of a record (finished or not: `results` is null until it finishes). */
export function summaryOf(record: ParsedRecord): RunSummary {
  const h = record.header;
  const fin = finishedOf(record);
  return {
    experiment: h.experiment,
    seed: h.seed,
    config: h.config,
    configHash: h.configHash,
    anchorsHash: h.anchorsHash,
    versions: h.versions,
    backend: h.backend,
    startedAt: h.startedAt,
    finishedAt: fin?.t ?? null,
    contentHash: recordContentHash(record),
    results: fin?.results ?? null,
    status: recordStatus(record),
    shard: h.shard,
    recordVersion: h.recordVersion,
    events: effectiveEvents(record).length,
  };
}
