/**
 * Small file helpers shared by the discovery sources.
 *
 * @module
 */
import { readdir, readFile, stat } from 'node:fs/promises';

/** The file's text, or undefined when it does not exist. */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** True when `path` is an existing file. */
export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Names of the sub-folders of `dir` (following symlinks); empty when `dir` does not exist. */
export async function subfolders(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const folders: string[] = [];
  for (const name of names.sort()) {
    try {
      if ((await stat(`${dir}/${name}`)).isDirectory()) folders.push(name);
    } catch {
      // A dangling symlink is not a folder.
    }
  }
  return folders;
}

/** `JSON.parse` with the reason as a string instead of an exception. */
export function parseJson(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { error: `not valid JSON (${(error as Error).message})` };
  }
}
