import { describe, expect, test } from 'vitest';

import { defineTool } from '../define.js';
import { ToolError } from '../errors.js';
import { createLogger } from '../logger.js';
import { createServer } from '../server.js';
import { connectHttp, invokeTool } from '../testing/index.js';
import { serveHttp } from '../transports/http.js';
import * as z from 'zod';
import { runtimeHealth } from './health.js';
import { createRuntimeMetrics } from './metrics.js';
import { serveMetricsPort } from './metrics-server.js';

const silent = createLogger({ level: 'silent' });

function app(metrics = createRuntimeMetrics({ defaultMetrics: false })) {
  return createServer({
    name: 'observed',
    version: '1.2.3',
    logger: silent,
    metrics,
    tools: [
      defineTool({ name: 'ok', description: 'Succeeds', run: () => 'fine' }),
      defineTool({
        name: 'fails',
        description: 'Fails for the model',
        run: () => {
          throw new ToolError('nope');
        },
      }),
      defineTool({
        name: 'slow',
        description: 'Times out',
        timeoutMs: 20,
        input: z.object({}),
        run: (_args, ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve('late'))),
      }),
    ],
  });
}

async function metricValue(text: string, line: string): Promise<number | undefined> {
  const found = text.split('\n').find((candidate) => candidate.startsWith(line));
  return found === undefined ? undefined : Number(found.slice(line.length).trim());
}

describe('metrics policy', () => {
  test('counts calls by outcome, errors by type, timeouts, and observes durations', async () => {
    const metrics = createRuntimeMetrics({ defaultMetrics: false });
    const observed = app(metrics);
    await invokeTool(observed, 'ok', {});
    await invokeTool(observed, 'ok', {});
    await invokeTool(observed, 'fails', {});
    await invokeTool(observed, 'slow', {});
    const text = await metrics.registry.metrics();
    expect(await metricValue(text, 'mcp_tool_calls_total{tool="ok",status="ok"}')).toBe(2);
    expect(await metricValue(text, 'mcp_tool_calls_total{tool="fails",status="error"}')).toBe(1);
    expect(await metricValue(text, 'mcp_tool_errors_total{tool="fails",type="tool_failed"}')).toBe(1);
    expect(await metricValue(text, 'mcp_tool_errors_total{tool="slow",type="timeout"}')).toBe(1);
    expect(await metricValue(text, 'mcp_timeouts_total{tool="slow"}')).toBe(1);
    expect(await metricValue(text, 'mcp_tool_call_duration_seconds_count{tool="ok"}')).toBe(2);
  });

  test('metrics: false counts nothing and the app exposes no metrics', () => {
    expect(createServer({ name: 'x', version: '1', logger: silent, metrics: false }).metrics).toBeUndefined();
  });
});

describe('operational endpoints over the HTTP front', () => {
  test('/healthz, /metrics after a call, /readyz following the registered checks', async () => {
    const handle = await serveHttp(app(), { port: 0 });
    const base = handle.url.replace(/\/mcp$/, '');
    let ready = true;
    const unregister = runtimeHealth().register('test-check', () =>
      ready ? { ready: true } : { ready: false, detail: 'circuit open' },
    );
    try {
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok', server: 'observed', version: '1.2.3' });

      const connection = await connectHttp(handle.url);
      await connection.client.callTool({ name: 'ok', arguments: {} });
      await connection.close();
      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await metrics.text()).toMatch(/^mcp_tool_calls_total\{tool="ok",status="ok"\} 1$/m);

      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      ready = false;
      const notReady = await fetch(`${base}/readyz`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toMatchObject({
        status: 'not ready',
        checks: { 'test-check': { ready: false, detail: 'circuit open' } },
      });
    } finally {
      unregister();
      await handle.close({ graceMs: 0 });
    }
  });

  test('the operational paths keep the Host check', async () => {
    const handle = await serveHttp(app(), { port: 0 });
    try {
      const { request } = await import('node:http');
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const req = request(
          `${handle.url.replace(/\/mcp$/, '')}/metrics`,
          { headers: { host: 'evil.example' } },
          (res) => {
            res.resume();
            resolve(res.statusCode);
          },
        );
        req.once('error', reject);
        req.end();
      });
      expect(status).toBe(403);
    } finally {
      await handle.close({ graceMs: 0 });
    }
  });
});

describe('the opt-in metrics port of a stdio server', () => {
  test('serves /metrics and /readyz on 127.0.0.1 and 404 elsewhere', async () => {
    const metrics = createRuntimeMetrics({ defaultMetrics: false });
    const observed = app(metrics);
    await invokeTool(observed, 'fails', {});
    const port = await serveMetricsPort(observed, 0);
    try {
      expect(port.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await (await fetch(`${port.url}/metrics`)).text()).toContain(
        'mcp_tool_errors_total{tool="fails",type="tool_failed"} 1',
      );
      expect((await fetch(`${port.url}/readyz`)).status).toBe(200);
      expect((await fetch(`${port.url}/mcp`)).status).toBe(404);
    } finally {
      await port.close();
    }
  });
});
