/**
 * How a generated project gets `@mcp-factory/runtime`: the factory packs its own runtime into the
 * project's `vendor/` folder and depends on that tarball, so the project installs with nothing but
 * npm packages and never names an unpublished registry package.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { ScaffoldError, ScaffoldErrorCode } from './errors.js';
import { runCommand } from './run-command.js';

/** Where the runtime package is installed (its folder). */
export function runtimePackageDir(): string {
  return dirname(createRequire(import.meta.url).resolve('@mcp-factory/runtime/package.json'));
}

/** The runtime's version. */
export async function runtimeVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(runtimePackageDir(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** Runs `npm pack` on the runtime into `destDir`; resolves with the tarball's file name. */
export async function packRuntime(destDir: string): Promise<string> {
  const result = await runCommand('npm', ['pack', '--json', '--silent', '--pack-destination', destDir], {
    cwd: runtimePackageDir(),
    env: { ...process.env, npm_config_ignore_scripts: 'true' },
    timeoutMs: 300_000,
  });
  if (result.code === null && !result.timedOut) {
    throw new ScaffoldError(
      ScaffoldErrorCode.RuntimePackFailed,
      `Could not run npm to pack the runtime: ${result.stderr.trim()}`,
      {},
    );
  }
  const filename = (() => {
    try {
      return (JSON.parse(result.stdout) as { filename?: string }[])[0]?.filename;
    } catch {
      return undefined;
    }
  })();
  if (result.code !== 0 || filename === undefined) {
    const why = result.timedOut ? 'timed out after 5 minutes' : `exit ${String(result.code)}`;
    throw new ScaffoldError(
      ScaffoldErrorCode.RuntimePackFailed,
      `npm pack of the runtime failed (${why}): ${result.stderr.trim().slice(0, 500)}`,
      { exitCode: result.code },
    );
  }
  return filename;
}
