/** `mirage-lab experiments`: the registry, one line each. */
import type { CliCommand } from '../command.ts';
import { listExperiments } from '../../experiments/registry.ts';

export const experiments: CliCommand = {
  name: 'experiments',
  register: (program, { io }) => {
    program
      .command('experiments')
      .description('List the experiments `mirage-lab run` can start.')
      .option('--json', 'print one JSON array')
      .action((o: { json?: boolean }) => {
        const list = listExperiments();
        if (o.json) return io.out(JSON.stringify(list.map((e) => ({ id: e.id, title: e.title, description: e.description, sweep: Boolean(e.sweep) }))));
        const width = Math.max(0, ...list.map((e) => e.id.length));
        for (const e of list) io.out(`${e.id.padEnd(width)}  ${e.title}${e.sweep ? ' (sweep: --shard)' : ''} — ${e.description}`);
        if (list.length === 0) io.out('no experiments registered');
      });
  },
};
