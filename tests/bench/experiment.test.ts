// `bench experiment`'s driver on the tiny test walk with in-process hosts: both runs finish with
// the same content hash, each run gets its own sink (also with --workers 1), and a sink that
// cannot open leaves no host running (it would keep the CLI process alive after the error).
import { describe, expect, it } from 'vitest';
import { benchExperiment, type BenchHost } from '../../src/bench/experiment.ts';
import { inProcessRunner } from '../../src/runs/in-process.ts';
import { makeProvenance } from '../../src/runs/provenance.ts';
import { MemorySink } from '../../src/runs/sink.ts';
import { walkExperiment } from '../runs/fixtures/walk.ts';

const provenance = makeProvenance({ mirageLab: 'bench', packages: {}, runtime: 'test', backend: 'none' });

function hosts(): { opened: number[]; closed: number; makeHost: (n: number) => Promise<BenchHost> } {
  const state = { opened: [] as number[], closed: 0 };
  return {
    get opened() {
      return state.opened;
    },
    get closed() {
      return state.closed;
    },
    makeHost: async (n) => {
      state.opened.push(n);
      return { batch: inProcessRunner(), close: async () => void state.closed++ };
    },
  };
}

describe('benchExperiment', () => {
  it('times a one-worker and a pool run with one sink each, equal content hashes, hosts closed', async () => {
    const h = hosts();
    const labels: string[] = [];
    const r = await benchExperiment({
      experiment: walkExperiment,
      seed: 3,
      workers: 1,
      makeHost: h.makeHost,
      makeSink: (label) => {
        labels.push(label);
        return new MemorySink();
      },
      provenance,
      clock: () => performance.now(),
    });
    expect(new Set(labels).size).toBe(2);
    expect(h.opened).toEqual([1, 1]);
    expect(h.closed).toBe(2);
    expect(r.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(r.recordOverhead).toBeGreaterThanOrEqual(0);
    expect(r.recordOverhead).toBeLessThanOrEqual(1);
    expect(r.speedup).toBeGreaterThan(0);
  });

  it('repeats alternate one-worker and pool runs; the figures are the medians of the pairs', async () => {
    const h = hosts();
    const r = await benchExperiment({ experiment: walkExperiment, seed: 3, workers: 2, makeHost: h.makeHost, makeSink: () => new MemorySink(), provenance, clock: () => performance.now(), repeats: 3 });
    expect(h.opened).toEqual([1, 2, 1, 2, 1, 2]);
    expect(h.closed).toBe(6);
    expect(r.pairs).toHaveLength(3);
    const mid = (xs: number[]): number => [...xs].sort((a, b) => a - b)[1] as number;
    expect(r.oneWorkerSeconds).toBe(mid(r.pairs.map((p) => p.oneWorkerSeconds)));
    expect(r.poolSeconds).toBe(mid(r.pairs.map((p) => p.poolSeconds)));
    await expect(benchExperiment({ experiment: walkExperiment, seed: 3, workers: 2, makeHost: h.makeHost, makeSink: () => new MemorySink(), provenance, clock: () => performance.now(), repeats: 0 })).rejects.toThrow(/repeats/);
  });

  it('a sink that cannot open fails the bench before any host starts', async () => {
    const h = hosts();
    const failing = benchExperiment({
      experiment: walkExperiment,
      seed: 3,
      workers: 2,
      makeHost: h.makeHost,
      makeSink: () => {
        throw new Error('EEXIST: file already exists');
      },
      provenance,
      clock: () => performance.now(),
    });
    await expect(failing).rejects.toThrow(/EEXIST/);
    expect(h.opened).toEqual([]);
  });
});
