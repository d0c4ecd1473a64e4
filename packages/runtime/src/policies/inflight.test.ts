import { describe, expect, test } from 'vitest';

import { defineTool } from '../define.js';
import { CancelledError, ErrorCode } from '../errors.js';
import { createLogger } from '../logger.js';
import { ERROR_META_KEY } from '../results.js';
import { createServer } from '../server.js';
import { connectInProcess, invokeTool } from '../testing/index.js';

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function setup() {
  const started: Array<() => void> = [];
  const waiting: Array<ReturnType<typeof deferred<void>>> = [];
  const reasons: unknown[] = [];
  const app = createServer({
    name: 'inflight',
    version: '1.0.0',
    logger: createLogger({ level: 'silent' }),
    tools: [
      defineTool({
        name: 'work',
        description: 'Finishes when the test releases it',
        run: async () => {
          const gate = deferred();
          waiting.push(gate);
          started.shift()?.();
          await gate.promise;
          return 'finished';
        },
      }),
      defineTool({
        name: 'forever',
        description: 'Runs until cancelled',
        run: (_args, ctx) =>
          new Promise<string>((resolve) => {
            started.shift()?.();
            ctx.signal.addEventListener('abort', () => {
              reasons.push(ctx.signal.reason);
              resolve('stopped');
            });
          }),
      }),
    ],
  });
  /** Starts a call and resolves once its handler runs. */
  const start = async (name: string) => {
    const running = deferred();
    started.push(running.resolve);
    const call = invokeTool(app, name, {});
    await running.promise;
    // Wrapped so that awaiting start() does not await the call itself.
    return { call };
  };
  return { app, start, waiting, reasons };
}

describe('InflightRegistry', () => {
  test('counts calls while they run', async () => {
    const { app, start, waiting } = setup();
    expect(app.inflight.size).toBe(0);
    const first = await start('work');
    const second = await start('work');
    expect(app.inflight.size).toBe(2);
    for (const gate of waiting) gate.resolve();
    await Promise.all([first.call, second.call]);
    expect(app.inflight.size).toBe(0);
  });

  test('drain with nothing in flight resolves at once', async () => {
    const { app } = setup();
    const started = performance.now();
    await expect(app.inflight.drain(10_000)).resolves.toEqual({ finished: 0, cancelled: 0 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(app.inflight.draining).toBe(true);
  });

  test('lets calls in flight finish within the grace period', async () => {
    const { app, start, waiting } = setup();
    const pending = await start('work');
    const drained = app.inflight.drain(10_000);
    waiting[0]!.resolve();
    const startedAt = performance.now();
    await expect(drained).resolves.toEqual({ finished: 1, cancelled: 0 });
    expect(performance.now() - startedAt).toBeLessThan(5000);
    expect((await pending.call).result).toEqual({ content: [{ type: 'text', text: 'finished' }] });
  });

  test('cancels the calls still running after the grace period', async () => {
    const { app, start, waiting, reasons } = setup();
    const quick = await start('work');
    const stuck = await start('forever');
    const startedAt = performance.now();
    const drained = app.inflight.drain(150);
    waiting[0]!.resolve();
    await expect(drained).resolves.toEqual({ finished: 1, cancelled: 1 });
    const elapsed = performance.now() - startedAt;
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(5000);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(CancelledError);
    expect((reasons[0] as CancelledError).message).toBe('The server is shutting down; the call was cancelled.');
    expect((await quick.call).result.isError).toBeUndefined();
    const { result } = await stuck.call;
    expect(result.isError).toBe(true);
    expect(result._meta?.[ERROR_META_KEY]).toMatchObject({ code: ErrorCode.Cancelled });
  });

  test('refuses new calls once draining has started', async () => {
    const { app, start, waiting } = setup();
    const pending = await start('work');
    const drained = app.inflight.drain(10_000);
    const refused = await invokeTool(app, 'work', {}).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CancelledError);
    expect((refused as CancelledError).message).toBe(
      'The server is shutting down and accepts no new calls; retry on a new connection.',
    );
    expect(app.inflight.size).toBe(1);
    waiting[0]!.resolve();
    await pending.call;
    await drained;
  });

  test('a real client sees a refused call as an isError result', async () => {
    const { app } = setup();
    const connection = await connectInProcess(app);
    try {
      await app.inflight.drain(0);
      const result = await connection.client.callTool({ name: 'work', arguments: {} });
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toContain('accepts no new calls');
    } finally {
      await connection.close();
    }
  });
});
