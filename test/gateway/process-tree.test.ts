// The gateway spawns its servers in its own session (not detached, see
// packages/gateway/src/dev/process-tree.ts), so stopping one kills its process tree: a server run
// through a wrapper (the way `npx` runs one) leaves no process behind when the gateway exits, stops
// it for idleness, or unloads it. Processes are counted by a marker in the server's environment,
// which its children inherit.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { processesWithMarker } from '../dev/helpers.js';
import { callJson, eventually, gatewayDir, REPO, startGateway, textOf } from './helpers.js';
import type { StdioConnection } from '@mcp-factory/runtime/testing';

const WRAPPER = join(REPO, 'test', 'gateway', 'fixtures', 'wrapper-server.mjs');

async function wrapped(): Promise<{ dir: string; config: string; marker: string }> {
  const marker = `MCP_FACTORY_TREE_TEST=${randomUUID()}`;
  const [key, value] = marker.split('=') as [string, string];
  const { dir, config } = await gatewayDir({
    wrapped: { command: process.execPath, args: [WRAPPER], env: { [key]: value } },
  });
  return { dir, config, marker };
}

/** The wrapper, the server it runs and its helper. */
const TREE = 3;

describe('gateway: no orphans from a server that starts processes of its own', () => {
  let gw: StdioConnection | undefined;
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
  });

  it('kills the whole tree when the gateway exits (direct mode)', async () => {
    const { dir, config, marker } = await wrapped();
    gw = await startGateway(dir, ['--config', config, '--expose', 'direct', '--idle-ms', '0']);
    expect(textOf(await gw.client.callTool({ name: 'shout', arguments: { words: 'hi' } }))).toBe('HI');
    expect(await processesWithMarker(marker)).toHaveLength(TREE);
    await gw.close();
    gw = undefined;
    await eventually(async () => (await processesWithMarker(marker)).length === 0, 'no process left');
  });

  it('kills the whole tree on an idle stop while the gateway keeps running (direct mode)', async () => {
    const { dir, config, marker } = await wrapped();
    gw = await startGateway(dir, ['--config', config, '--expose', 'direct', '--idle-ms', '300']);
    expect(textOf(await gw.client.callTool({ name: 'shout', arguments: { words: 'a' } }))).toBe('A');
    expect(await processesWithMarker(marker)).toHaveLength(TREE);
    await eventually(async () => (await processesWithMarker(marker)).length === 0, 'idle stop left nothing');
    expect(textOf(await gw.client.callTool({ name: 'shout', arguments: { words: 'b' } }))).toBe('B');
    expect(await processesWithMarker(marker)).toHaveLength(TREE);
  });

  it('kills the whole tree on unload_server (meta mode)', async () => {
    const { dir, config, marker } = await wrapped();
    gw = await startGateway(dir, ['--config', config, '--idle-ms', '0']);
    const called = await gw.client.callTool({
      name: 'call_tool',
      arguments: { server: 'wrapped', tool: 'shout', arguments: { words: 'hi' } },
    });
    expect(textOf(called)).toBe('HI');
    expect(await processesWithMarker(marker)).toHaveLength(TREE);
    await callJson(gw.client, 'unload_server', { name: 'wrapped' });
    await eventually(async () => (await processesWithMarker(marker)).length === 0, 'unload left nothing');
  });
});
