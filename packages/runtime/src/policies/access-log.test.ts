import { describe, expect, test } from 'vitest';
import * as z from 'zod';

import { definePrompt, defineResource, defineTool } from '../define.js';
import { ToolError } from '../errors.js';
import { createLogger, type LogLevel } from '../logger.js';
import { createServer } from '../server.js';
import { connectInProcess, invokeTool } from '../testing/index.js';
import { redactArgs } from './access-log.js';

type Line = Record<string, unknown>;

function serverWithLog(level: LogLevel) {
  const lines: Line[] = [];
  const logger = createLogger({
    level,
    base: { server: 'logged' },
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Line) },
  });
  const app = createServer({
    name: 'logged',
    version: '1.0.0',
    logger,
    tools: [
      defineTool({
        name: 'login',
        description: 'Logs in',
        input: z.object({ user: z.string(), apiSecret: z.string(), password: z.string().optional() }),
        sensitive: ['apiSecret'],
        run: ({ user }) => `hello ${user}`,
      }),
      defineTool({
        name: 'advise',
        description: 'Fails with advice',
        run: () => {
          throw new ToolError('Try a smaller range');
        },
      }),
      defineTool({
        name: 'crash',
        description: 'Fails unexpectedly',
        run: () => {
          throw new Error('null pointer in parser');
        },
      }),
      defineTool({
        name: 'soft_fail',
        description: 'Returns an isError result itself',
        run: () => ({ content: [{ type: 'text', text: 'nope' }], isError: true }),
      }),
    ],
    resources: [defineResource({ name: 'readme', uri: 'test://readme', read: () => 'hello' })],
    prompts: [definePrompt({ name: 'greet', get: () => 'hi' })],
  });
  return { app, lines, finished: () => lines.filter((line) => line.msg !== 'call started') };
}

describe('access log', () => {
  test('writes no line for a successful call at info level (the journal and metrics record it)', async () => {
    const { app, lines } = serverWithLog('info');
    const { result } = await invokeTool(app, 'login', { user: 'ann', apiSecret: 's3cr3t' });
    expect(result.isError).toBeUndefined();
    expect(lines).toEqual([]);
  });

  test('writes one debug line per successful call with requestId, method, name, durationMs and status', async () => {
    const { app, finished } = serverWithLog('debug');
    const { result } = await invokeTool(app, 'login', { user: 'ann', apiSecret: 's3cr3t' });
    expect(result.isError).toBeUndefined();
    const lines = finished();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual({
      level: 'debug',
      time: expect.any(String),
      pid: process.pid,
      server: 'logged',
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      method: 'tools/call',
      name: 'login',
      durationMs: expect.any(Number),
      status: 'ok',
      msg: 'call finished',
    });
    expect(lines[0]!.durationMs).toBeGreaterThanOrEqual(0);
  });

  test('never logs arguments at info level', async () => {
    const { app, lines } = serverWithLog('info');
    await invokeTool(app, 'login', { user: 'ann', apiSecret: 's3cr3t' });
    expect(JSON.stringify(lines)).not.toContain('ann');
    expect(JSON.stringify(lines)).not.toContain('s3cr3t');
  });

  test('logs arguments at debug level with sensitive and well-known secret fields redacted', async () => {
    const { app, lines } = serverWithLog('debug');
    await invokeTool(app, 'login', { user: 'ann', apiSecret: 's3cr3t', password: 'hunter2' });
    const started = lines.find((line) => line.msg === 'call started');
    expect(started).toMatchObject({
      level: 'debug',
      args: { user: 'ann', apiSecret: '[redacted]', password: '[redacted]' },
    });
    expect(JSON.stringify(lines)).not.toContain('s3cr3t');
    expect(JSON.stringify(lines)).not.toContain('hunter2');
    expect(lines.filter((line) => line.msg === 'call finished')).toHaveLength(1);
    expect(started!.requestId).toBe(lines.find((line) => line.msg === 'call finished')!.requestId);
  });

  test('logs an expected failure at warn with its code and reason', async () => {
    const { app, finished } = serverWithLog('info');
    const { result } = await invokeTool(app, 'advise', {});
    expect(finished()).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: 'call failed',
        status: 'error',
        code: 'TOOL_FAILED',
        reason: 'Try a smaller range',
        requestId: (result._meta?.['dev.mcp-factory/error'] as { requestId: string }).requestId,
      }),
    ]);
  });

  test('logs a validation failure at warn with INVALID_PARAMS', async () => {
    const { app, finished } = serverWithLog('info');
    await invokeTool(app, 'login', { user: 1 });
    expect(finished()).toEqual([expect.objectContaining({ level: 'warn', code: 'INVALID_PARAMS', status: 'error' })]);
  });

  test('logs an unexpected failure at error with the original error and its stack', async () => {
    const { app, finished } = serverWithLog('info');
    await invokeTool(app, 'crash', {});
    const [line] = finished();
    expect(line).toMatchObject({ level: 'error', code: 'INTERNAL', status: 'error', msg: 'call failed' });
    expect(line!.err).toMatchObject({ type: 'Error', message: 'null pointer in parser' });
    expect((line!.err as { stack: string }).stack).toContain('null pointer in parser');
  });

  test('counts an isError result returned by the handler as a failed call', async () => {
    const { app, finished } = serverWithLog('info');
    await invokeTool(app, 'soft_fail', {});
    expect(finished()).toEqual([expect.objectContaining({ level: 'warn', status: 'error', code: 'TOOL_FAILED' })]);
  });

  test('writes one line per call for concurrent calls, resources and prompts too (debug)', async () => {
    const { app, finished } = serverWithLog('debug');
    const connection = await connectInProcess(app);
    try {
      await Promise.all([
        connection.client.callTool({ name: 'login', arguments: { user: 'a', apiSecret: 'x' } }),
        connection.client.callTool({ name: 'login', arguments: { user: 'b', apiSecret: 'y' } }),
        connection.client.readResource({ uri: 'test://readme' }),
        connection.client.getPrompt({ name: 'greet' }),
      ]);
    } finally {
      await connection.close();
    }
    const lines = finished();
    expect(lines).toHaveLength(4);
    expect(new Set(lines.map((line) => line.requestId)).size).toBe(4);
    expect(lines.map((line) => `${String(line.method)} ${String(line.name)}`).sort()).toEqual([
      'prompts/get greet',
      'resources/read readme',
      'tools/call login',
      'tools/call login',
    ]);
  });
});

describe('redactArgs', () => {
  test('replaces the values of sensitive keys one level deep', () => {
    expect(redactArgs({ token: 't', nested: { token: 'n' }, keep: 1 }, ['token'])).toEqual({
      token: '[redacted]',
      nested: { token: 'n' },
      keep: 1,
    });
  });

  test('returns the same value when nothing is sensitive or it is not an object', () => {
    const args = { a: 1 };
    expect(redactArgs(args, undefined)).toBe(args);
    expect(redactArgs(args, [])).toBe(args);
    expect(redactArgs(['token'], ['token'])).toEqual(['token']);
    expect(redactArgs('token', ['token'])).toBe('token');
    expect(redactArgs(null, ['token'])).toBeNull();
  });
});
