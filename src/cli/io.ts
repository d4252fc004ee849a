/** Where the CLI writes: the terminal in the bin script, string buffers in tests. */
export interface CliIO {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Show progress bars (only on an interactive terminal, never with --json). */
  progress: boolean;
}

/** What `quietOnClosedPipe` needs of a stream: Node's `process.stdout` or a test double. */
export interface ErrorEmitter {
  on(event: 'error', listener: (err: Error & { code?: string }) => void): unknown;
}

const guarded = new WeakSet<object>();

/**
 * A reader that stops early (`mirage-lab runs | head -1`) closes the pipe, and the next write
 * fails with EPIPE, emitted as an 'error' event that would crash the process with a stack trace.
 * Like a Unix filter killed by SIGPIPE, the command then ends quietly: `exit(0)`, nothing printed.
 * Any other stream error is rethrown (a full disk must not look like success). Idempotent per stream.
 */
export function quietOnClosedPipe(stream: ErrorEmitter, exit: (code: number) => void): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') exit(0);
    else throw err;
  });
}

/** The process's stdout/stderr; progress bars only when stderr is a terminal. */
export const defaultIO = (): CliIO => {
  quietOnClosedPipe(process.stdout, (code) => process.exit(code));
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    progress: Boolean(process.stderr.isTTY),
  };
};
