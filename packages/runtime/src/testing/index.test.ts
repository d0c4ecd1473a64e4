import { describe, expect, test } from 'vitest';
import * as z from 'zod';

import { defineTool } from '../define.js';
import { createLogger } from '../logger.js';
import { createServer } from '../server.js';
import { connectInProcess, invokeTool, startServerProcess } from './index.js';

const app = createServer({
  name: 'helpers',
  version: '1.0.0',
  logger: createLogger({ level: 'silent' }),
  tools: [
    defineTool({
      name: 'shout',
      description: 'Upper-cases its text and reports progress',
      input: z.object({ text: z.string() }),
      run: async ({ text }, ctx) => {
        await ctx.progress(1, 1);
        await ctx.clientLog('info', 'shouting');
        return text.toUpperCase();
      },
    }),
    defineTool({
      name: 'ask',
      description: 'Tries to sample from the client',
      run: async (_args, ctx) => {
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- the 2025-era request invokeTool cannot serve
        await ctx.mcp.mcpReq.requestSampling({ messages: [], maxTokens: 1 });
      },
    }),
  ],
});

describe('invokeTool', () => {
  test('runs a tool through the chain and records its notifications', async () => {
    const { result, notifications } = await invokeTool(app, 'shout', { text: 'hi' }, { progressToken: 7 });
    expect(result).toEqual({ content: [{ type: 'text', text: 'HI' }] });
    expect(notifications).toEqual([
      { method: 'notifications/progress', params: { progressToken: 7, progress: 1, total: 1 } },
      { method: 'notifications/message', params: { level: 'info', data: 'shouting' } },
    ]);
  });

  test('names the tools that exist when asked for an unknown one', async () => {
    await expect(invokeTool(app, 'nope', {})).rejects.toThrow('No tool "nope" in helpers; it has: shout, ask');
  });

  test('has no client for sampling: the tool fails with an internal error', async () => {
    const { result } = await invokeTool(app, 'ask', {});
    expect(result.isError).toBe(true);
    expect(result._meta?.['dev.mcp-factory/error']).toMatchObject({ code: 'INTERNAL' });
  });
});

describe('connectInProcess', () => {
  test.each(['legacy', 'modern'] as const)('connects a %s client and closes cleanly', async (era) => {
    const connection = await connectInProcess(app, { era });
    expect(connection.client.getProtocolEra()).toBe(era);
    const result = await connection.client.callTool({ name: 'shout', arguments: { text: 'x' } });
    expect(result.content).toEqual([{ type: 'text', text: 'X' }]);
    await connection.close();
  });

  test('offers the requested 2025-era revision', async () => {
    const connection = await connectInProcess(app, { protocolVersion: '2025-03-26' });
    expect(connection.client.getNegotiatedProtocolVersion()).toBe('2025-03-26');
    await connection.close();
  });
});

describe('startServerProcess', () => {
  test('rejects with the stderr when the process exits before it started', async () => {
    await expect(
      startServerProcess(process.execPath, ['-e', 'process.stderr.write("boom"); process.exit(3)'], {
        waitForHttp: true,
      }),
    ).rejects.toThrow(/server exited \(3\) before it started; stderr:\nboom/);
  });

  test('collects output and reports the exit code', async () => {
    const proc = await startServerProcess(process.execPath, ['-e', 'process.stdout.write("out"); process.exit(0)']);
    expect(await proc.exited).toBe(0);
    expect(proc.stdout()).toBe('out');
  });
});
