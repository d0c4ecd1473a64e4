/**
 * Generates a project with the real CLI into a temporary folder, installs it from the npm cache and
 * runs its own test suite: what a user does right after `mcp-factory new`.
 *
 * @module
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { expect } from 'vitest';

import { CLI, runCommand, tail, tempDir } from '../helpers/index.js';

/** Generates `template` (with `provider`, if any), installs and tests it; removes it on success. */
export async function generateInstallAndTest(template: string, provider?: string): Promise<void> {
  const root = await tempDir(`gen-${template}`);
  const name = `gen-${template}${provider === undefined ? '' : `-${provider}`}`;
  const dir = join(root, name);
  const created = await runCommand(
    process.execPath,
    [
      CLI,
      'new',
      name,
      '--template',
      template,
      ...(provider === undefined ? [] : ['--provider', provider]),
      '--yes',
      '--dir',
      dir,
    ],
    { cwd: root },
  );
  expect(created.code, tail(created.stdout + created.stderr)).toBe(0);
  const record = JSON.parse(await readFile(join(dir, '.mcp-factory.json'), 'utf8')) as {
    template: string;
    answers: Record<string, string>;
  };
  expect(record.template).toBe(template);
  if (provider !== undefined) expect(record.answers.provider).toBe(provider);

  const install = await runCommand('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir });
  expect(install.code, tail(install.stdout + install.stderr)).toBe(0);
  const test = await runCommand('npm', ['test'], { cwd: dir, env: { ...process.env, CI: '1' } });
  expect(test.code, tail(test.stdout + test.stderr, 80)).toBe(0);
  expect(test.stdout + test.stderr).toMatch(/Tests\s+.*\d+ passed/);
  await rm(root, { recursive: true, force: true });
}
