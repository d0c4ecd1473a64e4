/**
 * The file a Node package runs as its server: its `bin` (the only one, or the one named after the
 * package, else the first) or its `main`. Shared by the npm-packages and factory-projects sources.
 *
 * @module
 */
import { isAbsolute, join, normalize, relative } from 'node:path';

import { isFile } from './fs-utils.js';

/** The fields of a package.json the sources read. */
export interface PackageJsonLike {
  name?: unknown;
  version?: unknown;
  description?: unknown;
  mcpName?: unknown;
  bin?: unknown;
  main?: unknown;
}

/** The entry file named by `pkg` (relative to its folder), or undefined when it names none. */
export function declaredEntry(pkg: PackageJsonLike): string | undefined {
  if (typeof pkg.bin === 'string') return pkg.bin;
  if (pkg.bin !== null && typeof pkg.bin === 'object') {
    const bins = Object.entries(pkg.bin as Record<string, unknown>).filter(
      (pair): pair is [string, string] => typeof pair[1] === 'string',
    );
    const short = typeof pkg.name === 'string' ? pkg.name.replace(/^@[^/]+\//, '') : undefined;
    return (bins.find(([name]) => name === short) ?? bins[0])?.[1];
  }
  return typeof pkg.main === 'string' ? pkg.main : undefined;
}

/**
 * The absolute entry file of the package in `dir`, or the reason it cannot be run: none declared,
 * outside the package folder, or not on disk (not built, or a broken install).
 */
export async function entryFile(dir: string, pkg: PackageJsonLike): Promise<{ file: string } | { reason: string }> {
  const declared = declaredEntry(pkg);
  if (declared === undefined) return { reason: 'package.json declares no "bin" or "main" to run' };
  const file = normalize(join(dir, declared));
  const inside = relative(dir, file);
  if (inside.startsWith('..') || isAbsolute(inside)) {
    return { reason: `entry ${JSON.stringify(declared)} points outside the package folder` };
  }
  if (!(await isFile(file))) return { reason: `entry file ${declared} is missing (not built or a broken install?)` };
  return { file };
}

/** A string field or undefined. */
export function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
