/**
 * `@mcp-factory/runtime/fake`: a scriptable fake upstream API on 127.0.0.1 for tests and offline
 * demos. Each provider preset describes its routes and its error body shape; this module records
 * every request and injects faults on demand (error statuses with `Retry-After` in either form,
 * bursts, delays, hangs, connection resets, bodies cut short, malformed JSON).
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request as the fake received it. */
export interface FakeRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON body, the raw text when it is not JSON, or `undefined` when empty. */
  readonly body: unknown;
  /** Values of the route's `:name` segments. */
  readonly params: Readonly<Record<string, string>>;
}

/** What a route answers. */
export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  /** Serialized as JSON unless `raw` is given. */
  body?: unknown;
  /** Sent verbatim (to simulate truncated or malformed JSON). */
  raw?: string;
}

/** One route: `path` may hold `:name` segments, e.g. `/items/:id`. */
export interface FakeRoute {
  readonly method: string;
  readonly path: string;
  handle(request: FakeRequest): FakeReply | Promise<FakeReply>;
}

/** A fault injected in place of the next answer. */
export interface FakeFault {
  /** Error status; the body is the preset's error shape unless `body` or `raw` is given. */
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  raw?: string;
  /** Message put in the preset's error body. */
  message?: string;
  /** Sets `Retry-After`: a number as delay-seconds, a `Date` as an HTTP-date. */
  retryAfter?: number | Date;
  /** Applies this fault to this many requests in a row (a burst). Default 1. */
  times?: number;
  /** Wait this long before answering (or before the other fault effects). */
  delayMs?: number;
  /** Never answer; the connection stays open until the client gives up or the fake closes. */
  hang?: boolean;
  /** Destroy the connection without an answer. */
  reset?: boolean;
  /**
   * Answer normally, but cut the body in half: the headers promise the full length, then the
   * connection is destroyed (a response cut short, as a crashing upstream or proxy leaves it).
   */
  truncate?: boolean;
}

/** Options of {@link startFakeUpstream}. */
export interface FakeUpstreamOptions {
  /** Provider name, for messages. */
  name: string;
  routes: readonly FakeRoute[];
  /**
   * Decides whether a request carries valid credentials: `true` passes, `false` gets a 401 with
   * the preset's error body, and a reply refuses the request with that reply instead (providers
   * that answer a bad key with 400, 403 or an HTML page). Default: all pass.
   */
  authenticate?: (request: FakeRequest) => boolean | FakeReply;
  /** The provider's error body for `status` (its real wire shape). */
  errorBody: (status: number, message: string) => unknown;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
}

/** A running fake upstream. */
export interface FakeUpstream {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Every request received, in order (faulted ones included). */
  readonly requests: FakeRequest[];
  /** Queues faults, applied one per request to the next requests, in order (`times` repeats one). */
  fail(...faults: FakeFault[]): void;
  /** Clears recorded requests and queued faults. */
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_MESSAGES: Record<number, string> = {
  400: 'Bad request',
  401: 'Invalid API key',
  403: 'Forbidden',
  404: 'Not found',
  408: 'Request timeout',
  429: 'Rate limit exceeded',
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'Service unavailable',
  504: 'Gateway timeout',
  529: 'Overloaded',
};

function compile(path: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const pattern = path
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) {
        names.push(segment.slice(1));
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { regex: new RegExp(`^${pattern}$`), names };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

function send(res: ServerResponse, reply: FakeReply, truncate = false): void {
  const text = reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
  const bytes = Buffer.from(text, 'utf8');
  res.writeHead(reply.status ?? 200, {
    'content-type': 'application/json',
    'content-length': String(bytes.byteLength),
    ...reply.headers,
  });
  if (!truncate) {
    res.end(bytes);
    return;
  }
  // Half the promised bytes, then a destroyed socket once they are flushed.
  res.write(bytes.subarray(0, Math.floor(bytes.byteLength / 2)), () => res.socket?.destroy());
}

function faultHeaders(fault: FakeFault): Record<string, string> | undefined {
  if (fault.retryAfter === undefined) return fault.headers;
  const retryAfter =
    fault.retryAfter instanceof Date ? fault.retryAfter.toUTCString() : String(Math.max(0, fault.retryAfter));
  return { 'retry-after': retryAfter, ...fault.headers };
}

/** Starts a fake upstream and resolves once it listens. */
export async function startFakeUpstream(options: FakeUpstreamOptions): Promise<FakeUpstream> {
  const routes = options.routes.map((route) => ({ route, ...compile(route.path) }));
  const requests: FakeRequest[] = [];
  const faults: FakeFault[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake.invalid');
      const text = await readBody(req);
      let body: unknown = undefined;
      if (text !== '') {
        try {
          body = JSON.parse(text) as unknown;
        } catch {
          body = text;
        }
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([key, value]) => [
          key,
          Array.isArray(value) ? value.join(', ') : (value ?? ''),
        ]),
      );
      const method = req.method ?? 'GET';
      const match = routes.find((entry) => entry.route.method === method && entry.regex.test(url.pathname));
      const values = match?.regex.exec(url.pathname)?.slice(1) ?? [];
      const params = Object.fromEntries(
        (match?.names ?? []).map((name, index) => [name, decodeURIComponent(values[index] ?? '')]),
      );
      const request: FakeRequest = {
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers,
        body,
        params,
      };
      requests.push(request);

      const fault = faults.shift();
      if (fault !== undefined) {
        if (fault.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        if (fault.hang === true) return;
        if (fault.reset === true) {
          req.socket.destroy();
          return;
        }
        const status = fault.status ?? 200;
        if (fault.raw !== undefined || fault.body !== undefined || status >= 400) {
          const headers = faultHeaders(fault);
          send(
            res,
            {
              status,
              ...(headers === undefined ? {} : { headers }),
              ...(fault.raw === undefined ? {} : { raw: fault.raw }),
              body:
                fault.body ?? options.errorBody(status, fault.message ?? DEFAULT_MESSAGES[status] ?? `HTTP ${status}`),
            },
            fault.truncate === true,
          );
          return;
        }
      }
      const truncate = fault?.truncate === true;
      const verdict = options.authenticate?.(request) ?? true;
      if (verdict !== true) {
        send(
          res,
          verdict === false
            ? { status: 401, body: options.errorBody(401, DEFAULT_MESSAGES[401] ?? 'Unauthorized') }
            : verdict,
          truncate,
        );
        return;
      }
      if (match === undefined) {
        send(res, { status: 404, body: options.errorBody(404, `No route for ${method} ${url.pathname}`) }, truncate);
        return;
      }
      send(res, await match.route.handle(request), truncate);
    })().catch((error: unknown) => {
      send(res, { status: 500, body: options.errorBody(500, error instanceof Error ? error.message : 'fake failed') });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${address.port}`,
    requests,
    fail: (...more) => {
      for (const fault of more) for (let i = 0; i < Math.max(1, fault.times ?? 1); i += 1) faults.push(fault);
    },
    reset: () => {
      requests.length = 0;
      faults.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** What a fake upstream process announces besides its URL, so tools like the demo can use it. */
export interface FakeAnnouncement {
  /** Environment that points the generated server at this fake (base URL and the key it accepts). */
  env(url: string): Record<string, string>;
  /** A tool call that works against this fake. */
  example?: { tool: string; arguments: Record<string, unknown> };
}

/**
 * Runs a fake upstream as a process: listens on `PORT` (default any free port), prints one JSON
 * line `{"name", "url", "env", "example"}` to stdout so a parent process can find and use it, and
 * exits on SIGINT/SIGTERM.
 */
export async function runFakeUpstreamMain(
  options: FakeUpstreamOptions,
  announce?: FakeAnnouncement,
): Promise<FakeUpstream> {
  const port = Number(process.env.PORT ?? 0);
  const fake = await startFakeUpstream({ ...options, port: Number.isInteger(port) ? port : 0 });
  const line = {
    name: options.name,
    url: fake.url,
    ...(announce === undefined ? {} : { env: announce.env(fake.url) }),
    ...(announce?.example === undefined ? {} : { example: announce.example }),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  const stop = (): void => {
    void fake.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return fake;
}
