import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Catalog } from '@mcp-factory/registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { CliError } from '../errors.js';
import type { Io } from '../io.js';
import { resolveDevProject } from './dev-target.js';

let root: string;
let io: Io;
let catalog: Catalog;

async function project(name: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, '.mcp-factory.json'), JSON.stringify({ template: 'everything' }));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name }));
  return dir;
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'dev-target-'));
  const cwd = join(root, 'work');
  await mkdir(cwd);
  const env = { HOME: join(root, 'home'), MCP_FACTORY_STATE_HOME: join(root, 'state') };
  io = { out: () => undefined, err: () => undefined, interactive: false, cwd, env };
  catalog = new Catalog({ env, cwd, home: env.HOME });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const usageError = (promise: Promise<unknown>) => expect(promise).rejects.toBeInstanceOf(CliError);

describe('dev <project | name>', () => {
  it('runs the current folder without an argument, and a folder given as a path', async () => {
    expect(await resolveDevProject(undefined, io)).toBe(io.cwd);
    const dir = await project('work/my-server');
    expect(await resolveDevProject('my-server', io)).toBe(dir);
    expect(await resolveDevProject(dir, io)).toBe(dir);
  });

  it('runs the folder of a registered factory project', async () => {
    const dir = await project('elsewhere/weather');
    await catalog.add({
      name: 'weather',
      transports: [{ type: 'stdio', command: 'node', args: [join(dir, 'dist/index.cjs')], env: [], cwd: dir }],
      origin: { source: 'factory-project', path: join(dir, '.mcp-factory.json') },
      config: [],
    });
    expect(await resolveDevProject('weather', io)).toBe(dir);
  });

  it('runs a project registered by hand with its folder as the working folder', async () => {
    const dir = await project('by-hand');
    await catalog.add({
      name: 'by-hand',
      transports: [{ type: 'stdio', command: 'node', args: ['dist/index.cjs'], env: [], cwd: dir }],
      origin: { source: 'manual' },
      config: [],
    });
    expect(await resolveDevProject('by-hand', io)).toBe(dir);
  });

  it('refuses a registered server without a source project, saying what it is', async () => {
    await catalog.add({
      name: 'memory',
      transports: [{ type: 'stdio', command: 'npx', args: ['@modelcontextprotocol/server-memory'], env: [] }],
      origin: { source: 'manual' },
      config: [],
    });
    await usageError(resolveDevProject('memory', io));
    await expect(resolveDevProject('memory', io)).rejects.toThrow(/needs a source project.*mcp-factory run memory/s);
    await expect(resolveDevProject('memory', io)).rejects.toThrow(/npx @modelcontextprotocol\/server-memory/);
  });

  it('refuses a factory project whose folder is gone', async () => {
    const dir = await project('gone');
    await catalog.add({
      name: 'gone',
      transports: [{ type: 'stdio', command: 'node', args: ['x.js'], env: [], cwd: dir }],
      origin: { source: 'factory-project', path: join(dir, '.mcp-factory.json') },
      config: [],
    });
    await rm(dir, { recursive: true });
    await expect(resolveDevProject('gone', io)).rejects.toThrow(/needs a source project/);
  });

  it('lists the known names for an unknown one, and rejects a missing path or a bad name', async () => {
    await project('known');
    await catalog.add({
      name: 'known',
      transports: [{ type: 'stdio', command: 'node', args: ['x.js'], env: [] }],
      origin: { source: 'manual' },
      config: [],
    });
    await usageError(resolveDevProject('nope', io));
    await expect(resolveDevProject('nope', io)).rejects.toThrow(/nope.*known: known/s);
    await expect(resolveDevProject('./missing', io)).rejects.toThrow(/no project folder at/);
    await usageError(resolveDevProject('../../etc', io));
    await usageError(resolveDevProject('bad name!', io));
  });
});
