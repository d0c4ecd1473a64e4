// The gateway spawns its servers in its own session (not detached, see
// packages/gateway/src/dev/process-tree.ts), so stopping one kills its process tree: a server run
// through a wrapper (the way `npx` runs one) leaves no process behind when the gateway exits, stops
// it for idleness, or unloads it. When the wrapper crashes by itself, what it started is found by
// the gateway's own environment marker (packages/gateway/src/dev/tree-marker.ts) and stopped too.
// Processes are counted by a marker of the test's in the server's environment, which its children
// inherit.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
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

/** The wrapper among `pids` (the one running wrapper-server.mjs), to make it crash. */
async function wrapperOf(pids: readonly number[]): Promise<number> {
  for (const pid of pids) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'latin1').catch(() => '');
    if (cmdline.includes('wrapper-server.mjs')) return pid;
  }
  throw new Error(`no wrapper among ${pids.join(', ')}`);
}

/**
 * Crashes the wrapper of the tree marked `marker`, waits until none of that tree is left, then until
 * the gateway restarted it (a whole new tree: the restart follows a backoff, and a call made before
 * the gateway noticed the crash may fail, as with any crash).
 */
async function crashAndWaitForNoOrphans(marker: string): Promise<void> {
  const before = await processesWithMarker(marker);
  expect(before).toHaveLength(TREE);
  // SIGUSR2 makes the wrapper exit at once by itself (code 70): its server and helper are orphaned.
  process.kill(await wrapperOf(before), 'SIGUSR2');
  await eventually(
    async () => {
      const now = await processesWithMarker(marker);
      return before.every((pid) => !now.includes(pid));
    },
    'nothing of the crashed tree left within 5 s',
    5_000,
  );
  await eventually(async () => {
    const now = await processesWithMarker(marker);
    return now.length === TREE && now.every((pid) => !before.includes(pid));
  }, 'a new tree started');
}

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

  // The same call, made the way each mode exposes the server's tool.
  const shoutVia = {
    direct: { args: ['--expose', 'direct'], name: 'shout', wrap: (args: Record<string, unknown>) => args },
    meta: {
      args: [],
      name: 'call_tool',
      wrap: (args: Record<string, unknown>) => ({ server: 'wrapped', tool: 'shout', arguments: args }),
    },
  } as const;

  it.each(['direct', 'meta'] as const)(
    'stops what a server that crashed by itself started, and serves on from a new one (%s mode)',
    async (mode) => {
      const { dir, config, marker } = await wrapped();
      const via = shoutVia[mode];
      const connection = await startGateway(dir, ['--config', config, ...via.args, '--idle-ms', '0']);
      gw = connection;
      const call = async (words: string): Promise<string> =>
        textOf(await connection.client.callTool({ name: via.name, arguments: via.wrap({ words }) }));
      expect(await call('a')).toBe('A');
      await crashAndWaitForNoOrphans(marker);
      expect(await call('b')).toBe('B');
      expect(await processesWithMarker(marker)).toHaveLength(TREE);
      await connection.close();
      gw = undefined;
      await eventually(async () => (await processesWithMarker(marker)).length === 0, 'no process left');
    },
  );
});
