/** `mirage-lab config <experiment> [--quick]`: the default config as JSON, ready to edit and pass to `run`. */
import type { CliCommand } from '../command.ts';
import { getExperiment, parseExperimentConfig } from '../../experiments/registry.ts';

export const config: CliCommand = {
  name: 'config',
  register: (program, { io }) => {
    program
      .command('config')
      .description('Print an experiment\'s default config as a config file (edit it, then `mirage-lab run file.json`).')
      .argument('<experiment>', 'experiment id')
      .option('--quick', 'the quick preset')
      .action((id: string, o: { quick?: boolean }) => {
        const experiment = getExperiment(id);
        io.out(JSON.stringify({ experiment: experiment.id, config: parseExperimentConfig(experiment, {}, { quick: o.quick ?? false }) }, null, 2));
      });
  },
};
