// `mcp-factory test <name>`: a server registered in the registry is tested by its name, started
// the way the registry resolves it (its declared variables from the environment plus the base one).
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sandbox, show, type Sandbox } from '../registry/helpers.js';
import { idsWith, problems, result, runTest, type TestRun } from './helpers.js';

const require = createRequire(import.meta.url);
const MEMORY = require.resolve('@modelcontextprotocol/server-memory/dist/index.js');

describe('mcp-factory test <registered name>', () => {
  let box: Sandbox;
  let run: TestRun;
  beforeAll(async () => {
    box = await sandbox('test-by-name');
    const added = await box.cli(['add', 'memory', '--env', 'MEMORY_FILE_PATH', '--', process.execPath, MEMORY]);
    expect(added.code, show(added)).toBe(0);
    run = await runTest(['memory'], { ...box.env, MEMORY_FILE_PATH: join(box.root, 'memory.jsonl') });
  });
  afterAll(() => rm(box.root, { recursive: true, force: true }));

  it('resolves the name and reports on the server it started', () => {
    expect(run.stderr).not.toMatch(/unexpected failure/);
    expect(result(run.report, 'lifecycle.initialize')).toMatchObject({ status: 'pass' });
    expect(idsWith(run.report, 'fail'), problems(run)).toEqual(['errors.invalid-request', 'errors.parse-error']);
    expect(run.code).toBe(1);
  });

  it('an unknown name is a usage error naming the known servers', async () => {
    const unknown = await box.cli(['test', 'nope']);
    expect(unknown.code, show(unknown)).toBe(2);
    expect(unknown.stderr).toMatch(/no server called "nope".*known: memory/s);
  });
});
