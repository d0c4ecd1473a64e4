/**
 * The hot path's build: esbuild bundles the project's own code (default entry `src/index.ts`)
 * into one CommonJS file, incrementally (an esbuild context kept across rebuilds), with no
 * type-checking (run `tsc` in your editor or CI, not on every save). Each successful build is
 * written to a new numbered file, so a server still running the previous bundle, or a restart
 * after a crash, never sees a half-replaced file.
 *
 * The packages the project imports (the runtime, the SDK, zod…) are most of the code and do not
 * change on a save: they go into a separate vendor bundle, rebuilt only when the set of imported
 * packages changes, which the warm spare loads before it is needed (see ./child-command.ts). A
 * save then rebuilds and loads only the project's own modules.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import type { BuildContext, Message, Metafile } from 'esbuild';

import { DevError } from './errors.js';

/** A successful build. */
export interface Bundle {
  /** Absolute path of the bundle. */
  readonly file: string;
  /** 1 for the first build, then one more per successful build. */
  readonly serial: number;
  /** SHA-256 of the bundle and its vendor: equal hashes run the same code. */
  readonly hash: string;
  /** The vendor bundle the bundle's package imports resolve to (absent when not split). */
  readonly vendor?: string;
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
  /** Bundle packages separately (the vendor bundle); default true. */
  splitVendor?: boolean;
}

/** The package specifiers a build left external (bare imports, not Node built-ins), sorted. */
export function packageImports(metafile: Metafile): string[] {
  const specifiers = new Set<string>();
  for (const output of Object.values(metafile.outputs))
    for (const item of output.imports)
      if (item.external && !item.path.startsWith('node:') && !builtinModules.includes(item.path))
        specifiers.add(item.path);
  return [...specifiers].sort();
}

/**
 * Source of the vendor bundle's entry: every package the project imports, as module namespaces
 * keyed by specifier, marked `__esModule` so the project bundle's default-import interop reads
 * `default` from them as it would from the real module.
 */
export function vendorEntrySource(specifiers: readonly string[]): string {
  const imports = specifiers.map((specifier, index) => `import * as m${index} from ${JSON.stringify(specifier)};`);
  const entries = specifiers.map((specifier, index) => `  ${JSON.stringify(specifier)}: esm(m${index}),`);
  return [
    ...imports,
    'const esm = (namespace) => Object.defineProperty({ ...namespace }, "__esModule", { value: true });',
    'export const modules = {',
    ...entries,
    '};',
    '',
  ].join('\n');
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

function buildError(error: unknown, root: string): DevError {
  const errors = (error as { errors?: Message[] }).errors;
  if (Array.isArray(errors) && errors.length > 0) {
    // Packages that cannot be found in a project with no node_modules: its dependencies are not installed.
    const unresolved = errors.some((message) => message.text.startsWith('Could not resolve'));
    const hint =
      unresolved && !existsSync(join(root, 'node_modules'))
        ? `\n${root} has no node_modules: run \`npm install\` there first.`
        : '';
    return new DevError('BUILD_FAILED', `build failed:\n${formatBuildMessages(errors)}${hint}`);
  }
  return new DevError('BUILD_FAILED', `build failed: ${error instanceof Error ? error.message : String(error)}`);
}

/** Creates the builder; throws `BAD_PROJECT` when the entry does not exist. */
export async function createBuilder(options: BuilderOptions): Promise<Builder> {
  const root = resolve(options.root);
  const entry = resolve(root, options.entry ?? 'src/index.ts');
  if (!existsSync(entry))
    throw new DevError('BAD_PROJECT', `no entry ${entry}: pass the project folder, or --entry <file>`);
  const esbuild = await import('esbuild');
  const split = options.splitVendor ?? true;
  let ctx: BuildContext<{ write: false; metafile: true }> | undefined;
  let serial = 0;
  let vendor: { key: string; file: string } | undefined;
  const buildVendor = async (specifiers: string[]): Promise<string> => {
    const key = specifiers.join('\n');
    if (vendor?.key === key) return vendor.file;
    const file = join(options.outDir, `vendor-${serial}.cjs`);
    await esbuild.build({
      absWorkingDir: root,
      stdin: { contents: vendorEntrySource(specifiers), resolveDir: root, loader: 'js', sourcefile: 'vendor.js' },
      outfile: file,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'silent',
    });
    vendor = { key, file };
    return file;
  };
  return {
    async build() {
      const started = performance.now();
      try {
        ctx ??= await esbuild.context({
          absWorkingDir: root,
          entryPoints: [entry],
          outfile: join(options.outDir, 'server.cjs'),
          bundle: true,
          platform: 'node',
          target: 'node20',
          format: 'cjs',
          write: false,
          metafile: true,
          logLevel: 'silent',
          ...(split ? { packages: 'external' as const } : {}),
        });
        const result = await ctx.rebuild();
        const output = result.outputFiles.find((file) => file.path.endsWith('.cjs'));
        if (output === undefined) throw new Error('esbuild produced no bundle');
        serial += 1;
        const vendorFile = split ? await buildVendor(packageImports(result.metafile)) : undefined;
        const file = join(options.outDir, `server-${serial}.cjs`);
        await writeFile(file, output.contents);
        const hash = createHash('sha256')
          .update(output.contents)
          .update(vendorFile ?? '')
          .digest('hex');
        return {
          file,
          serial,
          hash,
          durationMs: performance.now() - started,
          ...(vendorFile === undefined ? {} : { vendor: vendorFile }),
        };
      } catch (error) {
        throw buildError(error, root);
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
