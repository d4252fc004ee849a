/**
 * The gate-decision audit of issue 15, as a script: runs `evolve` (the same config as
 * `mirage-lab evolve --world W --alpha A --seed S --json`, every other field at its default) over
 * a grid — by default W in projectile, sensor, hoops; A in 0.25, 0.5, 0.8; S in 1..5 — and checks
 * every record with `auditMetricChanges` (src/experiments/evolve-decisions.ts):
 * 1. every generation whose metric differs from the previous one has an accepted proposal or a
 *    fallback decision for that metric, in force from that generation;
 * 2. no metric that failed re-validation is in force again without a fresh accepted decision.
 *
 *   nice -n 10 npx tsx tests/anchors/audit.ts [--worlds a,b] [--alphas x,y] [--seeds 1-5] [--workers n] [--gt-loss on|off] [--out file.json]
 *
 * `--gt-loss off` (the default here) skips the dial's reference populations (evolve's `gtLoss:
 * false`): they are the experimenter's measurement, taken after each generation's decisions and
 * never shown to the gate, the meta-agent or the learners, so the decisions — all the audit
 * reads — are the same, at half the cost. `--gt-loss on` audits the exact `evolve` default.
 *
 * Runs go seed by seed (every world and α for seed 1, then seed 2, …), so a run cut short still
 * covers the whole grid; `--out` is rewritten after every run (`partial: true` until the end).
 * Prints one line per run and the totals (metric changes checked, by accepted / by fallback,
 * violations); exits 1 when any run breaks a rule. Not a vitest file: 45 default-sized runs take
 * minutes (tests/experiments/evolve-decisions.test.ts audits small runs and hand-written breaches).
 */
import { writeFileSync } from 'node:fs';
import { installDeterministicMath } from '../../src/core/detmath.ts';
import { auditMetricChanges } from '../../src/experiments/evolve-decisions.ts';
import { runEvolve, type EvolveRuntime } from '../../src/experiments/evolve.ts';
import type { MemberJob, MemberResult } from '../../src/experiments/evolve-member.ts';
import { workerJobs } from '../../src/experiments/runner.ts';
import { initTfNode } from '../../src/learners/tf-node.ts';
import { createLearnerPool } from '../../workers/learner-node.ts';

/** One audited run. */
export interface AuditRow {
  readonly world: string;
  readonly alpha: number;
  readonly seed: number;
  readonly changes: number;
  readonly byAccepted: number;
  readonly byFallback: number;
  readonly fallbackDecisions: number;
  readonly violations: readonly string[];
  readonly finalMetric: string;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : fallback;
}

function seedList(text: string): number[] {
  const range = /^(\d+)-(\d+)$/.exec(text);
  if (range) return Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, i) => Number(range[1]) + i);
  return text.split(',').map(Number);
}

function totalsOf(rows: readonly AuditRow[]): { runs: number; changes: number; byAccepted: number; byFallback: number; violations: number } {
  const sum = (f: (r: AuditRow) => number): number => rows.reduce((s, r) => s + f(r), 0);
  return { runs: rows.length, changes: sum((r) => r.changes), byAccepted: sum((r) => r.byAccepted), byFallback: sum((r) => r.byFallback), violations: sum((r) => r.violations.length) };
}

async function main(): Promise<number> {
  installDeterministicMath(); // as bin/mirage-lab.js does: the records equal the CLI's
  const worlds = arg('worlds', 'projectile,sensor,hoops').split(',');
  const alphas = arg('alphas', '0.25,0.5,0.8').split(',').map(Number);
  const seeds = seedList(arg('seeds', '1-5'));
  const workers = Number(arg('workers', '2'));
  const out = arg('out', '');
  const gtLoss = arg('gt-loss', 'off') === 'on';
  const pool = workers > 0 ? await createLearnerPool(workers) : null;
  if (!pool) await initTfNode();
  const runtime: EvolveRuntime = pool ? { physics: pool.batch, members: workerJobs<MemberJob, MemberResult>(pool.learners, 'evolve-member') } : {};
  const rows: AuditRow[] = [];
  try {
    // Seed outermost: a run cut short has still covered every (world, α) cell.
    for (const seed of seeds) {
      for (const world of worlds) {
        for (const alpha of alphas) {
          const r = await runEvolve({ world, alpha, seed, ...(gtLoss ? {} : { gtLoss: false }) }, undefined, runtime);
          const a = auditMetricChanges(r);
          const row: AuditRow = {
            world,
            alpha,
            seed,
            changes: a.changes,
            byAccepted: a.byAccepted,
            byFallback: a.byFallback,
            fallbackDecisions: r.decisions.filter((d) => d.kind === 'fallback').length,
            violations: a.violations,
            finalMetric: `${r.summary.finalMetric.expression} ${r.summary.finalMetric.direction === 'lower' ? '≤' : '≥'} ${r.summary.finalMetric.threshold}`,
          };
          rows.push(row);
          console.log(`${world} α ${alpha} seed ${seed}: ${a.changes} metric changes (${a.byAccepted} accepted, ${a.byFallback} fallback), ${a.violations.length} violations; final ${row.finalMetric}`);
          for (const v of a.violations) console.log(`  VIOLATION ${v}`);
          if (out) writeFileSync(out, JSON.stringify({ totals: totalsOf(rows), partial: true, rows }, null, 2)); // kept as it grows
        }
      }
    }
  } finally {
    await pool?.close();
  }
  const totals = totalsOf(rows);
  console.log(`TOTAL ${totals.runs} runs: ${totals.changes} metric changes checked (${totals.byAccepted} by an accepted proposal, ${totals.byFallback} by a fallback), ${totals.violations} violations`);
  if (out) writeFileSync(out, JSON.stringify({ totals, rows }, null, 2));
  return totals.violations === 0 ? 0 : 1;
}

process.exitCode = await main();
