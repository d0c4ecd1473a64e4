// `gateway --expose direct` over stdio is a frame relay (no SDK round per message): real gateway
// and server subprocesses, the official SDK client. What the client sees must be the server's own
// handshake (serverInfo, instructions), with the gateway's allow/deny lists applied, progress and
// cancellation carried both ways, a crash answered and recovered from, and each call journaled
// under the downstream's name.
import { join } from 'node:path';

import { readJournal, relayTarget, type JournalRecord } from '@mcp-factory/runtime';
import type { StdioConnection } from '@mcp-factory/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  callWithProgress,
  cancelAtServer,
  eventually,
  gatewayDir,
  relayMarks,
  REPO,
  startGateway,
  textOf,
} from './helpers.js';

const RELAY = join(REPO, 'test', 'gateway', 'fixtures', 'relay-server.mjs');

describe('gateway --expose direct over stdio (passthrough)', () => {
  let gw: StdioConnection;
  let dir: string;
  let cancelFile: string;
  const logs: string[] = [];
  beforeAll(async () => {
    const made = await gatewayDir({});
    dir = made.dir;
    cancelFile = join(dir, 'cancelled.txt');
    const { config } = await gatewayDir({
      relay: { command: process.execPath, args: [RELAY], env: { RELAY_CANCEL_FILE: cancelFile } },
    });
    gw = await startGateway(
      dir,
      ['--config', config, '--expose', 'direct', '--deny-tool', 'relay/secret_tool', '--idle-ms', '0'],
      { MCP_JOURNAL_DIR: join(dir, 'journal') },
    );
    gw.client.setNotificationHandler('notifications/message', (notification) => {
      logs.push(String(notification.params.data));
    });
  });
  afterAll(async () => gw?.close());

  it("relays the server's own serverInfo and instructions", () => {
    expect(gw.client.getServerVersion()).toMatchObject({ name: 'relay-fixture', version: '2.5.0' });
    expect(gw.client.getInstructions()).toBe('Relay fixture: call echo first.');
  });

  it('lists and calls the tools unrenamed, without the denied one', async () => {
    const { tools } = await gw.client.listTools();
    const names = tools.map((tool) => tool.name);
    expect(names).toContain('echo');
    expect(names).not.toContain('secret_tool');
    expect(textOf(await gw.client.callTool({ name: 'echo', arguments: { text: 'hi' } }))).toBe('echo: hi');
  });

  it('refuses a call to a denied tool, naming the lists', async () => {
    await expect(gw.client.callTool({ name: 'secret_tool', arguments: {} })).rejects.toThrow(
      /allow\/deny lists exclude "relay\/secret_tool"/,
    );
  });

  it('carries progress notifications to the caller', async () => {
    expect(await callWithProgress(gw.client, 'progress', { steps: 3 })).toEqual({
      text: '3 steps',
      progress: [1, 2, 3],
    });
  });

  it('carries a cancellation to the server', async () => {
    await cancelAtServer(cancelFile, 'first-cancel', (signal) =>
      gw.client.callTool({ name: 'wait_for_cancel', arguments: { marker: 'first-cancel' } }, { signal }),
    );
  });

  it('answers a call in flight when the server crashes, restarts it and keeps the session', async () => {
    const before = JSON.parse(textOf(await gw.client.callTool({ name: 'pid', arguments: {} }))) as { pid: number };
    const inFlight = gw.client.callTool({ name: 'slow', arguments: { ms: 10_000 } });
    expect(textOf(await gw.client.callTool({ name: 'crash_soon', arguments: {} }))).toBe('crashing');
    await expect(inFlight).rejects.toThrow(/server "relay" exited .* before answering; retry/);
    await eventually(async () => logs.some((line) => line === 'server "relay" restarted'), 'restart announced');
    // The restarted server got the client's initialize replayed: the same session goes on.
    const after = JSON.parse(textOf(await gw.client.callTool({ name: 'pid', arguments: {} }))) as { pid: number };
    expect(after.pid).not.toBe(before.pid);
    expect(logs.some((line) => /server "relay" exited \(code 1\); restarting in \d+ ms/.test(line))).toBe(true);
  });

  it('journals each call under the tool and the downstream that served it', async () => {
    await gw.client.callTool({ name: 'echo', arguments: { text: 'journal me' } });
    let record: JournalRecord | undefined;
    for (let attempt = 0; attempt < 50 && record === undefined; attempt += 1) {
      const records = [];
      for await (const item of readJournal(join(dir, 'journal'))) records.push(item);
      record = records.find((r) => JSON.stringify(r.args).includes('journal me'));
      if (record === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(record).toMatchObject({ method: 'tools/call', name: 'echo', status: 'ok' });
    expect(record?.exchanges?.[0]).toMatchObject({ upstream: 'relay', url: 'mcp://relay/echo', status: 200 });
    // What `mcp-factory logs --server/--tool` read back from it.
    expect(relayTarget(record!)).toEqual({ server: 'relay', name: 'echo' });
    const records = [];
    for await (const item of readJournal(join(dir, 'journal'))) records.push(item);
    const cancelled = records.find((r) => r.name === 'wait_for_cancel');
    expect(cancelled).toMatchObject({ status: 'error', error: { code: 'CANCELLED' } });
  });
});

describe('gateway --expose direct over stdio: idle stop', () => {
  let gw: StdioConnection;
  const logs: string[] = [];
  beforeAll(async () => {
    const { dir, config } = await gatewayDir({ relay: { command: process.execPath, args: [RELAY] } });
    gw = await startGateway(dir, ['--config', config, '--expose', 'direct', '--idle-ms', '300']);
    gw.client.setNotificationHandler('notifications/message', (notification) => {
      logs.push(String(notification.params.data));
    });
  });
  afterAll(async () => gw?.close());

  it('stops an idle server and starts it again, session intact, on the next call', async () => {
    const first = JSON.parse(textOf(await gw.client.callTool({ name: 'pid', arguments: {} }))) as { pid: number };
    await eventually(
      async () => logs.some((line) => /server "relay" idle for 300 ms; stopped/.test(line)),
      'idle stop',
    );
    const second = JSON.parse(textOf(await gw.client.callTool({ name: 'pid', arguments: {} }))) as { pid: number };
    expect(second.pid).not.toBe(first.pid);
    expect(textOf(await gw.client.callTool({ name: 'echo', arguments: { text: 'still here' } }))).toBe(
      'echo: still here',
    );
  });
});

describe('gateway --expose direct over stdio: request deadline', () => {
  let gw: StdioConnection;
  let cancelFile: string;
  beforeAll(async () => {
    const box = await gatewayDir({});
    cancelFile = join(box.dir, 'cancelled.txt');
    const { dir, config } = await gatewayDir({
      relay: { command: process.execPath, args: [RELAY], env: { RELAY_CANCEL_FILE: cancelFile } },
    });
    gw = await startGateway(dir, ['--config', config, '--expose', 'direct', '--timeout-ms', '1500']);
  });
  afterAll(async () => gw?.close());

  it('answers a call past --timeout-ms with -32001 and cancels it at the server; the session goes on', async () => {
    await expect(
      gw.client.callTool({ name: 'wait_for_cancel', arguments: { marker: 'deadline' } }, { timeout: 20_000 }),
    ).rejects.toMatchObject({
      code: -32001,
      message: expect.stringContaining('did not answer tools/call wait_for_cancel within 1500 ms'),
    });
    await eventually(
      async () => (await relayMarks(cancelFile)).includes('cancelled deadline'),
      'cancellation at the server',
    );
    expect(textOf(await gw.client.callTool({ name: 'echo', arguments: { text: 'after' } }))).toBe('echo: after');
  });
});
