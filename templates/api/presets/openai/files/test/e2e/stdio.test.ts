// End-to-end over stdio: spawn the built server and talk to it with the official client.
import { spawn } from 'node:child_process';

import type { FakeUpstream } from '@mcp-factory/runtime/fake';
import { connectStdio } from '@mcp-factory/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FAKE_API_KEY, startFakeApi } from '../../fake/upstream.js';
import { BIN } from './helpers.js';

let fake: FakeUpstream;
beforeAll(async () => {
  fake = await startFakeApi();
});
afterAll(() => fake.close());

describe('stdio', () => {
  it('serves tools to the official client and keeps stdout for the protocol', async () => {
    const connection = await connectStdio(process.execPath, [BIN], {
      env: { OPENAI_BASE_URL: `${fake.url}/v1`, OPENAI_API_KEY: FAKE_API_KEY, OPENAI_MODEL: 'gpt-4o-mini' },
    });
    try {
      const { tools } = await connection.client.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual(['ask', 'list_models']);
      const result = await connection.client.callTool({ name: 'ask', arguments: { prompt: 'hello stdio' } });
      expect(result.content).toEqual([{ type: 'text', text: 'Echo: hello stdio' }]);
      expect(fake.requests.at(-1)!.body).toMatchObject({ model: 'gpt-4o-mini', max_completion_tokens: 4096 });
    } finally {
      await connection.close();
    }
    expect(connection.stderr()).toContain('"msg":"server started"');
    expect(connection.stderr()).not.toContain(FAKE_API_KEY);
  });

  it('starts without OPENAI_API_KEY and its tools say which variable to set', async () => {
    const connection = await connectStdio(process.execPath, [BIN], { env: { OPENAI_BASE_URL: `${fake.url}/v1` } });
    try {
      const result = await connection.client.callTool({ name: 'ask', arguments: { prompt: 'x' } });
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toContain('OPENAI_API_KEY is not set');
    } finally {
      await connection.close();
    }
  });

  it('refuses to start on a malformed variable and names it', async () => {
    const child = spawn(process.execPath, [BIN], {
      env: { ...process.env, OPENAI_BASE_URL: 'not a url' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(stderr).toContain('OPENAI_BASE_URL');
  });

  it('answers raw frames with JSON-RPC only and exits cleanly on stdin EOF', async () => {
    const child = spawn(process.execPath, [BIN], {
      env: { ...process.env, OPENAI_BASE_URL: `${fake.url}/v1` },
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
