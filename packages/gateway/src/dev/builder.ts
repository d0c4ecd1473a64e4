/**
 * The hot path's build: esbuild bundles the project's entry (default `src/index.ts`) into one
 * CommonJS file, incrementally (an esbuild context kept across rebuilds), with no type-checking
 * (run `tsc` in your editor or CI, not on every save). Each successful build is written to a new
 * numbered file, so a server still running the previous bundle, or a restart after a crash, never
 * sees a half-replaced file.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import type { BuildContext, Message } from 'esbuild';

import { DevError } from './errors.js';

/** A successful build. */
export interface Bundle {
  /** Absolute path of the bundle. */
  readonly file: string;
  /** 1 for the first build, then one more per successful build. */
  readonly serial: number;
  readonly durationMs: number;
}

/** Incremental builds of one project. */
export interface Builder {
  /** Builds once more; rejects with a `DevError` (`BUILD_FAILED`) holding esbuild's messages. */
  build(): Promise<Bundle>;
  /** Removes a bundle no process uses any longer. */
  discard(bundle: Bundle): Promise<void>;
  dispose(): Promise<void>;
}

/** Options of {@link createBuilder}. */
export interface BuilderOptions {
  /** Project root. */
  root: string;
  /** Entry, relative to the root; default `src/index.ts`. */
  entry?: string;
  /** Folder the bundles are written to (a temporary folder the caller owns). */
  outDir: string;
}

/** Formats esbuild's errors as `file:line:col: text` lines. */
export function formatBuildMessages(messages: readonly Message[]): string {
  return messages
    .map((message) => {
      const where =
        message.location === null
          ? ''
          : `${message.location.file}:${message.location.line}:${message.location.column + 1}: `;
      return `${where}${message.text}`;
    })
    .join('\n');
}

function buildError(error: unknown): DevError {
  const errors = (error as { errors?: Message[] }).errors;
  if (Array.isArray(errors) && errors.length > 0)
    return new DevError('BUILD_FAILED', `build failed:\n${formatBuildMessages(errors)}`);
  return new DevError('BUILD_FAILED', `build failed: ${error instanceof Error ? error.message : String(error)}`);
}

/** Creates the builder; throws `BAD_PROJECT` when the entry does not exist. */
export async function createBuilder(options: BuilderOptions): Promise<Builder> {
  const root = resolve(options.root);
  const entry = resolve(root, options.entry ?? 'src/index.ts');
  if (!existsSync(entry))
    throw new DevError('BAD_PROJECT', `no entry ${entry}: pass the project folder, or --entry <file>`);
  const { context } = await import('esbuild');
  let ctx: BuildContext<{ write: false }> | undefined;
  let serial = 0;
  return {
    async build() {
      const started = performance.now();
      try {
        ctx ??= await context({
          absWorkingDir: root,
          entryPoints: [entry],
          outfile: join(options.outDir, 'server.cjs'),
          bundle: true,
          platform: 'node',
          target: 'node20',
          format: 'cjs',
          write: false,
          logLevel: 'silent',
        });
        const result = await ctx.rebuild();
        const output = result.outputFiles.find((file) => file.path.endsWith('.cjs'));
        if (output === undefined) throw new Error('esbuild produced no bundle');
        serial += 1;
        const file = join(options.outDir, `server-${serial}.cjs`);
        await writeFile(file, output.contents);
        return { file, serial, durationMs: performance.now() - started };
      } catch (error) {
        throw buildError(error);
      }
    },
    async discard(bundle) {
      await rm(bundle.file, { force: true });
    },
    async dispose() {
      await ctx?.dispose();
      ctx = undefined;
    },
  };
}
