// Without --config and without a .mcp.json in its folder, the gateway serves the servers of the
// mcp-factory registry, resolved the way `mcp-factory run` resolves them.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import type { StdioConnection } from '@mcp-factory/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runCommand } from '../helpers/index.js';
import { CLI, FIXTURE, callJson, startGateway, tempDir, textOf } from './helpers.js';

describe('gateway over the registry', () => {
  let gw: StdioConnection;
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('gateway-registry');
    await mkdir(join(dir, 'state'), { recursive: true });
    const env = { PATH: process.env.PATH, HOME: dir, MCP_FACTORY_STATE_HOME: join(dir, 'state') };
    for (const name of ['alpha', '@acme/beta']) {
      const added = await runCommand(
        process.execPath,
        [CLI, 'add', name, '--env', 'FIXTURE_NAME', '--', process.execPath, FIXTURE],
        { cwd: dir, env, timeoutMs: 60_000 },
      );
      expect(added.code, added.stderr).toBe(0);
    }
    gw = await startGateway(dir, [], { HOME: dir, FIXTURE_NAME: 'from-env' });
  });
  afterAll(async () => gw?.close());

  it('lists the registered servers under folder-safe names', async () => {
    const { servers } = await callJson(gw.client, 'list_servers');
    expect(servers.map((server) => server.name).sort()).toEqual(['acme.beta', 'alpha']);
  });

  it('calls a registered server with its declared variable taken from the environment', async () => {
    const result = await gw.client.callTool({
      name: 'call_tool',
      arguments: { server: 'acme.beta', tool: 'echo', arguments: { text: 'hi' } },
    });
    expect(textOf(result)).toBe('from-env: hi');
    expect(textOf(await gw.client.callTool({ name: 'list_servers', arguments: {} }))).toMatch(/"state":"running"/);
  });
});
