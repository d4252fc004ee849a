// The guessing game resumes from its checkpoint (the records of the games played), not by replay:
// stopped at several points and resumed each time, it ends with the results and content hash of
// an undisturbed run, and each resume starts where the last checkpoint left off.
import { describe, expect, it } from 'vitest';
import { guessingGameCheckpointSchema, guessingGameExperiment } from '../../src/experiments/guessing-game.ts';
import { checkpointInterval } from '../../src/experiments/progress-checkpoint.ts';
import type { ExperimentEvent } from '../../src/experiments/types.ts';
import { inProcessRunner } from '../../src/runs/in-process.ts';
import { makeProvenance } from '../../src/runs/provenance.ts';
import { parseRecord, recordStatus } from '../../src/runs/record.ts';
import { resumeRun, startRun, type RunHost } from '../../src/runs/runner.ts';
import { MemorySink } from '../../src/runs/sink.ts';

const provenance = makeProvenance({ mirageLab: '0.1.0', packages: {}, runtime: 'test', backend: 'none' });
const host = (signal: AbortSignal, onEvent?: (e: ExperimentEvent) => void): RunHost => ({ batch: inProcessRunner(), workers: 1, signal, now: () => '2026-01-01T00:00:00.000Z', ...(onEvent ? { onEvent } : {}) });

describe('guessing-game checkpoints', () => {
  it('checkpoints at most 16 times, between games', () => {
    expect(checkpointInterval(32)).toBe(2);
    expect(checkpointInterval(10)).toBe(1);
    expect(checkpointInterval(1000)).toBe(63);
  });

  it('stopped after different games and resumed, it gives the undisturbed results and content hash', async () => {
    // Binary with noise: long games, so the records in a checkpoint are not trivial.
    const config = guessingGameExperiment.configSchema.parse({ n: 32, games: 12, seed: 4, channel: { kind: 'binary', flip: 0.05 } }) as { seed: number } & Record<string, unknown>;
    const reference = await startRun({ ...host(new AbortController().signal), experiment: guessingGameExperiment, config, provenance, shard: null, sink: new MemorySink() });
    expect(reference.status).toBe('finished');

    let text = '';
    let stops = 0;
    const resumedFrom: number[] = [];
    for (let attempt = 0; attempt < 20; attempt++) {
      const ctl = new AbortController();
      let games = 0;
      // Stop after a different number of games each time (progress is reported between games).
      const onEvent = (e: ExperimentEvent): void => {
        if (e.type === 'progress' && ++games === 1 + (attempt % 3)) ctl.abort();
      };
      const sink = new MemorySink(text);
      const out = text
        ? await resumeRun({ ...host(ctl.signal, onEvent), experiment: guessingGameExperiment, record: parseRecord(text), provenance, sink })
        : await startRun({ ...host(ctl.signal, onEvent), experiment: guessingGameExperiment, config, provenance, shard: null, sink });
      text = sink.text;
      if (out.status === 'finished') {
        expect(out.results).toEqual(reference.results);
        expect(out.contentHash).toBe(reference.contentHash);
        break;
      }
      stops++;
      const rec = parseRecord(text);
      expect(recordStatus(rec)).toBe('interrupted');
      const last = rec.lines.flatMap((l) => (l.kind === 'event' && l.event.type === 'checkpoint' ? [l.event.state] : [])).at(-1);
      resumedFrom.push(guessingGameCheckpointSchema.parse(last).next);
    }
    expect(stops).toBeGreaterThan(1);
    // Every resume continued further on: it did not start over.
    expect(resumedFrom.every((n, i) => n > 0 && (i === 0 || n > (resumedFrom[i - 1] as number)))).toBe(true);
  });
});
