/**
 * The opt-in operational port of a stdio server (`--metrics-port`): `/metrics`, `/healthz` and
 * `/readyz` on 127.0.0.1, with the same Host check as the MCP front. An HTTP-served app answers
 * these paths on its own port instead.
 *
 * @module
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { McpApp } from '../server.js';
import { allowedHostnames, checkHost } from '../transports/http-guards.js';
import { serveOperationalEndpoint } from './endpoints.js';

/** A running operational port. */
export interface MetricsServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** Serves the operational endpoints of `app` on `127.0.0.1:port` (0 picks a free port). */
export async function serveMetricsPort(app: McpApp, port: number): Promise<MetricsServer> {
  const hosts = allowedHostnames('127.0.0.1');
  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (checkHost(req.headers.host, hosts) !== undefined) {
      res.writeHead(403, { 'content-type': 'application/json' }).end('{"error":"forbidden host"}');
      return;
    }
    serveOperationalEndpoint(req, res, pathname, {
      name: app.info.name,
      version: app.info.version,
      metrics: app.metrics,
    })
      .then((served) => {
        if (!served)
          res
            .writeHead(404, { 'content-type': 'application/json' })
            .end('{"error":"not found: /metrics, /healthz, /readyz"}');
      })
      .catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  server.unref();
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
