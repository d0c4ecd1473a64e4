// The registry against a factory template nobody edited: the api template, built as a user builds
// it, registered by hand with its variables declared (never their values), inspected, called over
// its fake upstream (the provider's wire format on loopback) and exported.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

import type { FakeUpstream } from '@mcp-factory/runtime/fake';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FAKE_API_KEY, startFakeApi } from '../../templates/api/fake/upstream.js';
import { buildServer, type BuiltServer } from '../conformance/helpers.js';
import { REPO } from '../helpers/index.js';
import { sandbox, show, type Sandbox } from './helpers.js';

describe('templates/api in the registry', () => {
  let built: BuiltServer;
  let fake: FakeUpstream;
  let box: Sandbox;
  let upstreamEnv: NodeJS.ProcessEnv;
  beforeAll(async () => {
    built = await buildServer(join(REPO, 'templates', 'api'));
    fake = await startFakeApi();
    box = await sandbox('registry-api');
    upstreamEnv = { API_BASE_URL: fake.url, API_KEY: FAKE_API_KEY };
    const added = await box.cli([
      'add',
      'api',
      '--env',
      'API_BASE_URL',
      '--secret',
      'API_KEY',
      '--',
      process.execPath,
      built.bin,
    ]);
    expect(added.code, show(added)).toBe(0);
  }, 300_000);
  afterAll(async () => {
    await fake?.close();
    await built?.remove();
    if (box !== undefined) await rm(box.root, { recursive: true, force: true });
  });

  it('inspects it and shows its tools, config names and token size, never the key', async () => {
    const inspected = await box.cli(['inspect', 'api'], upstreamEnv);
    expect(inspected.code, show(inspected)).toBe(0);
    const info = await box.cli(['info', 'api', '--json']);
    expect(info.code, show(info)).toBe(0);
    expect(info.stdout).not.toContain(FAKE_API_KEY);
    const entry = JSON.parse(info.stdout) as {
      config: { name: string; required: boolean }[];
      cache?: { tools: { name: string }[]; toolsTokens: number };
    };
    expect(entry.config.map((item) => [item.name, item.required])).toEqual(
      expect.arrayContaining([
        ['API_BASE_URL', false],
        ['API_KEY', true],
      ]),
    );
    expect(entry.cache?.tools.map((tool) => tool.name)).toContain('search_items');
    expect(entry.cache?.toolsTokens).toBeGreaterThan(0);
  });

  it('calls a tool through the fake upstream; without the key the call fails and says why', async () => {
    const called = await box.cli(['call', 'api', 'search_items', '--arg', 'query=red'], upstreamEnv);
    expect(called.code, show(called)).toBe(0);
    expect(called.stdout.toLowerCase()).toContain('red');
    const missing = await box.cli(['call', 'api', 'search_items', '--arg', 'query=red'], {
      API_BASE_URL: fake.url,
    });
    expect(missing.code, show(missing)).toBe(1);
    expect(`${missing.stdout}${missing.stderr}`).toMatch(/API_KEY/);
  });

  it('exports it to Claude Code with a variable reference for the secret', async () => {
    const exported = await box.cli(['export', 'api', '--to', 'claude-code']);
    expect(exported.code, show(exported)).toBe(0);
    expect(exported.stdout).toContain('${API_KEY}');
    expect(exported.stdout).not.toContain(FAKE_API_KEY);
  });
});
