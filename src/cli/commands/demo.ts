/** `mirage-lab demo`: the default scenario (see ../demo.ts). */
import { demo as runDemo } from '../demo.ts';
import { simulateOnNodePool } from './simulate.ts';
import type { CliCommand } from '../command.ts';

export const demo: CliCommand = {
  name: 'demo',
  register: (program, { io }) => {
    program
      .command('demo')
      .description('The default scenario: the worlds, a random baseline, and one learner taught by graded vs binary feedback.')
      .action(async () => runDemo(io.out, simulateOnNodePool));
  },
};
