// End-to-end over stdio: spawn the built server and talk to it with the official client, as a
// 2025-era client (server→client requests, resources/subscribe) and a 2026-07-28 client
// (multi-round-trip input, subscriptions/listen).
import { spawn } from 'node:child_process';

import { connectStdio, type ConnectOptions } from '@mcp-factory/runtime/testing';
import { describe, expect, it } from 'vitest';

import { answerServerRequests, BIN, CAPABILITIES, eventually, firstText } from './helpers.js';

describe.each<{ label: string; options: ConnectOptions }>([
  { label: '2025-11-25', options: { protocolVersion: '2025-11-25' } },
  { label: '2026-07-28', options: { era: 'modern' } },
])('stdio, protocol $label', ({ options }) => {
  it('serves tools, sampling, elicitation and resource subscriptions', async () => {
    const connection = await connectStdio(process.execPath, [BIN], { ...options, capabilities: CAPABILITIES });
    try {
      const { updates } = answerServerRequests(connection);
      const { client } = connection;
      const { tools } = await client.listTools();
      expect(tools).toHaveLength(17);

      expect(
        firstText(await client.callTool({ name: 'test_sampling', arguments: { prompt: 'Capital of France?' } })),
      ).toBe('LLM response: Paris.');
      expect(firstText(await client.callTool({ name: 'test_elicitation', arguments: { message: 'Who?' } }))).toMatch(
        /^User response: action=accept/,
      );

      const uri = 'test://watched-resource';
      if (options.era === 'modern') await client.listen({ resourceSubscriptions: [uri] });
      else await client.subscribeResource({ uri });
      await client.callTool({ name: 'test_update_watched_resource', arguments: {} });
      await eventually(() => updates.length === 1);
      expect(updates).toEqual([uri]);
    } finally {
      await connection.close();
    }
    expect(connection.stderr()).toContain('"msg":"server started"');
  });
});

describe('stdio framing', () => {
  it('writes only JSON-RPC to stdout and exits cleanly on stdin EOF', async () => {
    const child = spawn(process.execPath, [BIN], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const send = (message: unknown): boolean => child.stdin.write(`${JSON.stringify(message)}\n`);
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'test_simple_text', arguments: {} } });
    child.stdin.end();
    expect(await exited).toBe(0);
    const messages = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { jsonrpc: string; id: number; result?: { content?: unknown } });
    expect(messages.every((message) => message.jsonrpc === '2.0')).toBe(true);
    expect(messages.map((message) => message.id)).toEqual([1, 2]);
    expect(firstText(messages[1]!.result!)).toBe('This is a simple text response for testing.');
  });
});
