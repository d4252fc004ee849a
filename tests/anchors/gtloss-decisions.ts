/**
 * Checks the audit's premise (tests/anchors/audit.ts runs with `gtLoss: false`): the dial's
 * reference populations are the experimenter's measurement, so one `evolve` run gives the same
 * decisions, metric in force per generation, budgets and final metric with gtLoss on and off.
 *
 *   nice -n 10 npx tsx tests/anchors/gtloss-decisions.ts [--world projectile] [--alpha 0.8] [--seed 3]
 *
 * Prints what it compared; exits 1 on any difference. Not a vitest file: two default-sized runs,
 * one of them with two reference populations, take minutes.
 */
import { isDeepStrictEqual } from 'node:util';
import { installDeterministicMath } from '../../src/core/detmath.ts';
import { runEvolve, type EvolveRecord } from '../../src/experiments/evolve.ts';
import { initTfNode } from '../../src/learners/tf-node.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : fallback;
}

/** Everything the gate and the run decided, without the experimenter's dial columns. */
function decided(r: EvolveRecord): unknown {
  return {
    decisions: r.decisions,
    generations: r.generations.map((g) => ({ gen: g.gen, metric: g.metric, direction: g.direction, threshold: g.threshold, budgetSpent: g.budgetSpent, proxy: g.proxy, anchorGt: g.anchorGt })),
    finalMetric: r.summary.finalMetric,
  };
}

async function main(): Promise<number> {
  installDeterministicMath();
  await initTfNode();
  const cfg = { world: arg('world', 'projectile'), alpha: Number(arg('alpha', '0.8')), seed: Number(arg('seed', '3')) };
  const off = await runEvolve({ ...cfg, gtLoss: false });
  const on = await runEvolve({ ...cfg, gtLoss: true });
  const a = decided(off);
  const b = decided(on);
  const same = isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
  const gtLossSeen = on.generations.filter((g) => g.gtLoss !== null).length;
  console.log(
    `${cfg.world} α ${cfg.alpha} seed ${cfg.seed}: ${off.decisions.length} decisions (off) vs ${on.decisions.length} (on), ${off.generations.length} generations; ` +
      `gtLoss measured on ${gtLossSeen} generations of the "on" run; decisions, metrics in force, budgets, proxy and anchor GT ${same ? 'identical' : 'DIFFER'}`,
  );
  return same && gtLossSeen > 0 ? 0 : 1;
}

process.exitCode = await main();
