import { Client, LATEST_PROTOCOL_VERSION, type JSONRPCMessage, type Transport } from '@modelcontextprotocol/client';
import { describe, expect, test } from 'vitest';

import { deliverProgressBeforeResults } from './progress-order.js';

/**
 * A server on the other end of a transport that hands the client a call's progress notifications
 * and its result in one synchronous burst, as the stdio transport does for one chunk read from the pipe.
 */
class BurstTransport implements Transport {
  onmessage?: Transport['onmessage'];
  onclose?: () => void;
  onerror?: (error: Error) => void;
  async start(): Promise<void> {}
  async close(): Promise<void> {
    this.onclose?.();
  }
  async send(message: JSONRPCMessage): Promise<void> {
    if (!('method' in message) || !('id' in message)) return;
    const deliver = (reply: JSONRPCMessage): void => this.onmessage?.(reply);
    if (message.method === 'initialize') {
      deliver({
        jsonrpc: '2.0',
        id: message.id,
        result: {
          protocolVersion: LATEST_PROTOCOL_VERSION,
          capabilities: { tools: {} },
          serverInfo: { name: 's', version: '1' },
        },
      });
      return;
    }
    const token = (message.params as { _meta?: { progressToken?: number } })._meta?.progressToken ?? 0;
    queueMicrotask(() => {
      for (const progress of [1, 2, 3])
        deliver({
          jsonrpc: '2.0',
          method: 'notifications/progress',
          params: { progressToken: token, progress, total: 3 },
        });
      deliver({ jsonrpc: '2.0', id: message.id, result: { content: [{ type: 'text', text: 'done' }] } });
      deliver({ jsonrpc: '2.0', id: 999, error: { code: -32600, message: 'stray' } });
    });
  }
}

async function callSeeingProgress(wrap: boolean): Promise<{ seen: number[]; errors: string[]; text: string }> {
  const client = new Client({ name: 't', version: '1' });
  const errors: string[] = [];
  client.onerror = (error) => errors.push(error.message);
  await client.connect(new BurstTransport());
  if (wrap) {
    deliverProgressBeforeResults(client);
    deliverProgressBeforeResults(client); // idempotent: one hop, not two
  }
  const seen: number[] = [];
  const result = await client.callTool(
    { name: 'x', arguments: {} },
    { onprogress: ({ progress }) => seen.push(progress) },
  );
  await new Promise((resolve) => setImmediate(resolve));
  await client.close();
  const text = (result.content as { text: string }[])[0]!.text;
  return { seen, errors, text };
}

describe('deliverProgressBeforeResults', () => {
  test('the plain SDK client loses progress read in the same burst as the result (typescript-sdk#2580)', async () => {
    const plain = await callSeeingProgress(false);
    expect(plain.text).toBe('done');
    expect(plain.seen).toEqual([]);
    expect(plain.errors.filter((message) => message.includes('unknown token'))).toHaveLength(3);
  });

  test('with it, every progress notification reaches onprogress before the result settles the call', async () => {
    const wrapped = await callSeeingProgress(true);
    expect(wrapped.text).toBe('done');
    expect(wrapped.seen).toEqual([1, 2, 3]);
    expect(wrapped.errors.filter((message) => message.includes('unknown token'))).toEqual([]);
    // A response for an unknown id is still reported, once (responses are delayed, not dropped or doubled).
    expect(wrapped.errors.filter((message) => message.includes('unknown message ID'))).toHaveLength(1);
  });

  test('leaves a protocol without a transport alone', () => {
    expect(() => deliverProgressBeforeResults({})).not.toThrow();
    expect(() => deliverProgressBeforeResults({ transport: {} })).not.toThrow();
  });
});
