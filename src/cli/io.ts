/** Where the CLI writes: the terminal in the bin script, string buffers in tests. */
export interface CliIO {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Show progress bars (only on an interactive terminal, never with --json). */
  progress: boolean;
}

/** The process's stdout/stderr; progress bars only when stderr is a terminal. */
export const defaultIO = (): CliIO => ({
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  progress: Boolean(process.stderr.isTTY),
});
