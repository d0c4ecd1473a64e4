import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, expect, test } from 'vitest';

import { defineTool } from '../define.js';
import { runtimeHealth } from '../observability/health.js';
import { createServer } from '../server.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'journal-readiness-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const echo = defineTool({ name: 'echo', description: 'Answers ok', run: () => 'ok' });

test('an app with a journal registers a readiness check, removed again when the app closes', async () => {
  const journalDir = join(dir, 'journal');
  const app = createServer({ name: 'r', version: '1', tools: [echo], journal: { dir: journalDir }, metrics: false });
  const name = `journal:${journalDir}`;
  expect((await runtimeHealth().check()).checks[name]).toEqual({ ready: true });
  await app.close();
  expect((await runtimeHealth().check()).checks[name]).toBeUndefined();
});

test('an app without a journal registers none', async () => {
  const before = Object.keys((await runtimeHealth().check()).checks);
  const app = createServer({ name: 'r', version: '1', tools: [echo], journal: false, metrics: false });
  expect(Object.keys((await runtimeHealth().check()).checks)).toEqual(before);
  await app.close();
});
