import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { ScaffoldError } from './errors.js';
import { defaultTemplatesRoot, findTemplate, listTemplates, loadTemplate, resolveAnswers } from './templates.js';
import { makeTemplatesRoot } from './__fixtures__/templates.js';

const roots: string[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});
async function root(overrides?: Parameters<typeof makeTemplatesRoot>[0]): Promise<string> {
  const dir = await makeTemplatesRoot(overrides);
  roots.push(dir);
  return dir;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ScaffoldError);
    return (error as ScaffoldError).code;
  }
  throw new Error('expected a ScaffoldError');
}

describe('loadTemplate', () => {
  it('reads the manifest, its options and presets', async () => {
    const template = await loadTemplate(join(await root(), 'demo'));
    expect(template).toMatchObject({ name: 'demo', version: '1.2.3', token: 'tpl-demo', presetOption: 'provider' });
    expect(template.options).toEqual([
      { name: 'provider', message: 'Which?', default: 'base', choices: { base: 'The base', alt: 'The alternative' } },
    ]);
    expect([...template.presets.keys()]).toEqual(['alt']);
    expect(template.presets.get('alt')?.remove).toEqual(['src/only-base.ts']);
  });

  it('refuses a preset path that escapes the template', async () => {
    const dir = await root({ files: { 'presets/alt/preset.json': JSON.stringify({ remove: ['../../etc/passwd'] }) } });
    await expect(codeOf(loadTemplate(join(dir, 'demo')))).resolves.toBe('INVALID_MANIFEST');
  });

  it('refuses a default that is not a choice', async () => {
    const dir = await root({
      manifest: { options: { provider: { message: 'x', default: 'nope', choices: { base: 'b' } } } },
    });
    await expect(loadTemplate(join(dir, 'demo'))).rejects.toThrow(/default "nope" is not one of its choices/);
  });

  it('refuses a missing preset', async () => {
    const dir = await root({
      manifest: { options: { provider: { message: 'x', default: 'base', choices: { base: 'b', ghost: 'g' } } } },
    });
    await expect(loadTemplate(join(dir, 'demo'))).rejects.toThrow(/presets\/ghost\/preset\.json/);
  });

  it('names the file and field of a malformed manifest', async () => {
    const dir = await root();
    await writeFile(join(dir, 'demo', 'template.json'), JSON.stringify({ name: 'Bad Name', version: 'one' }));
    await expect(loadTemplate(join(dir, 'demo'))).rejects.toThrow(
      /template\.json: name: .*version: must be a semver version/s,
    );
  });

  it('reports invalid JSON as INVALID_MANIFEST', async () => {
    const dir = await root();
    await writeFile(join(dir, 'demo', 'template.json'), '{ not json');
    await expect(codeOf(loadTemplate(join(dir, 'demo')))).resolves.toBe('INVALID_MANIFEST');
  });
});

describe('findTemplate', () => {
  it('names the available templates when the name is unknown', async () => {
    await expect(findTemplate('nope', await root())).rejects.toThrow('Unknown template "nope". Available: demo.');
  });

  it("finds the repository's own templates", async () => {
    const names = (await listTemplates(defaultTemplatesRoot())).map((template) => template.name);
    expect(names).toContain('api');
  });
});

describe('resolveAnswers', () => {
  it('fills defaults', async () => {
    const template = await findTemplate('demo', await root());
    expect(resolveAnswers(template, {})).toEqual({ provider: 'base' });
  });

  it('refuses a value outside the choices, listing them', async () => {
    const template = await findTemplate('demo', await root());
    expect(() => resolveAnswers(template, { provider: 'zzz' })).toThrow(
      'Invalid provider "zzz" for template "demo". Choose one of: base, alt.',
    );
  });

  it('refuses an unknown option', async () => {
    const template = await findTemplate('demo', await root());
    expect(() => resolveAnswers(template, { colour: 'red' })).toThrow(/has no option "colour" \(it has: provider\)/);
  });
});
