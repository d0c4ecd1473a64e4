// Shared by process-level tests: bundle a fixture server from the runtime's source into a temporary
// folder inside the repository (so its external imports resolve from node_modules), and talk to a
// spawned server in raw newline-delimited JSON-RPC.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** A bundled fixture: the bundle's path, its temporary folder (free for the test's other files) and how to remove it. */
export interface BundledFixture {
  readonly file: string;
  readonly dir: string;
  remove(): Promise<void>;
}

/** Bundles `fixture` (a file name in this folder, or the URL of a fixture elsewhere) into a fresh folder under `.tmp`. */
export async function bundleFixture(fixture: string | URL): Promise<BundledFixture> {
  const source = fileURLToPath(typeof fixture === 'string' ? new URL(`./${fixture}`, import.meta.url) : fixture);
  await mkdir(join(repoRoot, '.tmp'), { recursive: true });
  const dir = await mkdtemp(join(repoRoot, '.tmp', 'runtime-fixture-'));
  const file = join(dir, basename(source).replace(/\.\w+$/, '.mjs'));
  const { build } = await import('esbuild');
  await build({
    entryPoints: [source],
    outfile: file,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
  return { file, dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A spawned server spoken to in raw lines. */
export interface RawServer {
  readonly child: ChildProcessWithoutNullStreams;
  /** Every complete stdout line so far, parsed. Throws (in the test) on a line that is not JSON. */
  messages(): unknown[];
  stdout(): string;
  stderr(): string;
  /** Writes `line` plus a newline (a string is sent as is; anything else as JSON). */
  send(line: unknown): void;
  /** Resolves once `predicate` holds for the messages received so far (rejects if the server exits). */
  until(predicate: (messages: unknown[]) => boolean, timeoutMs?: number): Promise<void>;
  readonly exited: Promise<number | NodeJS.Signals | null>;
}

/** Spawns `node file args` with a minimal environment. */
export function spawnRaw(file: string, args: string[] = [], env: Record<string, string> = {}): RawServer {
  const child = spawn(process.execPath, [file, ...args], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    for (const wake of [...waiters]) wake();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin.on('error', () => undefined);
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  const messages = (): unknown[] =>
    stdout
      .split('\n')
      .slice(0, -1)
      .map((line) => JSON.parse(line) as unknown);
  return {
    child,
    messages,
    stdout: () => stdout,
    stderr: () => stderr,
    send: (line) => child.stdin.write(`${typeof line === 'string' ? line : JSON.stringify(line)}\n`),
    until: (predicate, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`timed out; stderr:\n${stderr.slice(-2000)}`)), timeoutMs);
        const finish = (error?: Error): void => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error === undefined) resolve();
          else reject(error);
        };
        const check = (): void => {
          if (predicate(messages())) finish();
        };
        waiters.add(check);
        void exited.then((code) =>
          finish(new Error(`server exited (${String(code)}); stderr:\n${stderr.slice(-2000)}`)),
        );
        check();
      }),
    exited,
  };
}
