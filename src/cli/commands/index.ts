/**
 * Every `mirage-lab` command, in the order `--help` lists them. To add a command: write
 * commands/<name>.ts exporting a CliCommand (see ../command.ts) and add it to COMMANDS.
 */
import type { CliCommand } from '../command.ts';
import { list } from './list.ts';
import { checkWorldCommand } from './check-world.ts';
import { simulateCommand } from './simulate.ts';
import { train } from './train.ts';
import { bench } from './bench.ts';
import { evolve } from './evolve.ts';
import { metric } from './metric.ts';
import { demo } from './demo.ts';

export const COMMANDS: readonly CliCommand[] = [
  list,
  checkWorldCommand,
  simulateCommand,
  train,
  bench,
  evolve,
  metric,
  demo,
];
