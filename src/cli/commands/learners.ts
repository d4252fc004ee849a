/**
 * `mirage-lab learners [--world W]`: every learner family with what it needs, and which worlds
 * (and channels) it fits; with --world, that world's fits and, for each misfit, the unmet needs.
 * The fits come from the families' declared needs (src/learners/compat.ts), the same check
 * `train` uses to refuse a misfit.
 */
import { resolveParams } from '../../core/runtime.ts';
import { CHANNEL_KINDS } from '../../feedback/channels.ts';
import { learnerFits, type LearnerFit } from '../../learners/compat.ts';
import { getLearnerFamily, LEARNER_IDS } from '../../learners/registry.ts';
import type { LearnerNeeds } from '../../learners/types.ts';
import { getWorld, WORLDS } from '../../../worlds/index.ts';
import type { CliCommand } from '../command.ts';

/** A world's fits as plain data (for `list --json` and `learners --json`). */
export function worldFits(worldId: string): { world: string; fits: LearnerFit[] } {
  const world = getWorld(worldId);
  return { world: world.id, fits: learnerFits(world, resolveParams(world, {})) };
}

/** One line per need, for people. */
export function needsText(n: LearnerNeeds): string {
  const parts: string[] = [n.loop];
  if (n.features) parts.push(`features ${n.features.map((a) => `[${a.join(', ')}]`).join(' or ')}`);
  if (n.describingFeatures) parts.push('features that describe the task');
  if (n.actions) parts.push(`actions ${n.actions.map((a) => `[${a.join(', ')}${n.actionDims === a.length ? '' : ', …'}]`).join(' or ')}`);
  if (n.actionDims !== undefined) parts.push(`${n.actionDims} action dimension${n.actionDims === 1 ? '' : 's'}`);
  parts.push(`channels ${n.channels.join(', ')}`);
  if (n.metrics) parts.push(`metric ${n.metrics.join(' or ')}`);
  return parts.join('; ');
}

/** The `learners` command module. */
export const learners: CliCommand = {
  name: 'learners',
  register: (program, { io }) => {
    program
      .command('learners')
      .description('List the learner families, what each needs, and which worlds (and feedback channels) each fits.')
      .option('--world <id>', 'only this world: which learners fit it, and what a misfit lacks')
      .option('--json', 'print JSON')
      .action((o: { world?: string; json?: boolean }) => {
        if (o.world !== undefined) {
          const { world, fits } = worldFits(o.world);
          if (o.json) return io.out(JSON.stringify({ world, fits }, null, 2));
          io.out(`learners for ${world}:`);
          for (const f of fits) {
            io.out(f.channels.length ? `  fits    ${f.learner.padEnd(16)} feedback: ${f.channels.join(', ')}` : `  no      ${f.learner.padEnd(16)} needs ${f.unmet.join('; ')}`);
          }
          return;
        }
        const all = WORLDS.map((w) => worldFits(w.id));
        const rows = LEARNER_IDS.map((id) => {
          const family = getLearnerFamily(id);
          const fits = all.flatMap(({ world, fits }) => fits.filter((f) => f.learner === id && f.channels.length).map((f) => ({ world, channels: f.channels })));
          return { id, doc: family.doc, needs: family.needs, fits };
        });
        if (o.json) return io.out(JSON.stringify(rows, null, 2));
        for (const r of rows) {
          io.out(`${r.id} — ${r.doc}`);
          io.out(`  needs: ${needsText(r.needs)}`);
          io.out(`  fits:  ${r.fits.map((f) => (f.channels.length === CHANNEL_KINDS.length ? f.world : `${f.world} (${f.channels.join(', ')})`)).join(', ') || 'no registered world'}`);
        }
      });
  },
};
