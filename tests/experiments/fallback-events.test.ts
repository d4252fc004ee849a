// Issue 15: a fallback is a decision, in `decisions[]` and as a `decision` event in the run record.
// Two kinds of fallback exist (evolve.ts's fallBack): after a failed re-validation, and on a
// safeguard's rollback advice at a proposal review (when re-validation is off or the metric in
// force has no parent to be re-validated against). Each is produced here by a real
// `mirage-lab run evolve` on projectile with a ball and the quarantine (configs found by running
// them, seed 1: at α = 0.75 a re-validation fails; at α = 0.75 the quarantine's advice names the
// metric in force — nothing to fall back to — since the gate's evidence grew with α (n(α)), so the
// advice run is at α = 0.5, where it falls back), and the test reads the record back.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { DecisionRecord, EvolveRecord } from '../../src/experiments/evolve.ts';
import { effectiveEvents, parseRecord } from '../../src/runs/record.ts';

const root = mkdtempSync(path.join(tmpdir(), 'mirage-fallback-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The small evolve budget of the safeguards leaderboard's quick preset. */
const BASE = ['world="projectile"', 'params={"body":"ball"}', 'safeguard="quarantine"', 'generations=10', 'population=4', 'episodesPerGeneration=128', 'probeTasks=16', 'evalTasks=16', 'heldOutTasks=16', 'gtLoss=false'];

const KINDS = {
  revalidation: { sets: ['alpha=0.75'], reason: /^fallback: .+ failed re-validation; back to .+\.$/ },
  advice: { sets: ['revalidate=false', 'alpha=0.5'], reason: /^fallback: the safeguard advised rolling back from .+; back to .+\.$/ },
} as const;

async function runEvolve(name: string, sets: readonly string[]): Promise<{ events: ReturnType<typeof effectiveEvents>; results: EvolveRecord }> {
  const out = path.join(root, name);
  const argv = ['run', 'evolve', '--out', out, '--seed', '1', '--quiet', '--workers', '2', ...[...BASE, ...sets].flatMap((s) => ['--set', s])];
  const code = await main(argv, { out: () => undefined, err: (t) => void process.stderr.write(`${t}\n`), progress: false });
  expect(code).toBe(0);
  const events = effectiveEvents(parseRecord(readFileSync(path.join(out, 'run.jsonl'), 'utf8')));
  const finished = events.find((e) => e.event.type === 'finished')?.event as { results: EvolveRecord };
  return { events, results: finished.results };
}

describe('every fallback kind is a decision event in the run record (mirage-lab run evolve)', () => {
  const runs = new Map<keyof typeof KINDS, Awaited<ReturnType<typeof runEvolve>>>();
  beforeAll(async () => {
    for (const [kind, c] of Object.entries(KINDS) as [keyof typeof KINDS, (typeof KINDS)[keyof typeof KINDS]][]) runs.set(kind, await runEvolve(kind, c.sets));
  }, 900_000);

  it.each(Object.keys(KINDS) as (keyof typeof KINDS)[])('%s: the run falls back, and each fallback is recorded as a decision event', (kind) => {
    const { events, results } = runs.get(kind)!;
    const fallbacks = results.decisions.filter((d) => d.kind === 'fallback');
    const ofKind = fallbacks.filter((d) => KINDS[kind].reason.test(d.reason));
    expect(ofKind.length, `no ${kind} fallback in this run: ${fallbacks.map((d) => d.reason).join(' | ')}`).toBeGreaterThan(0);
    const decisionEvents = events.flatMap((e) => (e.event.type === 'decision' ? [e.event] : []));
    for (const d of ofKind) {
      const ev = decisionEvents.find((e) => e.generation === d.gen && (e.data as unknown as DecisionRecord | undefined)?.kind === 'fallback' && e.reason === d.reason);
      expect(ev, `fallback at generation ${d.gen} has no decision event`).toBeDefined();
      expect(ev!.proposal).toBe(d.metric);
      expect(ev!.data).toMatchObject({ kind: 'fallback', outcome: 'fallback', inForceFrom: d.gen + 1, metricId: d.metricId });
      // And it is what is in force from the next generation.
      expect(results.generations.find((g) => g.gen === d.gen + 1)?.metric).toBe(d.metric);
    }
  });

  it('the record holds one decision event per entry of decisions[], in order (fallbacks included)', () => {
    for (const { events, results } of runs.values()) {
      const recorded = events.flatMap((e) => (e.event.type === 'decision' ? [e.event.data as unknown as DecisionRecord] : []));
      expect(recorded.map((d) => [d.gen, d.kind, d.outcome, d.metric])).toEqual(results.decisions.map((d) => [d.gen, d.kind, d.outcome, d.metric]));
    }
  });
});
