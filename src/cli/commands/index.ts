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
import { learners } from './learners.ts';
// --- run layer (issue 8): run, resume, report, validate, runs, compare, merge, experiments, config
import { run } from './run.ts';
import { resume } from './resume.ts';
import { report } from './report.ts';
import { validate } from './validate.ts';
import { runs } from './runs.ts';
import { compare } from './compare.ts';
import { merge } from './merge.ts';
import { experiments } from './experiments.ts';
import { config } from './config.ts';
import { lessons } from './lessons.ts';
// --- end run layer
import { refute } from './refute.ts';

export const COMMANDS: readonly CliCommand[] = [
  list,
  checkWorldCommand,
  simulateCommand,
  train,
  learners,
  bench,
  evolve,
  metric,
  demo,
  // run layer (issue 8)
  experiments,
  config,
  validate,
  run,
  resume,
  report,
  runs,
  compare,
  merge,
  // issue 11: the falsification battery on a run folder
  refute,
  // issue 13: lesson files checked
  lessons,
];
