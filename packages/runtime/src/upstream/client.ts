/**
 * The upstream client: JSON over `fetch` with a per-request timeout tied to the tool call's
 * signal, the request id forwarded as `X-Request-ID`, and every failure turned into a typed
 * {@link UpstreamError} whose message the model can act on. Credentials go in headers and never
 * appear in errors or logs.
 *
 * @module
 */
import type * as z from 'zod';

import { TimeoutError } from '../errors.js';
import type { Logger } from '../logger.js';
import { parseRetryAfter, UpstreamError, upstreamErrorFromStatus } from './errors.js';

/** Options of {@link createUpstreamClient}. */
export interface UpstreamClientOptions {
  /** Human name used in messages, e.g. `OpenAI`. */
  name: string;
  /** Base URL; request paths are appended to it (its own path is kept). */
  baseUrl: string;
  /** Headers sent with every request (auth headers go here); a function is called per request. */
  headers?: Record<string, string> | (() => Record<string, string>);
  /** Environment variable that holds the credential, named in auth-failure advice. */
  credentialHint?: string;
  /** Per-request timeout in milliseconds; the caller's signal can end it sooner. Default 30 000. */
  timeoutMs?: number;
  /** Pulls the upstream's own message out of its error body (each API shapes errors its own way). */
  errorMessage?: (body: unknown) => string | undefined;
  /** `fetch` to use; default the global one. Tests inject their own. */
  fetch?: typeof fetch;
  /** Logs one debug line per exchange (method, URL without query secrets, status, duration). */
  logger?: Logger;
}

/** One request to the upstream. */
export interface UpstreamRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the base URL, e.g. `/chat/completions`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** The tool call's signal: cancellation and the call's deadline end the request. */
  signal?: AbortSignal;
  /** Forwarded as `X-Request-ID`. */
  requestId?: string;
}

/** A successful response with its parsed JSON body. */
export interface UpstreamResponse<T> {
  readonly status: number;
  readonly headers: Headers;
  readonly data: T;
}

/** A configured upstream. */
export interface UpstreamClient {
  readonly name: string;
  readonly baseUrl: string;
  /** Sends one request; resolves with the parsed body or rejects with an {@link UpstreamError}. */
  request<T = unknown>(request: UpstreamRequest): Promise<UpstreamResponse<T>>;
}

const SECRET_QUERY_KEYS = /^(key|api[_-]?key|access[_-]?token|token|secret|password|sig|signature)$/i;

/** The URL with the values of credential-like query parameters replaced by `[redacted]`. */
export function redactUrl(url: URL | string): string {
  const copy = new URL(typeof url === 'string' ? url : url.href);
  for (const key of [...copy.searchParams.keys()]) {
    if (SECRET_QUERY_KEYS.test(key)) copy.searchParams.set(key, '[redacted]');
  }
  copy.username = '';
  copy.password = '';
  return copy.href;
}

/** Joins base URL, path and query into a string (cheaper than a `URL`, which fetch parses anyway). */
function buildUrl(baseUrl: string, path: string, query: UpstreamRequest['query']): string {
  const base = baseUrl.endsWith('/') ? baseUrl.slice(0, -1) : baseUrl;
  const url = `${base}${path.startsWith('/') ? path : `/${path}`}`;
  let search = '';
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    search += `${search === '' ? '' : '&'}${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`;
  }
  return search === '' ? url : `${url}${url.includes('?') ? '&' : '?'}${search}`;
}

/** Replaces credential values (auth header values, secret query values; 8+ characters) in `text`. */
function scrubSecrets(text: string, headers: Record<string, string>, url: string): string {
  const secrets = new Set<string>();
  for (const [name, value] of Object.entries(headers)) {
    if (!/authorization|key|token|secret/i.test(name)) continue;
    secrets.add(value);
    const bare = /^\S+\s+(\S+)$/.exec(value)?.[1];
    if (bare !== undefined) secrets.add(bare);
  }
  for (const [key, value] of new URL(url).searchParams) if (SECRET_QUERY_KEYS.test(key)) secrets.add(value);
  let scrubbed = text;
  for (const secret of secrets) if (secret.length >= 8) scrubbed = scrubbed.replaceAll(secret, '[redacted]');
  return scrubbed;
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: text === '' ? undefined : (JSON.parse(text) as unknown) };
  } catch {
    return { ok: false };
  }
}

/** Creates an {@link UpstreamClient}. */
export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const fetchImpl = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const name = options.name;

  async function request<T>(req: UpstreamRequest): Promise<UpstreamResponse<T>> {
    const url = buildUrl(options.baseUrl, req.path, req.query);
    const method = req.method ?? (req.body === undefined ? 'GET' : 'POST');
    const baseHeaders = typeof options.headers === 'function' ? options.headers() : (options.headers ?? {});
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...baseHeaders,
      ...req.headers,
      ...(req.requestId === undefined ? {} : { 'x-request-id': req.requestId }),
      ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
    };
    const started = performance.now();
    const logExchange = (status: number | string): void => {
      // Skipped below debug level: building the line (a URL copy for redaction) costs on every call.
      if (options.logger?.isLevelEnabled('debug') !== true) return;
      options.logger.debug(
        { upstream: name, method, url: redactUrl(url), status, durationMs: Math.round(performance.now() - started) },
        'upstream exchange',
      );
    };

    // One controller, a timer and a listener rather than AbortSignal.timeout() + AbortSignal.any():
    // on Node 20 those two cost ~100 µs of CPU per request (AbortSignal.any most of it), about a
    // tenth of a whole tool call. The caller's signal and the timeout both abort `controller`.
    const controller = new AbortController();
    const signal = controller.signal;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new TimeoutError(`upstream timeout after ${timeoutMs} ms`));
    }, timeoutMs);
    timer.unref(); // like AbortSignal.timeout(): a pending timeout alone does not keep the process up
    const callerSignal = req.signal;
    const onCallerAbort = (): void => controller.abort(callerSignal?.reason);
    if (callerSignal?.aborted === true) onCallerAbort();
    else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });

    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(url, {
        method,
        headers,
        signal,
        ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
      });
      text = await response.text();
    } catch (error) {
      logExchange('failed');
      if (req.signal?.aborted === true) throw req.signal.reason instanceof Error ? req.signal.reason : error;
      if (timedOut) {
        throw new UpstreamError(
          `${name} did not answer within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}. It may be overloaded; try again with a smaller request.`,
          { upstream: name, failure: 'timeout' },
          { cause: new TimeoutError(`upstream timeout after ${timeoutMs} ms`) },
        );
      }
      throw new UpstreamError(
        `Could not reach ${name} (${networkReason(error)}). Check the network and the configured base URL, then try again.`,
        { upstream: name, failure: 'network' },
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    }
    logExchange(response.status);

    const parsed = parseJson(text);
    if (!response.ok) {
      const said = parsed.ok ? options.errorMessage?.(parsed.value) : undefined;
      // Some APIs echo the credential back ("invalid key sk-…"); the message goes to the model.
      const upstreamMessage = said === undefined ? undefined : scrubSecrets(said, headers, url);
      throw upstreamErrorFromStatus({
        upstream: name,
        status: response.status,
        upstreamMessage: upstreamMessage?.slice(0, 500),
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
        credentialHint: options.credentialHint,
      });
    }
    if (!parsed.ok) {
      throw new UpstreamError(
        `${name} sent a response that is not valid JSON (HTTP ${response.status}). It may be failing; try again later.`,
        { upstream: name, failure: 'invalid_response', status: response.status },
      );
    }
    return { status: response.status, headers: response.headers, data: parsed.value as T };
  }

  return { name, baseUrl: options.baseUrl, request };
}

/**
 * Schemas {@link expectShape} has already parsed. The first parse of a schema skips zod's JIT:
 * compiling an object's fast path (`new Function`) costs more than a single parse saves, and
 * callers often build the response schema per request (the `api` template does), which paid that
 * compile on every call (~50 µs). A schema parsed again gets the compiled fast path from then on.
 */
const parsedShapes = new WeakSet<z.ZodType>();

/**
 * Checks an upstream body against the documented shape; a mismatch becomes an
 * {@link UpstreamError} (`invalid_response`) instead of an undefined-property crash in a tool.
 */
export function expectShape<S extends z.ZodType>(upstream: string, schema: S, data: unknown): z.output<S> {
  const seen = parsedShapes.has(schema);
  if (!seen) parsedShapes.add(schema);
  const parsed = schema.safeParse(data, seen ? undefined : { jitless: true });
  if (parsed.success) return parsed.data;
  const where = parsed.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  throw new UpstreamError(`${upstream} sent a response in an unexpected shape (${where}). Its API may have changed.`, {
    upstream,
    failure: 'invalid_response',
  });
}
