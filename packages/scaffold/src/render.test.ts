import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { makeTemplatesRoot } from './__fixtures__/templates.js';
import { ScaffoldError } from './errors.js';
import { readRecord } from './record.js';
import { renderProject, type RenderOptions } from './render.js';
import { findTemplate } from './templates.js';

const cleanup: string[] = [];
afterEach(async () => {
  for (const dir of cleanup.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function setup(): Promise<{ root: string; out: string }> {
  const root = await makeTemplatesRoot();
  const out = join(tmpdir(), `scaffold-out-${process.pid}-${Math.random().toString(36).slice(2)}`);
  cleanup.push(root, out);
  return { root, out };
}

async function render(root: string, options: Partial<RenderOptions> & { name: string; targetDir: string }) {
  return renderProject({
    template: await findTemplate('demo', root),
    factoryVersion: '7.7.7',
    runtime: { kind: 'keep' },
    ...options,
  });
}

describe('renderProject', () => {
  it('copies the template, renames dotfiles, replaces the name token and skips excluded paths', async () => {
    const { root, out } = await setup();
    const target = join(out, 'weather');
    const result = await render(root, { name: 'weather', targetDir: target });
    expect(result.files).toEqual([
      '.gitignore',
      '.mcp-factory.json',
      'README.md',
      'package.json',
      'src/index.ts',
      'src/only-base.ts',
    ]);
    expect(await readFile(join(target, 'README.md'), 'utf8')).toBe('# weather\n\nRun weather.\n');
    expect(await readFile(join(target, 'src/index.ts'), 'utf8')).toContain("'weather'");
    const pkg = JSON.parse(await readFile(join(target, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ name: 'weather', version: '0.1.0', bin: { weather: 'dist/index.cjs' } });
    expect(pkg.private).toBeUndefined();
    await mkdir(join(out, 'reference'));
    expect((await stat(target)).mode & 0o777).toBe((await stat(join(out, 'reference'))).mode & 0o777);
  });

  it('applies the preset: removes, overlays and merges package fields', async () => {
    const { root, out } = await setup();
    const target = join(out, 'alt-server');
    const result = await render(root, { name: 'alt-server', targetDir: target, answers: { provider: 'alt' } });
    expect(result.files).toContain('src/only-alt.ts');
    expect(result.files).not.toContain('src/only-base.ts');
    expect(await readFile(join(target, 'README.md'), 'utf8')).toBe('# alt-server (alt)\n');
    expect(JSON.parse(await readFile(join(target, 'package.json'), 'utf8')).description).toBe('The alt flavour');
  });

  it('records template, versions, answers and a hash of every file', async () => {
    const { root, out } = await setup();
    const target = join(out, 'rec');
    await render(root, {
      name: 'rec',
      targetDir: target,
      answers: { provider: 'alt' },
      description: 'Mine',
      now: new Date('2026-01-02T03:04:05Z'),
    });
    const record = await readRecord(target);
    expect(record).toMatchObject({
      template: 'demo',
      templateVersion: '1.2.3',
      factoryVersion: '7.7.7',
      answers: { name: 'rec', provider: 'alt', description: 'Mine' },
      createdAt: '2026-01-02T03:04:05.000Z',
    });
    expect(Object.keys(record.files).sort()).toEqual([
      '.gitignore',
      'README.md',
      'package.json',
      'src/index.ts',
      'src/only-alt.ts',
    ]);
    expect(JSON.parse(await readFile(join(target, 'package.json'), 'utf8')).description).toBe('Mine');
  });

  it('refuses a non-empty target without force and leaves it untouched', async () => {
    const { root, out } = await setup();
    const target = join(out, 'busy');
    await mkdir(target, { recursive: true });
    await writeFile(join(target, 'notes.txt'), 'mine');
    await expect(render(root, { name: 'busy', targetDir: target })).rejects.toMatchObject({ code: 'TARGET_NOT_EMPTY' });
    expect(await readdir(target)).toEqual(['notes.txt']);
    expect((await readdir(out)).filter((entry) => entry.includes('rendering'))).toEqual([]);
  });

  it('writes into a non-empty target with force, keeping unrelated files', async () => {
    const { root, out } = await setup();
    const target = join(out, 'busy');
    await mkdir(target, { recursive: true });
    await writeFile(join(target, 'notes.txt'), 'mine');
    await render(root, { name: 'busy', targetDir: target, force: true });
    expect(await readFile(join(target, 'notes.txt'), 'utf8')).toBe('mine');
    expect(await readFile(join(target, 'README.md'), 'utf8')).toContain('busy');
  });

  it('refuses a target that is a file', async () => {
    const { root, out } = await setup();
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'file'), 'x');
    await expect(render(root, { name: 'file', targetDir: join(out, 'file') })).rejects.toMatchObject({
      code: 'TARGET_NOT_DIRECTORY',
    });
  });

  it('validates the name and answers before writing anything', async () => {
    const { root, out } = await setup();
    await expect(render(root, { name: '../up', targetDir: join(out, 'x') })).rejects.toBeInstanceOf(ScaffoldError);
    await expect(
      render(root, { name: 'ok', targetDir: join(out, 'x'), answers: { provider: 'nope' } }),
    ).rejects.toMatchObject({ code: 'INVALID_ANSWER' });
    await expect(stat(out)).rejects.toThrow();
  });

  it('vendors the runtime as a tarball and depends on it', async () => {
    const { root, out } = await setup();
    const target = join(out, 'vendored');
    const result = await renderProject({
      template: await findTemplate('demo', root),
      name: 'vendored',
      targetDir: target,
      factoryVersion: '1.0.0',
    });
    expect(result.runtimeSpec).toMatch(/^file:vendor\/mcp-factory-runtime-\d+\.\d+\.\d+\.tgz$/);
    const tarball = result.runtimeSpec.slice('file:'.length);
    expect((await stat(join(target, tarball))).size).toBeGreaterThan(10_000);
    expect(JSON.parse(await readFile(join(target, 'package.json'), 'utf8')).dependencies['@mcp-factory/runtime']).toBe(
      result.runtimeSpec,
    );
  });
});
