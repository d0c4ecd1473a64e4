import { afterEach, describe, expect, test, vi } from 'vitest';

import { defineTool } from '../define.js';
import { CancelledError, ErrorCode, TimeoutError } from '../errors.js';
import { createLogger } from '../logger.js';
import { ERROR_META_KEY } from '../results.js';
import { createServer, DEFAULT_TIMEOUT_MS, type ServerOptions } from '../server.js';
import { connectInProcess, invokeTool } from '../testing/index.js';

/** A promise plus its resolver, to await an event the handler signals. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function abortReason(signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(signal.reason), { once: true }));
}

function app(tools: ServerOptions['tools'], defaults?: ServerOptions['defaults']) {
  return createServer({
    name: 'deadline',
    version: '1.0.0',
    logger: createLogger({ level: 'silent' }),
    tools,
    ...(defaults === undefined ? {} : { defaults }),
  });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('deadline', () => {
  test('aborts the handler’s signal with a TimeoutError at the tool’s timeoutMs and answers with it', async () => {
    const aborted = deferred<unknown>();
    const server = app([
      defineTool({
        name: 'slow',
        description: 'Waits for its signal',
        timeoutMs: 100,
        run: async (_args, ctx) => {
          aborted.resolve(await abortReason(ctx.signal));
          return 'too late';
        },
      }),
    ]);
    const started = performance.now();
    const { result } = await invokeTool(server, 'slow', {});
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(5000);
    const reason = await aborted.promise;
    expect(reason).toBeInstanceOf(TimeoutError);
    expect((reason as TimeoutError).data).toEqual({ timeoutMs: 100 });
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([
      {
        type: 'text',
        text: '"slow" did not finish within its 100 ms time budget and was stopped. Try again, or ask for less at once.',
      },
    ]);
    expect(result._meta?.[ERROR_META_KEY]).toMatchObject({ code: ErrorCode.Timeout });
  });

  test('uses the server default when the tool sets no timeout, and formats whole seconds', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'performance'] });
    const server = app(
      [
        defineTool({
          name: 'default_budget',
          description: 'Waits for its signal',
          run: (_args, ctx) => abortReason(ctx.signal).then(() => 'late'),
        }),
      ],
      { timeoutMs: 1000 },
    );
    let settled = false;
    const pending = invokeTool(server, 'default_budget', {}).finally(() => (settled = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const { result } = await pending;
    expect(result.content).toEqual([
      {
        type: 'text',
        text: '"default_budget" did not finish within its 1 s time budget and was stopped. Try again, or ask for less at once.',
      },
    ]);
  });

  test('exposes the deadline and remaining time to the handler (30 s by default)', async () => {
    expect(DEFAULT_TIMEOUT_MS).toBe(30_000);
    const server = app([
      defineTool({
        name: 'budget',
        description: 'Reports its budget',
        run: (_args, ctx) => ({ remaining: ctx.remainingMs(), deadline: ctx.deadline }),
      }),
    ]);
    const before = Date.now();
    const { result } = await invokeTool(server, 'budget', {});
    const { remaining, deadline } = JSON.parse((result.content[0] as { text: string }).text) as {
      remaining: number;
      deadline: number;
    };
    expect(remaining).toBeGreaterThan(25_000);
    expect(remaining).toBeLessThanOrEqual(30_000);
    expect(deadline).toBeGreaterThanOrEqual(before + 30_000);
    expect(deadline).toBeLessThan(before + 35_000);
  });

  test('answers at the deadline even when the handler ignores its signal', async () => {
    const release = deferred();
    const server = app([
      defineTool({
        name: 'stubborn',
        description: 'Ignores its signal',
        timeoutMs: 100,
        run: async () => {
          await release.promise;
          return 'finally';
        },
      }),
    ]);
    const started = performance.now();
    const { result } = await invokeTool(server, 'stubborn', {});
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(result._meta?.[ERROR_META_KEY]).toMatchObject({ code: ErrorCode.Timeout });
    expect(server.inflight.size).toBe(0);
    release.resolve();
  });

  test('a handler that finishes in time is answered normally and its signal never aborts', async () => {
    let signal: AbortSignal | undefined;
    const server = app([
      defineTool({
        name: 'quick',
        description: 'Answers at once',
        timeoutMs: 50,
        run: (_args, ctx) => {
          signal = ctx.signal;
          return 'fast';
        },
      }),
    ]);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { result } = await invokeTool(server, 'quick', {});
    expect(result).toEqual({ content: [{ type: 'text', text: 'fast' }] });
    // Past the would-be deadline: the timer was cleared, so nothing aborts the signal.
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(signal?.aborted).toBe(false);
  });

  test('a signal aborted before the call starts fails it as cancelled without running the handler', async () => {
    let ran = false;
    const server = app([
      defineTool({
        name: 'never',
        description: 'Should not run',
        run: () => {
          ran = true;
        },
      }),
    ]);
    const { result } = await invokeTool(server, 'never', {}, { signal: AbortSignal.abort() });
    expect(ran).toBe(false);
    expect(result._meta?.[ERROR_META_KEY]).toMatchObject({ code: ErrorCode.Cancelled });
    expect(result.content).toEqual([{ type: 'text', text: 'The client cancelled the request.' }]);
  });

  test.each(['legacy', 'modern'] as const)(
    'a %s client’s AbortSignal aborts the handler’s signal with a CancelledError',
    async (era) => {
      const started = deferred();
      const aborted = deferred<unknown>();
      const server = app([
        defineTool({
          name: 'long',
          description: 'Runs until cancelled',
          run: async (_args, ctx) => {
            started.resolve();
            aborted.resolve(await abortReason(ctx.signal));
          },
        }),
      ]);
      const connection = await connectInProcess(server, { era });
      try {
        const controller = new AbortController();
        const call = connection.client.callTool({ name: 'long', arguments: {} }, { signal: controller.signal });
        await started.promise;
        controller.abort();
        await expect(call).rejects.toThrow(/abort/i);
        const reason = await aborted.promise;
        expect(reason).toBeInstanceOf(CancelledError);
        expect((reason as CancelledError).message).toBe('The client cancelled the request.');
      } finally {
        await connection.close();
      }
    },
  );
});
