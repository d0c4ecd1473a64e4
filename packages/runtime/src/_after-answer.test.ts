import { PassThrough, Writable } from 'node:stream';

import { describe, expect, test } from 'vitest';

import { afterAnswer, flushAfterAnswer } from './_after-answer.js';
import { defineTool } from './define.js';
import { createLogger } from './logger.js';
import { createRuntimeMetrics } from './observability/metrics.js';
import { createServer } from './server.js';
import { serveStdio } from './transports/stdio.js';
import { invokeTool } from './testing/index.js';

describe('afterAnswer', () => {
  test('runs inline when not deferred, else after the current promise callbacks, in order', async () => {
    const order: string[] = [];
    afterAnswer(false, () => order.push('inline'));
    expect(order).toEqual(['inline']);
    afterAnswer(true, () => order.push('first'));
    afterAnswer(true, () => order.push('second'));
    await Promise.resolve();
    order.push('microtask');
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['inline', 'microtask', 'first', 'second']);
  });

  test('flushAfterAnswer runs what is queued at once, and one failure does not skip the rest', () => {
    const order: string[] = [];
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on('warning', onWarning);
    try {
      afterAnswer(true, () => {
        throw new Error('boom');
      });
      afterAnswer(true, () => order.push('after'));
      flushAfterAnswer();
      expect(order).toEqual(['after']);
    } finally {
      process.off('warning', onWarning);
    }
  });
});

function app(lines: Record<string, unknown>[]) {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const metrics = createRuntimeMetrics({ defaultMetrics: false });
  const server = createServer({
    name: 'after-answer',
    version: '1.0.0',
    logger: createLogger({ level: 'debug', destination }),
    metrics,
    tools: [defineTool({ name: 'echo', description: 'Echoes', run: () => 'echoed' })],
  });
  return { server, metrics };
}

describe('bookkeeping after the answer', () => {
  test('over stdio, the access log line and the metrics follow the answer and are all there', async () => {
    const lines: Record<string, unknown>[] = [];
    const { server, metrics } = app(lines);
    const input = new PassThrough();
    const output = new PassThrough();
    const answers: Record<string, unknown>[] = [];
    // For each answer as it reaches the output: how many calls had been logged by then.
    const loggedWhenAnswered: number[] = [];
    output.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line === '') continue;
        answers.push(JSON.parse(line) as Record<string, unknown>);
        loggedWhenAnswered.push(lines.filter((logged) => logged.msg === 'call finished').length);
      }
    });
    const handle = serveStdio(server, { input, output });
    const send = (message: unknown): boolean => input.write(`${JSON.stringify(message)}\n`);
    send({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    for (let id = 1; id <= 3; id++) send({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo' } });
    await expect.poll(() => answers.filter((answer) => answer.id !== 0).length).toBe(3);
    await new Promise((resolve) => setImmediate(resolve));
    const finished = lines.filter((line) => line.msg === 'call finished');
    expect(finished).toHaveLength(3);
    // The n-th call's line is written after its answer: fewer than n lines when the n-th answer left.
    const callAnswers = answers.flatMap((answer, index) => (answer.id === 0 ? [] : [loggedWhenAnswered[index]]));
    callAnswers.forEach((logged, index) => expect(logged).toBeLessThan(index + 1));
    expect(finished[0]).toMatchObject({ method: 'tools/call', name: 'echo', status: 'ok' });
    expect(typeof finished[0]?.durationMs).toBe('number');
    const counted = await metrics.toolCalls.get();
    expect(counted.values).toEqual([{ labels: { tool: 'echo', status: 'ok' }, value: 3 }]);
    await handle.close({ graceMs: 100 });
    await server.close();
  });

  test('in process (invokeTool), the bookkeeping is done when the call resolves', async () => {
    const lines: Record<string, unknown>[] = [];
    const { server, metrics } = app(lines);
    await invokeTool(server, 'echo', {});
    expect((await metrics.toolCalls.get()).values).toEqual([{ labels: { tool: 'echo', status: 'ok' }, value: 1 }]);
    await server.close();
  });
});
