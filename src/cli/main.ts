/**
 * The `mirage-lab` command. Exit codes: 0 success, 1 internal error or a failed check,
 * 2 bad input (the message names the field, the value and what is allowed).
 * Each command lives in its own file under commands/ and is listed in commands/index.ts.
 */
import { Command, CommanderError } from 'commander';
import { InputError } from '../core/runtime.ts';
import { COMMANDS } from './commands/index.ts';
import type { CliCommand, CliContext } from './command.ts';
import { defaultIO, type CliIO } from './io.ts';

export type { CliIO } from './io.ts';

/** Builds the commander program from command modules; actions write through `ctx.io` and set `ctx.state.code`. */
export function buildProgram(ctx: CliContext, commands: readonly CliCommand[] = COMMANDS): Command {
  const program = new Command('mirage-lab')
    .description('Physics worlds that teach learners; metrics tied to ground truth.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.io.out(s.trimEnd()), writeErr: (s) => ctx.io.err(s.trimEnd()) })
    .showHelpAfterError(false);
  for (const c of commands) c.register(program, ctx);
  return program;
}

/** Runs the CLI with argv (without node and script); returns the exit code. */
export async function main(argv: readonly string[], io: CliIO = defaultIO()): Promise<number> {
  const state = { code: 0 };
  try {
    await buildProgram({ io, state }).parseAsync([...argv], { from: 'user' });
    return state.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; every other commander error is bad input.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    if (err instanceof InputError) {
      io.err(`mirage-lab: ${err.message}`);
      return 2;
    }
    io.err(`mirage-lab: internal error: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.MIRAGE_DEBUG && err instanceof Error && err.stack) io.err(err.stack);
    return 1;
  }
}
