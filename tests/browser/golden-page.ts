/**
 * Browser side of the cross-runtime determinism check: runs every world's golden batch on the
 * physics pool in real Web Workers and publishes the digests for the playwright test to
 * compare with the digests stored from Node.
 */
import { ConsequenceDigest } from '../../src/core/digest.ts';
import { WORLDS } from '../../worlds/index.ts';
import { PhysicsPool, webWorkerFactory } from '../../workers/pool.ts';
import { goldenRequests } from '../golden/requests.ts';

declare global {
  interface Window {
    mirageGolden?: { ok: true; digests: Record<string, string>; deterministicMath: boolean[] } | { ok: false; error: string };
  }
}

async function run(): Promise<void> {
  const pool = await PhysicsPool.create({
    workers: 2,
    factory: webWorkerFactory(() => new Worker(new URL('../../workers/physics.worker.ts', import.meta.url), { type: 'module' })),
  });
  const digests: Record<string, string> = {};
  for (const world of WORLDS) {
    const d = new ConsequenceDigest();
    for (const req of goldenRequests(world)) for (const c of (await pool.run(req)).consequences) d.add(c);
    digests[world.id] = d.hex();
  }
  const pings = await pool.ping();
  await pool.close();
  window.mirageGolden = { ok: true, digests, deterministicMath: pings.map((p) => p.deterministicMath) };
}

run().catch((err: unknown) => {
  window.mirageGolden = { ok: false, error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) };
});
