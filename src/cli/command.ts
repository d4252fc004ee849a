/**
 * The command-module contract: one file per command under commands/, listed once in
 * commands/index.ts. A module adds its (sub)command to the program; its action writes through
 * `ctx.io` and may set `ctx.state.code` (0 success, 1 failed check). Bad input is thrown as an
 * InputError (main turns it into exit 2), anything else is an internal error (exit 1).
 */
import type { Command } from 'commander';
import type { CliIO } from './io.ts';

/** What every command's action can reach. */
export interface CliContext {
  io: CliIO;
  /** The exit code main returns when the action finishes without throwing. */
  state: { code: number };
}

/** One top-level command of `mirage-lab` (it may have subcommands, like `bench physics`). */
export interface CliCommand {
  /** The command's name as typed; unique across COMMANDS. */
  name: string;
  /** Adds the command to `program` (call `program.command(name)`). */
  register: (program: Command, ctx: CliContext) => void;
}
