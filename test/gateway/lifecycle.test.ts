// Downstream lifecycle through the gateway: idle stop and lazy restart, crash restart with backoff
// (announced in a log notification), a server that cannot start and a slow one failing only their
// own calls, with a clear error, while the others keep serving.
import { join } from 'node:path';

import type { StdioConnection } from '@mcp-factory/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { tempDir } from '../helpers/index.js';
import {
  callJson,
  cancelAtServer,
  eventually,
  type ServerRow,
  fixtureEntry,
  gatewayDir,
  REPO,
  relayMarks,
  startGateway,
  textOf,
} from './helpers.js';

const RELAY = join(REPO, 'test', 'gateway', 'fixtures', 'relay-server.mjs');

async function stateOf(gw: StdioConnection, name: string): Promise<ServerRow> {
  const { servers } = await callJson(gw.client, 'list_servers');
  const row = servers.find((s) => s.name === name);
  if (row === undefined) throw new Error(`no server ${name}`);
  return row;
}

describe('downstream lifecycle', () => {
  let gw: StdioConnection;
  const logs: string[] = [];
  let cancelFile: string;
  beforeAll(async () => {
    const markers = await tempDir('gateway-crash-once');
    cancelFile = join(markers, 'cancelled.txt');
    const { dir } = await gatewayDir({
      steady: fixtureEntry('steady'),
      idle: fixtureEntry('idle'),
      fragile: fixtureEntry('fragile'),
      broken: fixtureEntry('broken', { FIXTURE_FAIL_START: '1' }),
      once: fixtureEntry('once', { FIXTURE_CRASH_ONCE_DIR: markers }),
      waiter: { command: process.execPath, args: [RELAY], env: { RELAY_CANCEL_FILE: cancelFile } },
    });
    gw = await startGateway(dir, ['--idle-ms', '400', '--timeout-ms', '1500']);
    gw.client.setNotificationHandler('notifications/message', (notification) => {
      logs.push(String(notification.params.data));
    });
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- how a 2025-era client asks for log notifications
    await gw.client.setLoggingLevel('info');
  });
  afterAll(async () => gw?.close());

  it('stops a server after its idle timeout and starts it again on the next call', async () => {
    const first = await callJson(gw.client, 'call_tool', { server: 'idle', tool: 'pid' });
    await eventually(async () => (await stateOf(gw, 'idle')).state === 'stopped', 'idle server stopped');
    expect(logs.some((line) => /server "idle" idle for 400 ms; stopped/.test(line))).toBe(true);
    const second = await callJson(gw.client, 'call_tool', { server: 'idle', tool: 'pid' });
    expect(second.pid).not.toBe(first.pid);
    expect((await stateOf(gw, 'idle')).restarts).toBe(0);
  });

  it('restarts a crashed server with backoff, says so, and serves it again', async () => {
    const before = await callJson(gw.client, 'call_tool', { server: 'fragile', tool: 'pid' });
    const crash = await gw.client.callTool({ name: 'call_tool', arguments: { server: 'fragile', tool: 'crash' } });
    expect(crash.isError).toBe(true);
    expect(textOf(crash)).toMatch(/fragile/);
    await eventually(
      async () => logs.some((line) => /server "fragile" crashed; restarting in \d+ ms/.test(line)),
      'crash announced',
    );
    await eventually(async () => logs.some((line) => line === 'server "fragile" restarted'), 'restart announced');
    const after = await callJson(gw.client, 'call_tool', { server: 'fragile', tool: 'pid' });
    expect(after.pid).not.toBe(before.pid);
    expect((await stateOf(gw, 'fragile')).restarts).toBe(1);
  });

  it('calls a read-only tool again on the restarted server when its server exits mid-call, and no other', async () => {
    const before = await callJson(gw.client, 'call_tool', { server: 'once', tool: 'pid' });
    // Annotated readOnlyHint: the call that took the server down is run again on the new one.
    const read = await callJson(gw.client, 'call_tool', { server: 'once', tool: 'read_crashing_once' });
    expect(read.pid).not.toBe(before.pid);
    // Not annotated: it may have acted before the exit, so it fails, once, and is not repeated.
    const write = await gw.client.callTool({
      name: 'call_tool',
      arguments: { server: 'once', tool: 'write_crashing_once' },
    });
    expect(write.isError).toBe(true);
    expect(textOf(write)).toMatch(/server "once" went away during tools\/call write_crashing_once/);
    const again = await callJson(gw.client, 'call_tool', { server: 'once', tool: 'write_crashing_once' });
    expect(again.pid).not.toBe(read.pid);
    expect((await stateOf(gw, 'once')).restarts).toBe(2);
  });

  it('fails calls to a server that cannot start with a clear error pointing at its log', async () => {
    const result = await gw.client.callTool({
      name: 'call_tool',
      arguments: { server: 'broken', tool: 'echo', arguments: { text: 'x' } },
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/server "broken" failed to start: .*\(stderr in .*broken\.log\)/);
    const steady = await gw.client.callTool({
      name: 'call_tool',
      arguments: { server: 'steady', tool: 'echo', arguments: { text: 'ok' } },
    });
    expect(textOf(steady)).toBe('steady: ok');
  });

  it('fails a call that outlives its deadline while other servers keep answering', async () => {
    const slow = gw.client.callTool({
      name: 'call_tool',
      arguments: { server: 'steady', tool: 'slow', arguments: { ms: 10_000 } },
    });
    const other = await gw.client.callTool({
      name: 'call_tool',
      arguments: { server: 'idle', tool: 'echo', arguments: { text: 'meanwhile' } },
    });
    expect(textOf(other)).toBe('idle: meanwhile');
    const result = await slow;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/server "steady" did not answer tools\/call slow within 1500 ms/);
    const again = await gw.client.callTool({
      name: 'call_tool',
      arguments: { server: 'steady', tool: 'echo', arguments: { text: 'still here' } },
    });
    expect(textOf(again)).toBe('steady: still here');
  });

  it('cancels a call at the server once its deadline passed', async () => {
    const result = await gw.client.callTool({
      name: 'call_tool',
      arguments: { server: 'waiter', tool: 'wait_for_cancel', arguments: { marker: 'past-deadline' } },
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/server "waiter" did not answer tools\/call wait_for_cancel within \d+ ms/);
    await eventually(
      async () => (await relayMarks(cancelFile)).includes('cancelled past-deadline'),
      'the server saw notifications/cancelled',
    );
  });

  it("passes a client's cancellation on to the server", async () => {
    await cancelAtServer(cancelFile, 'by-client', (signal) =>
      gw.client.callTool(
        {
          name: 'call_tool',
          arguments: { server: 'waiter', tool: 'wait_for_cancel', arguments: { marker: 'by-client' } },
        },
        { signal },
      ),
    );
    const after = await gw.client.callTool({
      name: 'call_tool',
      arguments: { server: 'waiter', tool: 'echo', arguments: { text: 'still serving' } },
    });
    expect(textOf(after)).toBe('echo: still serving');
  });

  it('search still answers when one server is down, naming it', async () => {
    const result = await callJson(gw.client, 'search_tools', { query: 'echo text back' });
    expect(result.matches.length).toBeGreaterThan(0);
    expect((result.unavailable ?? []).join('\n')).toMatch(/broken: server "broken" failed to start/);
  });
});
