/**
 * What commands may touch of the outside world, injected so that tests run them in process.
 *
 * @module
 */

/** I/O of one command invocation. */
export interface Io {
  /** Writes to standard output (results). */
  out(text: string): void;
  /** Writes to standard error (progress, warnings). */
  err(text: string): void;
  /** True when both stdin and stdout are terminals: prompts are allowed. */
  readonly interactive: boolean;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

/** The real process's I/O. */
export function processIo(): Io {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    interactive: process.stdin.isTTY && process.stdout.isTTY,
    cwd: process.cwd(),
    env: process.env,
  };
}
