// End-to-end over stdio: spawn the built server and talk to it with the official client.
import { spawn } from 'node:child_process';

import { defaultJournalDir, readJournal, type JournalRecord } from '@mcp-factory/runtime';
import type { FakeUpstream } from '@mcp-factory/runtime/fake';
import { connectStdio } from '@mcp-factory/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import pkg from '../../package.json' with { type: 'json' };
import { FAKE_API_KEY, startFakeApi } from '../../fake/upstream.js';
import { BIN } from './helpers.js';

let fake: FakeUpstream;
beforeAll(async () => {
  fake = await startFakeApi();
});
afterAll(() => fake.close());

async function journaled(dir: string): Promise<JournalRecord[]> {
  const records: JournalRecord[] = [];
  try {
    for await (const record of readJournal(dir)) records.push(record);
  } catch (error) {
    if ((error as { failure?: string }).failure !== 'not_found') throw error;
  }
  return records;
}

describe('stdio', () => {
  it('serves tools to the official client and keeps stdout for the protocol', async () => {
    const connection = await connectStdio(process.execPath, [BIN], {
      env: { API_BASE_URL: fake.url, API_KEY: FAKE_API_KEY },
    });
    try {
      const { tools } = await connection.client.listTools();
      expect(tools.length).toBe(3);
      const result = await connection.client.callTool({ name: 'get_item', arguments: { id: 'itm_3' } });
      expect(JSON.stringify(result.content)).toContain('Red wool scarf');
    } finally {
      await connection.close();
    }
    expect(connection.stderr()).toContain('"msg":"server started"');
  });

  it('journals every call by default, in its folder of the state directory, without the API key', async () => {
    const dir = defaultJournalDir(pkg.name);
    const before = await journaled(dir);
    const connection = await connectStdio(process.execPath, [BIN], {
      env: { API_BASE_URL: fake.url, API_KEY: FAKE_API_KEY },
    });
    try {
      await connection.client.callTool({ name: 'get_item', arguments: { id: 'itm_3' } });
    } finally {
      await connection.close();
    }
    const records = (await journaled(dir)).slice(before.length);
    expect(records.map((record) => [record.method, record.name, record.status])).toEqual([
      ['tools/call', 'get_item', 'ok'],
    ]);
    expect(records[0]?.exchanges?.length).toBeGreaterThan(0);
    expect(JSON.stringify(records)).not.toContain(FAKE_API_KEY);
  });

  it('answers raw frames with JSON-RPC only and exits cleanly on stdin EOF', async () => {
    const child = spawn(process.execPath, [BIN], {
      env: { ...process.env, API_BASE_URL: fake.url },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.stdin.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } })}\n`,
    );
    child.stdin.write('{not json\n');
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'no/such/method' })}\n`);
    child.stdin.end();
    expect(await exited).toBe(0);
    // Every stdout line is a JSON-RPC response; the parse error is answered before the others.
    const messages = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { jsonrpc: string; id: unknown; error?: { code: number } });
    expect(messages.every((message) => message.jsonrpc === '2.0')).toBe(true);
    expect(messages.map((message) => [message.id, message.error?.code])).toEqual(
      expect.arrayContaining([
        [1, undefined],
        [null, -32700],
        [2, -32601],
      ]),
    );
    expect(messages).toHaveLength(3);
  });
});
