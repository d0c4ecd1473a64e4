import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { Catalog } from './catalog.js';
import { RegistryErrorCode } from './errors.js';
import { RegistryStore } from './store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'registry-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const stdio = (command: string) => [{ type: 'stdio' as const, command, args: [], env: [] }];

describe('RegistryStore', () => {
  it('reads a missing file as an empty store and writes a versioned file', async () => {
    const store = new RegistryStore(join(dir, 'deep', 'registry.json'));
    expect(await store.read()).toEqual({ version: 1, servers: {} });
    const catalog = new Catalog({ userStore: store.file, projectStore: join(dir, 'project.json') });
    await catalog.add({ name: 'one', transports: stdio('node'), origin: { source: 'manual' } });
    const written = JSON.parse(await readFile(store.file, 'utf8'));
    expect(written.version).toBe(1);
    expect(written.servers.one.transports[0].command).toBe('node');
  });

  it('refuses a corrupt file with CORRUPT_STORE naming the file, and leaves it untouched', async () => {
    const file = join(dir, 'registry.json');
    await writeFile(file, '{"version": 1, "servers": {');
    const store = new RegistryStore(file);
    await expect(store.read()).rejects.toMatchObject({
      code: RegistryErrorCode.CorruptStore,
      data: { file },
      message: expect.stringContaining(file),
    });
    await expect(store.update(() => undefined)).rejects.toMatchObject({ code: RegistryErrorCode.CorruptStore });
    expect(await readFile(file, 'utf8')).toBe('{"version": 1, "servers": {');
  });

  it('refuses valid JSON that is not a registry file (wrong version or shape)', async () => {
    const file = join(dir, 'registry.json');
    await writeFile(file, JSON.stringify({ version: 99, servers: [] }));
    await expect(new RegistryStore(file).read()).rejects.toMatchObject({
      code: RegistryErrorCode.CorruptStore,
      message: expect.stringMatching(/version/),
    });
  });

  it('refuses an entry whose key is no valid name or differs from its name: no command could reach it', async () => {
    const file = join(dir, 'registry.json');
    const entry = (name: string) => ({
      name,
      transports: stdio('node'),
      origin: { source: 'manual' },
      addedAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
    });
    for (const [key, name, reason] of [
      ['s4', 'other', 'its name is "other"'],
      ['../evil', '../evil', 'use lowercase letters'],
    ] as const) {
      const text = JSON.stringify({ version: 1, servers: { [key]: entry(name) } });
      await writeFile(file, text);
      await expect(new RegistryStore(file).read()).rejects.toMatchObject({
        code: RegistryErrorCode.CorruptStore,
        message: expect.stringContaining(`the entry ${JSON.stringify(key)} is not usable (${reason}`),
      });
      expect(await readFile(file, 'utf8')).toBe(text);
    }
  });

  it('keeps fields it does not know, at the top and in entries, when it rewrites the file', async () => {
    const file = join(dir, 'registry.json');
    await writeFile(
      file,
      JSON.stringify({
        version: 1,
        futureField: { x: 1 },
        servers: {
          s1: {
            name: 's1',
            transports: stdio('node'),
            origin: { source: 'manual' },
            addedAt: '2026-01-01T00:00:00Z',
            updatedAt: '2026-01-01T00:00:00Z',
            customNote: 'mine',
          },
        },
      }),
    );
    const catalog = new Catalog({ userStore: file, projectStore: join(dir, 'project.json') });
    await catalog.add({ name: 'z', transports: stdio('node'), origin: { source: 'manual' } });
    const written = JSON.parse(await readFile(file, 'utf8')) as {
      futureField: unknown;
      servers: Record<string, { customNote?: string }>;
    };
    expect(written.futureField).toEqual({ x: 1 });
    expect(written.servers.s1?.customNote).toBe('mine');
    expect(Object.keys(written.servers).sort()).toEqual(['s1', 'z']);
  });

  it('loses no entry when two processes add at the same time', async () => {
    const file = join(dir, 'registry.json');
    const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const perProcess = 15;
    const script = `
      const { Catalog } = await import(${JSON.stringify(dist)});
      const [prefix, count, file, project] = process.argv.slice(1);
      const catalog = new Catalog({ userStore: file, projectStore: project });
      for (let i = 0; i < Number(count); i++) {
        await catalog.add({ name: prefix + '-' + i, transports: [{ type: 'stdio', command: 'node', args: [], env: [] }], origin: { source: 'manual' } });
      }`;
    const run = (prefix: string) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          ['--input-type=module', '-e', script, prefix, String(perProcess), file, join(dir, 'p.json')],
          { stdio: ['ignore', 'ignore', 'pipe'] },
        );
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('close', (code) => resolve({ code, stderr }));
      });
    const results = await Promise.all([run('a'), run('b')]);
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const names = Object.keys((await new RegistryStore(file).read()).servers).sort();
    expect(names).toHaveLength(2 * perProcess);
    for (let i = 0; i < perProcess; i++) expect(names).toEqual(expect.arrayContaining([`a-${i}`, `b-${i}`]));
  }, 60_000);
});

describe('Catalog', () => {
  it('lets a project entry hide a user entry of the same name, and removes from both', async () => {
    const catalog = new Catalog({ userStore: join(dir, 'user.json'), projectStore: join(dir, 'project.json') });
    await catalog.add({ name: 'svc', transports: stdio('user-cmd'), origin: { source: 'manual' } });
    await catalog.add(
      { name: 'svc', transports: stdio('project-cmd'), origin: { source: 'manual' } },
      { scope: 'project' },
    );
    const found = await catalog.get('svc');
    expect(found.scope).toBe('project');
    expect(found.transports[0]).toMatchObject({ command: 'project-cmd' });
    expect(await catalog.list()).toHaveLength(1);
    expect(await catalog.remove('svc')).toEqual(['project', 'user']);
    await expect(catalog.get('svc')).rejects.toMatchObject({ code: RegistryErrorCode.NotFound });
  });

  it('refuses a duplicate add unless replacing, and a bad name before touching disk', async () => {
    const catalog = new Catalog({ userStore: join(dir, 'user.json'), projectStore: join(dir, 'project.json') });
    await catalog.add({ name: 'svc', transports: stdio('a'), origin: { source: 'manual' } });
    await expect(
      catalog.add({ name: 'svc', transports: stdio('b'), origin: { source: 'manual' } }),
    ).rejects.toMatchObject({
      code: RegistryErrorCode.AlreadyExists,
    });
    await catalog.add({ name: 'svc', transports: stdio('b'), origin: { source: 'manual' } }, { replace: true });
    expect((await catalog.get('svc')).transports[0]).toMatchObject({ command: 'b' });
    await expect(
      catalog.add({ name: '../x', transports: stdio('a'), origin: { source: 'manual' } }),
    ).rejects.toMatchObject({ code: RegistryErrorCode.InvalidName });
    await expect(catalog.remove('nope')).rejects.toMatchObject({ code: RegistryErrorCode.NotFound });
  });
});
