// Exclusive calls (learner jobs) wait for a worker with nothing in flight instead of queueing
// behind another job on a busy one: a generation's jobs then spread over the workers as they
// free up, and the last jobs never run one after the other on one worker while another idles.
// In-thread fake workers (comlink over MessageChannels) make the schedule observable.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import type { Endpoint } from 'comlink';
// @ts-expect-error comlink types this ESM file as node-adapter.d.ts, which TypeScript does not pair with .mjs.
import untypedNodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { afterEach, describe, expect, it } from 'vitest';
import { PhysicsPool, type WorkerFactory } from '../../workers/pool.ts';
import type { PhysicsApi } from '../../workers/physics-api.ts';

const nodeEndpoint = untypedNodeEndpoint as (port: MessagePort) => Endpoint;

interface FakeApi extends PhysicsApi {
  job(ms: number): Promise<number>;
}

/** Fake workers whose `job(ms)` sleeps (ms < 0: until `release()`); records the calls in flight on each worker. */
function fakeWorkers(): { factory: WorkerFactory; maxInflight: number[]; ran: number[][]; release: () => void } {
  let release = (): void => undefined;
  const held = new Promise<void>((r) => (release = r));
  const maxInflight: number[] = [];
  const ran: number[][] = [];
  const ports: MessagePort[] = [];
  const factory: WorkerFactory = {
    spawn(index) {
      const { port1, port2 } = new MessageChannel();
      ports.push(port1, port2);
      let inflight = 0;
      maxInflight[index] = 0;
      ran[index] = [];
      const api = {
        ping: () => ({ ok: true as const, deterministicMath: true }),
        runBatch: () => ({ consequences: [] }),
        async job(ms: number) {
          inflight++;
          maxInflight[index] = Math.max(maxInflight[index] as number, inflight);
          (ran[index] as number[]).push(ms);
          await (ms < 0 ? held : new Promise((r) => setTimeout(r, ms)));
          inflight--;
          return index;
        },
      };
      Comlink.expose(api, nodeEndpoint(port2));
      return {
        endpoint: nodeEndpoint(port1),
        terminate: () => {
          port1.close();
          port2.close();
        },
        onExit: () => undefined,
        onError: () => undefined,
      };
    },
  };
  return { factory, maxInflight, ran, release };
}

const pools: PhysicsPool<FakeApi>[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('PhysicsPool.invoke exclusive', () => {
  it('never holds two exclusive calls on one worker, and a long job does not hold up the others', async () => {
    const fake = fakeWorkers();
    const pool = await PhysicsPool.create<FakeApi>({ workers: 2, factory: fake.factory });
    pools.push(pool);
    // A job held until the others are done, then short ones: with a pipeline, a short job would
    // queue behind the held one on its worker (and this would never finish); exclusive, every
    // short job runs on the other worker.
    const invoke = (ms: number): Promise<number> => pool.invoke((api) => api.job(ms), { deadlineMs: 10_000, what: 'job', exclusive: true });
    const long = invoke(-1);
    const shortOn = await Promise.all([5, 5, 5, 5, 5, 5].map(invoke));
    fake.release();
    const longOn = await long;
    expect(fake.maxInflight).toEqual([1, 1]);
    expect(shortOn.every((w) => w !== longOn)).toBe(true);
    expect(fake.ran[longOn]).toEqual([-1]);
  });

  it('without exclusive, calls still pipeline two deep on a worker (physics batches)', async () => {
    const fake = fakeWorkers();
    const pool = await PhysicsPool.create<FakeApi>({ workers: 2, factory: fake.factory });
    pools.push(pool);
    await Promise.all([50, 50, 50, 50].map((ms) => pool.invoke((api) => api.job(ms), { deadlineMs: 10_000, what: 'job' })));
    expect(fake.maxInflight).toEqual([2, 2]);
  });
});
