// Generated api servers document their runtime configuration in OPERATIONS.md, linked from every
// README (the base project's and each preset's). Keep that true: every environment variable the
// runtime reads appears in OPERATIONS.md, and no variable is documented that the runtime does not
// read (a renamed variable fails here, not in a user's deployment).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { RUNTIME_VARIABLES } from '@mcp-factory/runtime';
import { describe, expect, it } from 'vitest';

import { REPO } from '../helpers/index.js';

const RUNTIME_SRC = join(REPO, 'packages', 'runtime', 'src');
const API = join(REPO, 'templates', 'api');
const VARIABLE = /\b(MCP_[A-Z0-9]+(?:_[A-Z0-9]+)*|REDIS_URL|LOG_LEVEL|PORT|HOST|XDG_STATE_HOME)\b/g;
// Read by the factory's tooling or tests, not by a generated server's configuration.
const NOT_SERVER_CONFIG = new Set(['MCP_FACTORY_CODE_CACHE']);

async function sourceFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const name = entry.name;
    if (!entry.isFile() || !name.endsWith('.ts') || name.endsWith('.test.ts')) continue;
    const path = join(entry.parentPath, name);
    if (path.includes('__fixtures__') || path.includes(join('src', 'testing')) || path.includes(join('src', 'fake')))
      continue;
    files.push(path);
  }
  return files;
}

/** Variables the runtime reads: `env.X`, `env['X']`, `value(env, 'X')` and the names in its help text. */
async function runtimeVariables(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const file of await sourceFiles(RUNTIME_SRC)) {
    const text = await readFile(file, 'utf8');
    for (const [, name] of text.matchAll(/env(?:\.|\[['"]|, ['"])([A-Z][A-Z0-9_]+)/g)) names.add(name!);
    for (const [, name] of text.matchAll(/\(env ([A-Z][A-Z0-9_]+)[;,)=]/g)) names.add(name!);
  }
  for (const name of NOT_SERVER_CONFIG) names.delete(name);
  return names;
}

describe('OPERATIONS.md of the api template', () => {
  it('documents every variable the runtime reads, and none it does not', async () => {
    const doc = await readFile(join(API, 'OPERATIONS.md'), 'utf8');
    const documented = new Set([...doc.matchAll(VARIABLE)].map((match) => match[1]!));
    const read = await runtimeVariables();
    // A sanity floor: the scan must find the families it is meant to guard.
    for (const family of ['MCP_JOURNAL_', 'MCP_UPSTREAM_', 'MCP_OAUTH_', 'MCP_RATE_LIMIT']) {
      expect(
        [...read].some((name) => name.startsWith(family)),
        family,
      ).toBe(true);
    }
    expect([...read].filter((name) => !documented.has(name)).sort(), 'read but not documented').toEqual([]);
    expect(
      [...documented].filter((name) => !read.has(name) && name !== 'XDG_STATE_HOME').sort(),
      'documented but not read',
    ).toEqual([]);
  });

  it('the settings file accepts exactly the MCP_ variables the runtime reads', async () => {
    const read = [...(await runtimeVariables())].filter((name) => name.startsWith('MCP_'));
    expect(read.filter((name) => !RUNTIME_VARIABLES.has(name)).sort(), 'read but refused in a file').toEqual([]);
    expect([...RUNTIME_VARIABLES].filter((name) => !read.includes(name)).sort(), 'accepted but never read').toEqual([]);
  });

  it('is linked from the README of the base project and of every preset', async () => {
    const presets = await readdir(join(API, 'presets'), { withFileTypes: true });
    const readmes = [
      join(API, 'README.md'),
      ...presets
        .filter((entry) => entry.isDirectory())
        .map((entry) => join(API, 'presets', entry.name, 'files', 'README.md')),
    ];
    expect(readmes.length).toBeGreaterThanOrEqual(5);
    for (const readme of readmes) {
      const text = await readFile(readme, 'utf8');
      expect(text, readme).toContain('[OPERATIONS.md](OPERATIONS.md)');
      expect(text, readme).toContain('MCP_JOURNAL=off');
    }
  });
});
