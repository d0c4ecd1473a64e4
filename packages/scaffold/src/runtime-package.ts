/**
 * How a generated project gets `@mcp-factory/runtime`: the factory packs its own runtime into the
 * project's `vendor/` folder and depends on that tarball, so the project installs with nothing but
 * npm packages and never names an unpublished registry package.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { ScaffoldError, ScaffoldErrorCode } from './errors.js';

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
export function packRuntime(destDir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['pack', '--json', '--silent', '--pack-destination', destDir], {
      cwd: runtimePackageDir(),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, npm_config_ignore_scripts: 'true' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', (error) => {
      reject(
        new ScaffoldError(
          ScaffoldErrorCode.RuntimePackFailed,
          `Could not run npm to pack the runtime: ${error.message}`,
          {},
          { cause: error },
        ),
      );
    });
    child.once('close', (code) => {
      const filename = (() => {
        try {
          return (JSON.parse(stdout) as { filename?: string }[])[0]?.filename;
        } catch {
          return undefined;
        }
      })();
      if (code !== 0 || filename === undefined) {
        reject(
          new ScaffoldError(
            ScaffoldErrorCode.RuntimePackFailed,
            `npm pack of the runtime failed (exit ${String(code)}): ${stderr.trim().slice(0, 500)}`,
            {
              exitCode: code,
            },
          ),
        );
        return;
      }
      resolve(filename);
    });
  });
}
