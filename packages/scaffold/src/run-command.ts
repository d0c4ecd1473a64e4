/**
 * Runs a program as a child process from an argv array (never a shell string) and collects what
 * it printed: `npm install` and `npm run build` after a project is generated (the CLI's `new` and
 * `demo`, the gateway's `create_server`), `npm pack` of the runtime, the gateway's installs.
 *
 * @module
 */
import { spawn } from 'node:child_process';

/** Outcome of {@link runCommand}. */
export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  readonly timedOut: boolean;
}

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the child after this long; default 10 minutes. */
  timeoutMs?: number;
}

/** Runs `command args` and resolves when it exits (never rejects for a non-zero exit). */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunCommandOptions,
): Promise<CommandResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 600_000);
    const finish = (code: number | null, extra = ''): void => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr: stderr + extra, durationMs: performance.now() - started, timedOut });
    };
    child.once('error', (error) => finish(null, `\n${error.message}`));
    child.once('close', (code) => finish(code));
  });
}
