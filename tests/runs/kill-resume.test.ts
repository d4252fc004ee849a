/**
 * Faults of the real CLI process (spawned, with the test-only `test-walk` sweep registered):
 * - SIGKILL at seeded random points of a run, then `resume`, killed again, several times: the
 *   final results and content hash equal an undisturbed run's;
 * - SIGINT: the run stops at its next checkpoint, is marked interrupted and exits 130; `resume`
 *   finishes it, with physics on a 2-worker pool equal to the in-process reference.
 * Kill points are counted in record lines (not time) so the test does not depend on the load.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Stream } from '../../src/core/rng.ts';
import { parseRecord, recordStatus } from '../../src/runs/record.ts';
import { MemorySink } from '../../src/runs/sink.ts';
import { startRun } from '../../src/runs/runner.ts';
import { inProcessRunner } from '../../src/runs/in-process.ts';
import { makeProvenance } from '../../src/runs/provenance.ts';
import { walkConfigSchema, walkExperiment } from './fixtures/walk.ts';

const CLI = new URL('./fixtures/cli.mjs', import.meta.url).pathname;
const root = mkdtempSync(path.join(tmpdir(), 'mirage-kill-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function spawnCli(args: string[]): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string }> } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout?.on('data', () => {});
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, err })));
  return { child, exited };
}

const completeLines = (file: string): number => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').length - 1 : 0);

/** Waits until the record has `target` complete lines (true) or the process exits first (false). */
async function waitForLines(file: string, target: number, exited: Promise<unknown>): Promise<boolean> {
  let done = false;
  void exited.then(() => (done = true));
  for (;;) {
    if (completeLines(file) >= target) return true;
    if (done) return false;
    await new Promise((r) => setTimeout(r, 15));
  }
}

async function reference(config: Record<string, unknown>) {
  const parsed = walkConfigSchema.parse(config);
  const sink = new MemorySink();
  const provenance = makeProvenance({ mirageLab: 'x', packages: {}, runtime: 'x', backend: 'none' });
  return startRun({ batch: inProcessRunner(), workers: 1, signal: new AbortController().signal, now: () => 'now', experiment: walkExperiment, config: parsed, provenance, shard: null, sink });
}

const sets = (config: Record<string, unknown>) => Object.entries(config).flatMap(([k, v]) => ['--set', `${k}=${JSON.stringify(v)}`]);

describe('the CLI under faults', () => {
  it('SIGKILL at random points, resumed repeatedly: results and content hash equal an undisturbed run', async () => {
    const config = { cells: 3, steps: 10, delayMs: 40 };
    const ref = await reference(config);
    const dir = path.join(root, 'killed');
    const file = path.join(dir, 'run.jsonl');
    const rng = new Stream([8, 'kill-points']);
    let kills = 0;
    let target = rng.int(2, 20);
    let args = ['run', 'test-walk', '--out', dir, '--quiet', '--workers', '1', ...sets(config)];
    for (;;) {
      const { child, exited } = spawnCli(args);
      const reached = kills < 4 && (await waitForLines(file, target, exited));
      if (!reached) {
        const end = await exited;
        expect(end.code, end.err).toBe(0);
        break;
      }
      child.kill('SIGKILL');
      const end = await exited;
      expect(end.signal).toBe('SIGKILL');
      kills++;
      const rec = parseRecord(readFileSync(file, 'utf8').slice(0, readFileSync(file, 'utf8').lastIndexOf('\n') + 1));
      expect(recordStatus(rec)).not.toBe('finished');
      target = completeLines(file) + rng.int(3, 20);
      args = ['resume', dir, '--quiet', '--workers', '1'];
    }
    expect(kills).toBe(4);
    const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as { contentHash: string; results: unknown; status: string };
    expect(summary.status).toBe('finished');
    expect(summary.results).toEqual(ref.results);
    expect(summary.contentHash).toBe(ref.contentHash);
    const rec = parseRecord(readFileSync(file, 'utf8'));
    expect(rec.lines.filter((l) => l.kind === 'resumed')).toHaveLength(4);
  }, 400_000);

  it('SIGINT: stops at a checkpoint, marks the record interrupted, exits 130; resume on a 2-worker pool finishes it', async () => {
    const config = { cells: 2, steps: 8, delayMs: 40, episodes: true };
    const ref = await reference(config);
    const dir = path.join(root, 'interrupted');
    const file = path.join(dir, 'run.jsonl');
    const { child, exited } = spawnCli(['run', 'test-walk', '--out', dir, '--workers', '2', ...sets(config)]);
    expect(await waitForLines(file, 12, exited)).toBe(true);
    child.kill('SIGINT');
    const end = await exited;
    expect(end.code, end.err).toBe(130);
    expect(end.err).toMatch(/stopping at the next checkpoint/);
    expect(end.err).toMatch(/mirage-lab resume /);
    const rec = parseRecord(readFileSync(file, 'utf8'));
    expect(recordStatus(rec)).toBe('interrupted');
    expect(rec.lines.at(-1)?.kind).toBe('interrupted');
    const beforeMarker = rec.lines.at(-2);
    expect(beforeMarker?.kind === 'event' && beforeMarker.event.type).toBe('checkpoint');
    expect((JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as { status: string }).status).toBe('interrupted');

    const again = spawnCli(['resume', dir, '--workers', '2', '--json']);
    const done = await again.exited;
    expect(done.code, done.err).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as { contentHash: string; results: { cells: { guessSum: number }[] } };
    expect(summary.results).toEqual(ref.results);
    expect(summary.results.cells[0]!.guessSum).toBeGreaterThan(0); // physics really ran
    expect(summary.contentHash).toBe(ref.contentHash);
  }, 400_000);
});
