/**
 * Project names: they become the npm package name, the bin name, the folder name and the server
 * name, so they must be valid for all four and unable to escape the target folder.
 *
 * @module
 */
import validatePackageName from 'validate-npm-package-name';

import { ScaffoldError, ScaffoldErrorCode } from './errors.js';

/** Why a name is unusable, one reason per entry (empty when the name is fine). */
export function nameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.trim() === '') return ['the name is empty'];
  if (name !== name.trim()) problems.push('it has leading or trailing spaces');
  if (/[/\\]/.test(name)) problems.push('it contains a path separator (use a plain name such as "weather-server")');
  if (name.includes('..')) problems.push('it contains ".."');
  if (name.startsWith('.') || name.startsWith('_')) problems.push('it starts with "." or "_"');
  if (name.length > 64) problems.push('it is longer than 64 characters');
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name)) {
    problems.push('use only lowercase letters, digits, "-", "_" and ".", starting with a letter or digit');
  }
  const npm = validatePackageName(name);
  for (const message of [...(npm.errors ?? []), ...(npm.warnings ?? [])]) {
    const text = message.replace(/^name /, '');
    if (!problems.some((problem) => problem.includes(text))) problems.push(text);
  }
  return [...new Set(problems)];
}

/** Throws a {@link ScaffoldError} (`INVALID_NAME`) listing every problem with `name`. */
export function assertValidName(name: string): void {
  const problems = nameProblems(name);
  if (problems.length > 0) {
    throw new ScaffoldError(
      ScaffoldErrorCode.InvalidName,
      `Invalid project name ${JSON.stringify(name)}: ${problems.join('; ')}.`,
      {
        name,
        problems,
      },
    );
  }
}
