import { PassThrough } from 'node:stream';

import { describe, expect, test } from 'vitest';

import { defineTool } from '../define.js';
import { createLogger } from '../logger.js';
import { createServer } from '../server.js';
import { serveStdio } from './stdio.js';

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function setup() {
  const started = deferred();
  const release = deferred();
  const app = createServer({
    name: 'stdio',
    version: '1.0.0',
    logger: createLogger({ level: 'silent' }),
    tools: [
      defineTool({
        name: 'gated',
        description: 'Finishes when released',
        run: async () => {
          started.resolve();
          await release.promise;
          return 'released';
        },
      }),
      defineTool({
        name: 'forever',
        description: 'Honours its signal only',
        run: (_args, ctx) =>
          new Promise((_resolve, reject) => {
            started.resolve();
            ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error));
          }),
      }),
    ],
  });
  const input = new PassThrough();
  const output = new PassThrough();
  const written: Record<string, unknown>[] = [];
  let buffer = '';
  output.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) written.push(JSON.parse(line) as Record<string, unknown>);
  });
  const handle = serveStdio(app, { input, output });
  const send = (message: unknown): boolean => input.write(`${JSON.stringify(message)}\n`);
  send({
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
  });
  send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return { app, handle, send, written, started, release };
}

const call = (id: number, name: string) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: {} },
});

describe('serveStdio', () => {
  test('reports the stdio transport', async () => {
    const { handle } = setup();
    expect(handle.transport).toBe('stdio');
    await handle.close({ graceMs: 0 });
  });

  test('close() lets a call in flight finish and writes its response before closing', async () => {
    const { handle, send, written, started, release } = setup();
    send(call(1, 'gated'));
    await started.promise;
    const closing = handle.close({ graceMs: 10_000 });
    release.resolve();
    await closing;
    await handle.closed;
    expect(written).toContainEqual(
      expect.objectContaining({ id: 1, result: { content: [{ type: 'text', text: 'released' }] } }),
    );
  });

  test('close() cancels a call still running after the grace period and still answers it', async () => {
    const { handle, send, written, started } = setup();
    send(call(1, 'forever'));
    await started.promise;
    const before = performance.now();
    await handle.close({ graceMs: 100 });
    const elapsed = performance.now() - before;
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(5000);
    expect(written.find((message) => message.id === 1)).toMatchObject({
      result: { isError: true, _meta: { 'dev.mcp-factory/error': { code: 'CANCELLED' } } },
    });
  });

  test('leaves process.stdout alone when serving other streams', async () => {
    const before = process.stdout.write;
    const { handle } = setup();

    expect(process.stdout.write).toBe(before);
    await handle.close({ graceMs: 0 });
  });
});
