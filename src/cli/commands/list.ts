/** `mirage-lab list`: the registered worlds with their parameters, measurements and checks. */
import { describeWorld } from '../../core/describe.ts';
import { WORLDS } from '../../../worlds/index.ts';
import type { CliCommand } from '../command.ts';
import { worldFits } from './learners.ts';

export const list: CliCommand = {
  name: 'list',
  register: (program, { io }) => {
    program
      .command('list')
      .description('List the registered worlds with their parameters, measurements and checks.')
      .option('--json', 'print JSON')
      .action((o: { json?: boolean }) => {
        const worlds = WORLDS.map(describeWorld);
        // Which learners fit each world (and with which channels): from the families' declared needs.
        const fitting = (id: string) => worldFits(id).fits.filter((f) => f.channels.length);
        if (o.json) return io.out(JSON.stringify(worlds.map((w) => ({ ...w, learners: fitting(w.id).map((f) => ({ id: f.learner, channels: f.channels })) })), null, 2));
        for (const w of worlds) {
          io.out(`${w.id} v${w.version} — ${w.description}`);
          io.out(`  params: ${w.params.map((p) => `${p.name}=${String(p.default)}${p.options ? ` (${p.options.join('|')})` : p.min !== undefined ? ` [${p.min}, ${p.max}]` : ''}`).join(', ')}`);
          io.out(`  action: ${w.actionSpace.names.map((n, i) => `${n} [${w.actionSpace.low[i]}, ${w.actionSpace.high[i]}] ${w.actionSpace.units[i]}`).join(', ')}`);
          io.out(`  measurements: ${w.measurements.map((m) => (m.gameable ? `${m.name}*` : m.name)).join(', ')}   (* gameable proxy)`);
          io.out(`  ground truth: ${w.checks.map((c) => c.name).join(', ')}`);
          io.out(`  learners: ${fitting(w.id).map((f) => f.learner).join(', ')}`);
        }
      });
  },
};
