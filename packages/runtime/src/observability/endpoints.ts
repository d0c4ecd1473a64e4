/**
 * The operational endpoints every HTTP-served app has: `/healthz` (liveness: the process answers),
 * `/readyz` (readiness: every registered check passes) and `/metrics` (Prometheus text format).
 * The same handler serves the opt-in metrics port of a stdio server.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { RuntimeMetrics } from './metrics.js';
import { runtimeHealth, type HealthRegistry } from './health.js';

/** What the endpoints report about. */
export interface EndpointSources {
  readonly name: string;
  readonly version: string;
  readonly metrics: RuntimeMetrics | undefined;
  readonly health?: HealthRegistry;
}

/** The paths {@link serveOperationalEndpoint} answers. */
export const OPERATIONAL_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/**
 * Answers `GET`/`HEAD` of an operational path and returns true; returns false for any other
 * request (the caller serves it).
 */
export async function serveOperationalEndpoint(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  sources: EndpointSources,
): Promise<boolean> {
  if (!OPERATIONAL_PATHS.has(pathname) || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  if (pathname === '/healthz') {
    json(res, 200, { status: 'ok', server: sources.name, version: sources.version });
    return true;
  }
  if (pathname === '/readyz') {
    const readiness = await (sources.health ?? runtimeHealth()).check();
    json(res, readiness.ready ? 200 : 503, {
      status: readiness.ready ? 'ready' : 'not ready',
      checks: readiness.checks,
    });
    return true;
  }
  if (sources.metrics === undefined) {
    json(res, 404, { error: 'metrics are disabled for this server' });
    return true;
  }
  const text = await sources.metrics.registry.metrics();
  res.writeHead(200, { 'content-type': sources.metrics.registry.contentType, 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : text);
  return true;
}
