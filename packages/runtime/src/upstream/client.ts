/**
 * The upstream client: JSON over `fetch`, resilient by default. Each request goes through an
 * optional response cache, a bulkhead (bounded concurrency and queue), then retries with
 * exponential backoff and full jitter (honouring `Retry-After` within the call's time budget),
 * each attempt through the upstream's circuit breaker and its own timeout. The request id is
 * forwarded as `X-Request-ID`; every failure becomes a typed {@link UpstreamError} whose message
 * the model can act on. Credentials go in headers and never appear in errors, metrics or logs.
 *
 * Defaults come from the environment ({@link upstreamSettingsFromEnv}); options win field by field.
 *
 * @module
 */
import { ExponentialBackoff, fullJitterGenerator, type IBackoff } from 'cockatiel';
import type * as z from 'zod';

import { TimeoutError } from '../errors.js';
import type { Logger } from '../logger.js';
import { runtimeHealth, type HealthRegistry } from '../observability/health.js';
import { CIRCUIT_STATE, runtimeMetrics, type RuntimeMetrics } from '../observability/metrics.js';
import { UpstreamBreaker } from './_breaker.js';
import { Bulkhead, QueueDeadlineError } from './_bulkhead.js';
import { cacheKey, MemoryStore, type CacheEntry, type CacheStore } from './cache-store.js';
import {
  upstreamSettingsFromEnv,
  type UpstreamBreakerSettings,
  type UpstreamBulkheadSettings,
  type UpstreamCacheSettings,
  type UpstreamRetrySettings,
} from './config.js';
import { parseRetryAfter, UpstreamError, upstreamErrorFromStatus, type UpstreamFailure } from './errors.js';
import type { ExchangeFailure, ExchangeListener, UpstreamExchange } from './exchange.js';
import { isSecretQueryKey } from '../secret-query.js';

/** How a `classify` hook reclassifies an error response. Every field is optional. */
export interface UpstreamClassification {
  /** The failure kind to report instead of the status's (e.g. `auth` for a 400 `API_KEY_INVALID`). */
  readonly failure?: UpstreamFailure;
  /** The upstream's machine-readable code, kept as `UpstreamError.upstreamCode`. */
  readonly code?: string;
  /** `false`: never retry (an exhausted quota answered with 429); `true`: retry even a status that is normally final. */
  readonly retryable?: boolean;
}

/** Options of the response cache (see {@link UpstreamCacheSettings}). */
export interface UpstreamCacheOptions extends Partial<UpstreamCacheSettings> {
  /**
   * Request headers whose values select different entries, besides method, URL and (hashed)
   * credentials. Default `accept` and `accept-language`.
   */
  readonly varyHeaders?: readonly string[];
  /** A store of your own instead of memory or Redis. */
  readonly store?: CacheStore;
}

/** Options of {@link createUpstreamClient}. */
export interface UpstreamClientOptions {
  /** Human name used in messages, metrics and logs, e.g. `OpenAI`. */
  name: string;
  /** Base URL; request paths are appended to it (its own path is kept). */
  baseUrl: string;
  /** Headers sent with every request (auth headers go here); a function is called per request. */
  headers?: Record<string, string> | (() => Record<string, string>);
  /** Environment variable that holds the credential, named in auth-failure advice. */
  credentialHint?: string;
  /**
   * Per-attempt timeout in milliseconds; the request's `deadline` and `signal` can end an attempt
   * sooner. Default `MCP_UPSTREAM_TIMEOUT_MS`, else 30 000.
   */
  timeoutMs?: number;
  /** Pulls the upstream's own message out of its error body (each API shapes errors its own way). */
  errorMessage?: (body: unknown) => string | undefined;
  /**
   * Milliseconds an error response asks to wait, from the provider's own hints (OpenAI's
   * `x-ratelimit-reset-*` headers, Gemini's `RetryInfo` in the body). When it returns `undefined`
   * the standard `Retry-After` header (seconds or HTTP-date) is read.
   */
  retryAfter?: (headers: Headers, body: unknown, status: number) => number | undefined;
  /** Reclassifies an error response (status, parsed body or `undefined`, headers). */
  classify?: (status: number, body: unknown, headers: Headers) => UpstreamClassification | undefined;
  /** Retries; `false` turns them off. Defaults from the environment (2 retries, 200 ms → 5 s). */
  retry?: Partial<UpstreamRetrySettings> | false;
  /** The circuit breaker; `false` turns it off. Defaults: open after 5 failures in a row, for 30 s. */
  breaker?: Partial<UpstreamBreakerSettings> | false;
  /** Concurrency bound; `false` turns it off. Defaults: 16 running, 64 waiting. */
  bulkhead?: Partial<UpstreamBulkheadSettings> | false;
  /** The response cache; off unless a TTL is given here or in `MCP_UPSTREAM_CACHE_TTL_MS`. */
  cache?: UpstreamCacheOptions | false;
  /** Where defaults are read from. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Metrics to report into; `false` reports none. Default the process's {@link runtimeMetrics}. */
  metrics?: RuntimeMetrics | false;
  /**
   * Readiness checks to register the breaker with (`upstream:<name>`: not ready while the circuit
   * is open); `false` registers none. Default the process's {@link runtimeHealth}.
   */
  health?: HealthRegistry | false;
  /** `fetch` to use; default the global one. Tests inject their own. */
  fetch?: typeof fetch;
  /** Logs one debug line per exchange (method, URL without query secrets, status, duration). */
  logger?: Logger;
}

/** One request to the upstream. */
export interface UpstreamRequest {
  method?: 'GET' | 'HEAD' | 'OPTIONS' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the base URL, e.g. `/chat/completions`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** The tool call's signal: cancellation and the call's deadline end the request. */
  signal?: AbortSignal;
  /**
   * The tool call's deadline (epoch milliseconds, `ctx.deadline`): no attempt runs past it, and a
   * retry (or a `Retry-After` wait) that would not fit in the time left is not made.
   */
  deadline?: number;
  /** Forwarded as `X-Request-ID`. */
  requestId?: string;
  /**
   * Whether sending this request twice is safe, which allows retries. Default: true for GET,
   * HEAD, PUT, DELETE and OPTIONS, false for POST and PATCH (an LLM completion is not idempotent).
   * A non-idempotent request is still retried after a 429 or a refused connection: the upstream
   * never acted on it.
   */
  idempotent?: boolean;
  /**
   * Whether to use the response cache (when the client has one). Default: GET requests only;
   * `false` skips it; `true` caches another method too (the body is part of the key); an object
   * sets this request's TTL.
   */
  cache?: boolean | { ttlMs: number };
  /** Hears every attempt (once per attempt, and once for a cache hit with `fromCache`). */
  onExchange?: ExchangeListener;
}

/** A successful response with its parsed JSON body. */
export interface UpstreamResponse<T> {
  readonly status: number;
  readonly headers: Headers;
  readonly data: T;
  /** True when served from the response cache. */
  readonly fromCache?: boolean;
}

/** The circuit as readiness checks and metrics see it. */
export type CircuitStatus = 'closed' | 'open' | 'half-open';

/** What readiness checks see of an upstream. */
export interface UpstreamHealth {
  readonly upstream: string;
  /** `half-open` also when an open circuit's cooldown has passed and the next call will probe. */
  readonly circuit: CircuitStatus;
}

/** A configured upstream. */
export interface UpstreamClient {
  readonly name: string;
  readonly baseUrl: string;
  /** Sends one request; resolves with the parsed body or rejects with an {@link UpstreamError}. */
  request<T = unknown>(request: UpstreamRequest): Promise<UpstreamResponse<T>>;
  /** The circuit breaker's state (`closed` when the client has no breaker). */
  health(): UpstreamHealth;
  /** Closes the cache's Redis connection, if any, and removes the readiness check. */
  close(): Promise<void>;
}

/** The URL with the values of credential-like query parameters replaced by `[redacted]`. */
export function redactUrl(url: URL | string): string {
  const copy = new URL(typeof url === 'string' ? url : url.href);
  for (const key of [...copy.searchParams.keys()]) {
    if (isSecretQueryKey(key)) copy.searchParams.set(key, '[redacted]');
  }
  copy.username = '';
  copy.password = '';
  return copy.href;
}

/** A query parameter whose name {@link redactUrl} redacts. */
const SECRET_QUERY_PARAM = /[?&](key|api[_-]?key|access[_-]?token|token|secret|password|sig|signature)=/i;

/**
 * {@link redactUrl} for a URL this client built, without parsing it when there is nothing to
 * redact (no user info, no credential-like query parameter): reported on every attempt.
 */
function redactBuiltUrl(url: string): string {
  const authority = url.indexOf('//');
  const path = url.indexOf('/', authority + 2);
  const userInfo = url.lastIndexOf('@', path === -1 ? url.length : path) > authority;
  return userInfo || SECRET_QUERY_PARAM.test(url) ? redactUrl(url) : url;
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

/** Credential values (auth header values, secret query values; 8+ characters) a text might echo. */
function secretsOf(headers: Record<string, string>, url: string): string[] {
  const secrets = new Set<string>();
  for (const [name, value] of Object.entries(headers)) {
    if (!/authorization|key|token|secret/i.test(name)) continue;
    secrets.add(value);
    const bare = /^\S+\s+(\S+)$/.exec(value)?.[1];
    if (bare !== undefined) secrets.add(bare);
  }
  const query = url.indexOf('?');
  if (query !== -1) {
    for (const [key, value] of new URLSearchParams(url.slice(query + 1))) {
      if (isSecretQueryKey(key)) secrets.add(value);
    }
  }
  return [...secrets].filter((secret) => secret.length >= 8);
}

/** `text` with every secret replaced by `[redacted]`. */
function scrub(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  for (const secret of secrets) if (scrubbed.includes(secret)) scrubbed = scrubbed.replaceAll(secret, '[redacted]');
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

function duration(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${Math.max(0, Math.round(ms))} ms`;
}

/** Methods that may be sent twice with the effect of once (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
/** Statuses worth another attempt. Other 4xx mean the request itself is wrong; 501/505 do not pass. */
const TRANSIENT_STATUSES = new Set([408, 429, 500, 502, 503, 504, 529]);
/** A retry needs at least this much of the call's budget left after its wait. */
const MIN_ATTEMPT_MS = 100;
/** Response headers a cache entry and an exchange report keep. */
const KEPT_HEADERS = ['content-type', 'retry-after', 'retry-after-ms'];

/** Merges defined option fields over defaults (a field set to `undefined` keeps the default). */
function settle<T extends object>(defaults: T, given: Partial<T> | undefined): T {
  if (given === undefined) return defaults;
  const merged = { ...defaults } as Record<string, unknown>;
  for (const [key, value] of Object.entries(given)) if (value !== undefined) merged[key] = value;
  return merged as T;
}

/** How one attempt ended. `fault` counts against the circuit breaker. */
type Attempt =
  | { ok: true; fault: false; status: number; headers: Headers; text: string; data: unknown }
  | {
      ok: false;
      fault: boolean;
      error: Error;
      /** Another attempt may succeed (a transient failure with time left). */
      retry: boolean;
    };

/** What every attempt of one request shares. */
interface Exchange {
  readonly req: UpstreamRequest;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
  readonly deadline: number;
  /** The redacted URL, built once when first reported. */
  redacted?: string;
  /** The credentials an upstream might echo, found once when first needed. */
  secrets?: string[];
}

function pickHeaders(headers: Headers): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = headers.get(name);
    if (value !== null) kept[name] = value;
  }
  return kept;
}

/** A function, so that type narrowing from an earlier check does not outlive an `await`. */
function aborted(signal: AbortSignal | undefined): signal is AbortSignal {
  return signal?.aborted === true;
}

function callerReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(String(reason));
}

function describeFailure(outcome: unknown): string {
  const error = (outcome as { error?: unknown } | undefined)?.error;
  if (!(error instanceof UpstreamError)) return 'repeated failures';
  if (error.status !== undefined) return `HTTP ${error.status}`;
  return error.failure === 'timeout' ? 'timeouts' : 'network errors';
}

/** Creates an {@link UpstreamClient}. Throws a `ConfigError` when the environment's settings are malformed. */
export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const fromEnv = upstreamSettingsFromEnv(options.env ?? process.env);
  const fetchImpl = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? fromEnv.timeoutMs;
  const name = options.name;
  const logger = options.logger;
  const metrics = options.metrics === false ? undefined : (options.metrics ?? runtimeMetrics());

  const retry = options.retry === false ? { ...fromEnv.retry, retries: 0 } : settle(fromEnv.retry, options.retry);
  // Built once per client; a request asks it for delays only when it retries.
  const backoff =
    retry.retries > 0
      ? new ExponentialBackoff({
          generator: fullJitterGenerator,
          initialDelay: retry.baseDelayMs,
          maxDelay: retry.maxDelayMs,
        })
      : undefined;

  const breakerSettings = options.breaker === false ? undefined : settle(fromEnv.breaker, options.breaker);
  const breaker =
    breakerSettings !== undefined && (breakerSettings.threshold > 0 || breakerSettings.failureRate !== undefined)
      ? new UpstreamBreaker(breakerSettings, (status) => {
          metrics?.circuitState.set(
            { upstream: name },
            status === 'open'
              ? CIRCUIT_STATE.open
              : status === 'half-open'
                ? CIRCUIT_STATE.halfOpen
                : CIRCUIT_STATE.closed,
          );
          if (status === 'open') logger?.warn({ upstream: name }, 'upstream circuit opened: calls are paused');
          else if (status === 'closed') logger?.info({ upstream: name }, 'upstream circuit closed: calls resume');
        })
      : undefined;
  if (breaker !== undefined) metrics?.circuitState.set({ upstream: name }, CIRCUIT_STATE.closed);

  const bulkheadSettings = options.bulkhead === false ? undefined : settle(fromEnv.bulkhead, options.bulkhead);
  const bulkhead =
    bulkheadSettings !== undefined && bulkheadSettings.maxConcurrent > 0
      ? new Bulkhead(bulkheadSettings.maxConcurrent, bulkheadSettings.queue)
      : undefined;

  const cacheSettings = options.cache === false ? undefined : settle(fromEnv.cache, options.cache);
  const cacheOn = cacheSettings !== undefined && cacheSettings.ttlMs > 0;
  const vary = (options.cache === false ? undefined : options.cache?.varyHeaders)?.map((header) =>
    header.toLowerCase(),
  ) ?? ['accept', 'accept-language'];
  let store: CacheStore | undefined;
  let storeReady: Promise<CacheStore> | undefined;
  if (cacheOn) {
    const given = options.cache === false ? undefined : options.cache?.store;
    if (given !== undefined) store = given;
    else if (cacheSettings.redisUrl === undefined) store = new MemoryStore(cacheSettings.maxEntries);
    else {
      const settings = cacheSettings;
      const redisUrl = cacheSettings.redisUrl;
      // The Redis store's module (and so ioredis) is loaded only here, when a Redis URL is set.
      storeReady = import('./_redis-store.js').then(({ createRedisStore }) => {
        store = createRedisStore({
          url: redisUrl,
          prefix: `mcp-factory:cache:${name}:`,
          fallbackEntries: settings.maxEntries,
          logger,
          upstream: name,
        });
        return store;
      });
    }
  }

  const unregister =
    breaker === undefined || options.health === false
      ? undefined
      : (options.health ?? runtimeHealth()).register(`upstream:${name}`, () => {
          const circuit = breaker.state;
          return circuit === 'open' ? { ready: false, detail: `${name} circuit open` } : { ready: true };
        });

  // One child of the labelled counter per status seen, so a request builds no labels object.
  const exchangeCounters = new Map<number | string, { inc(): void }>();
  const countExchange = (status: number | string): void => {
    if (metrics === undefined) return;
    let counter = exchangeCounters.get(status);
    if (counter === undefined) {
      counter = metrics.upstreamRequests.labels({ upstream: name, status: String(status) });
      exchangeCounters.set(status, counter);
    }
    counter.inc();
  };

  function report(
    exchange: Exchange,
    attempt: number,
    status: number | ExchangeFailure,
    startedAt: number,
    durationMs: number,
    extra: { error?: string; response?: Response; text?: string; fromCache?: boolean } = {},
  ): void {
    if (extra.fromCache !== true) countExchange(status);
    const listener = exchange.req.onExchange;
    const debug = logger?.isLevelEnabled('debug') === true;
    // Skipped unless someone listens: redacting the URL means parsing it.
    if (listener === undefined && !debug) return;
    exchange.redacted ??= redactBuiltUrl(exchange.url);
    if (debug) {
      logger?.debug(
        {
          upstream: name,
          method: exchange.method,
          url: exchange.redacted,
          status,
          attempt,
          durationMs: Math.round(durationMs),
          ...(extra.fromCache === true ? { fromCache: true } : {}),
        },
        'upstream exchange',
      );
    }
    if (listener === undefined) return;
    const record: UpstreamExchange = {
      upstream: name,
      method: exchange.method,
      url: exchange.redacted,
      status,
      attempt,
      startedAt,
      durationMs,
      ...(extra.error === undefined ? {} : { error: extra.error }),
      ...(extra.text === undefined
        ? {}
        : {
            response: {
              ...(extra.response === undefined ? {} : { headers: pickHeaders(extra.response.headers) }),
              // Error bodies may echo the credential ("invalid key sk-…"), and listeners (the journal)
              // keep what they get. A 2xx body is the data the tool returns anyway.
              body:
                typeof status === 'number' && status >= 300
                  ? scrub(extra.text, (exchange.secrets ??= secretsOf(exchange.headers, exchange.url)))
                  : extra.text,
            },
          }),
      ...(extra.fromCache === true ? { fromCache: true } : {}),
    };
    try {
      listener(record);
    } catch (error) {
      // A listener's bug must not fail the request it observes.
      logger?.warn({ upstream: name, err: error }, 'onExchange listener failed');
    }
  }

  /** One HTTP exchange. Never rejects, except with the caller's reason when the caller aborts outside a probe. */
  async function attemptOnce(exchange: Exchange, attempt: number, probe: boolean): Promise<Attempt> {
    const { req } = exchange;
    const callerSignal = req.signal;
    // A probe that never reaches the upstream proves nothing: it counts as a failure, so the
    // circuit stays open rather than closing on no evidence.
    if (callerSignal?.aborted === true) {
      const reason = callerReason(callerSignal);
      if (probe) return { ok: false, fault: true, error: reason, retry: false };
      throw reason;
    }
    const left = exchange.deadline - Date.now();
    if (left <= 0) {
      const error = new UpstreamError(
        `${name} was not called: this call's time budget has run out. Try again, or ask for less at once.`,
        { upstream: name, failure: 'timeout', retryable: false },
      );
      return { ok: false, fault: probe, error, retry: false };
    }
    const limit = Math.min(timeoutMs, left);
    const byDeadline = left < timeoutMs;

    const startedAt = Date.now();
    const started = performance.now();
    // One controller, a timer and a listener rather than AbortSignal.timeout() + AbortSignal.any():
    // on Node 20 those two cost ~100 µs of CPU per request (AbortSignal.any most of it), about a
    // tenth of a whole tool call. The caller's signal and the timeout both abort `controller`.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new TimeoutError(`upstream timeout after ${limit} ms`));
    }, limit);
    timer.unref(); // like AbortSignal.timeout(): a pending timeout alone does not keep the process up
    const onCallerAbort = (): void => controller.abort(callerSignal?.reason);
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });

    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(exchange.url, {
        method: exchange.method,
        headers: exchange.headers,
        signal: controller.signal,
        ...(exchange.body === undefined ? {} : { body: exchange.body }),
      });
      text = await response.text();
    } catch (error) {
      const durationMs = performance.now() - started;
      if (aborted(callerSignal)) {
        report(exchange, attempt, 'cancelled', startedAt, durationMs);
        const reason = callerReason(callerSignal);
        // The call's deadline (a TimeoutError from the deadline policy) means the upstream was too
        // slow for the budget: a failure for the breaker. A plain cancellation says nothing about
        // the upstream, except when it ends the half-open probe (then stay open, to be safe).
        if (reason instanceof TimeoutError || probe) return { ok: false, fault: true, error: reason, retry: false };
        throw reason;
      }
      if (timedOut) {
        report(exchange, attempt, 'timeout', startedAt, durationMs);
        const message = byDeadline
          ? `${name} did not answer within the ${duration(limit)} left of this call's time budget. Try again, or ask for less at once.`
          : `${name} did not answer within ${duration(limit)}. It may be overloaded; try again with a smaller request.`;
        const timeout = new UpstreamError(
          message,
          { upstream: name, failure: 'timeout', ...(byDeadline ? { retryable: false } : {}) },
          { cause: new TimeoutError(`upstream timeout after ${limit} ms`) },
        );
        return { ok: false, fault: true, error: timeout, retry: !byDeadline };
      }
      const reason = networkReason(error);
      report(exchange, attempt, 'network', startedAt, durationMs, { error: reason });
      const network = new UpstreamError(
        `Could not reach ${name} (${reason}). Check the network and the configured base URL, then try again.`,
        { upstream: name, failure: 'network' },
        { cause: error },
      );
      return { ok: false, fault: true, error: network, retry: true };
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    }
    const status = response.status;
    report(exchange, attempt, status, startedAt, performance.now() - started, { response, text });

    const parsed = parseJson(text);
    if (!response.ok) {
      const body = parsed.ok ? parsed.value : undefined;
      const classified = options.classify?.(status, body, response.headers);
      const said = body === undefined ? undefined : options.errorMessage?.(body);
      // Some APIs echo the credential back ("invalid key sk-…"); the message goes to the model.
      const upstreamMessage =
        said === undefined ? undefined : scrub(said, (exchange.secrets ??= secretsOf(exchange.headers, exchange.url)));
      const error = upstreamErrorFromStatus({
        upstream: name,
        status,
        upstreamMessage: upstreamMessage?.slice(0, 500),
        retryAfterMs:
          options.retryAfter?.(response.headers, body, status) ?? parseRetryAfter(response.headers.get('retry-after')),
        credentialHint: options.credentialHint,
        failure: classified?.failure,
        upstreamCode: classified?.code,
        retryable: classified?.retryable,
      });
      const transient = classified?.retryable ?? (error.retryable && TRANSIENT_STATUSES.has(status));
      return { ok: false, fault: error.failure === 'unavailable', error, retry: transient };
    }
    if (!parsed.ok) {
      // A 2xx whose body is not JSON is most often cut short (a dropped connection behind a proxy)
      // or an intermediary's error page: transient, so retried and counted against the upstream.
      const error = new UpstreamError(
        `${name} sent a response that is not valid JSON (HTTP ${status}). It may be failing; try again later.`,
        { upstream: name, failure: 'invalid_response', status, retryable: true },
      );
      return { ok: false, fault: true, error, retry: true };
    }
    return { ok: true, fault: false, status, headers: response.headers, text, data: parsed.value };
  }

  /** The circuit-open error; `cause` is the failure that made this request give up, if any. */
  function circuitOpen(retryInMs: number | undefined, cause?: Error): UpstreamError {
    const why = describeFailure(breaker?.lastFailure);
    const message =
      retryInMs === undefined
        ? `${name} is failing (${why}); calls to it are paused while one test request checks whether it has recovered. Try again in a few seconds.`
        : `${name} is failing (${why}); calls to it are paused for ${Math.max(1, Math.ceil(retryInMs / 1000))} s. Try again after that.`;
    return new UpstreamError(
      message,
      { upstream: name, failure: 'circuit_open', ...(retryInMs === undefined ? {} : { retryAfterMs: retryInMs }) },
      cause === undefined ? {} : { cause },
    );
  }

  /**
   * Whether the upstream provably did not act on the request, so that even a non-idempotent one
   * (a POST completion) may be sent again: a 429 refuses before processing, and a refused
   * connection never delivered the request.
   */
  function notProcessed(error: Error): boolean {
    if (!(error instanceof UpstreamError)) return false;
    if (error.status === 429) return true;
    const cause = (error.cause as { cause?: { code?: unknown } } | undefined)?.cause;
    return error.failure === 'network' && cause?.code === 'ECONNREFUSED';
  }

  /** Attempts until success, a final failure, no retries left or no time left. */
  async function withRetries(exchange: Exchange): Promise<Attempt & { ok: true }> {
    const { req } = exchange;
    const idempotent = req.idempotent ?? IDEMPOTENT.has(exchange.method);
    let delays: IBackoff<unknown> | undefined;
    let lastError: Error | undefined;
    for (let attempt = 1; ; attempt += 1) {
      let outcome: Attempt;
      if (breaker === undefined) outcome = await attemptOnce(exchange, attempt, false);
      else {
        const admission = breaker.admit();
        if (admission.refusal !== undefined) {
          const refused = circuitOpen(admission.refusal.retryInMs, lastError);
          refused.attempts = attempt - 1;
          throw refused;
        }
        // No await between admit() and execute(): the probe is the only call in between.
        outcome = await breaker.execute(() => attemptOnce(exchange, attempt, admission.probe));
      }
      if (outcome.ok) return outcome;
      const error = outcome.error;
      lastError = error;
      if (error instanceof UpstreamError) error.attempts = attempt;
      const safe = idempotent || notProcessed(error);
      if (!outcome.retry || !safe || attempt > retry.retries || backoff === undefined) throw error;

      const left = exchange.deadline - Date.now() - MIN_ATTEMPT_MS;
      const asked = error instanceof UpstreamError ? error.retryAfterMs : undefined;
      let wait: number;
      if (asked !== undefined) {
        // The upstream said how long to wait: wait that long, or fail now with the wait in the message.
        if (asked > retry.maxRetryAfterMs || asked > left) throw error;
        wait = asked;
      } else {
        delays = delays === undefined ? backoff.next() : delays.next(undefined);
        wait = delays.duration;
        if (wait > left) throw error;
      }
      metrics?.upstreamRetries.inc({ upstream: name });
      if (logger?.isLevelEnabled('debug') === true)
        logger.debug({ upstream: name, attempt, waitMs: Math.round(wait) }, 'upstream retry');
      if (wait > 0) await sleep(wait, req.signal);
    }
  }

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
    const exchange: Exchange = {
      req,
      method,
      url,
      headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      deadline: req.deadline ?? Number.POSITIVE_INFINITY,
    };

    let key: string | undefined;
    let cacheStore: CacheStore | undefined;
    let ttlMs = 0;
    if (cacheOn && (req.cache === undefined ? method === 'GET' : req.cache !== false)) {
      cacheStore = store ?? (await storeReady);
      ttlMs = typeof req.cache === 'object' ? req.cache.ttlMs : cacheSettings.ttlMs;
      key = cacheKey(method, url, headers, vary, method === 'GET' ? undefined : exchange.body);
      const hit = await cacheStore?.get(key);
      if (hit !== undefined) {
        metrics?.cacheHits.inc({ upstream: name });
        report(exchange, 1, hit.status, Date.now(), 0, { text: hit.body, fromCache: true });
        const parsed = parseJson(hit.body);
        if (parsed.ok) {
          return { status: hit.status, headers: new Headers(hit.headers), data: parsed.value as T, fromCache: true };
        }
      } else metrics?.cacheMisses.inc({ upstream: name });
    }

    let holding = false;
    if (bulkhead !== undefined) {
      holding = bulkhead.tryAcquire();
      if (!holding) {
        if (bulkhead.full) {
          throw new UpstreamError(
            `Too many requests to ${name} are already running (${bulkhead.maxConcurrent}) or waiting (${bulkhead.queueSize}); this one was not sent. Try again in a moment.`,
            { upstream: name, failure: 'queue_full' },
          );
        }
        try {
          await bulkhead.wait(req.signal, exchange.deadline);
        } catch (error) {
          if (!(error instanceof QueueDeadlineError)) throw error;
          throw new UpstreamError(
            `${name} was not called: this call's time budget ran out while it waited behind ${bulkhead.maxConcurrent} running requests. Try again in a moment.`,
            { upstream: name, failure: 'timeout', retryable: false },
          );
        }
        holding = true;
      }
    }
    try {
      const result = await withRetries(exchange);
      if (
        key !== undefined &&
        cacheStore !== undefined &&
        !/no-store/i.test(result.headers.get('cache-control') ?? '')
      ) {
        const entry: CacheEntry = { status: result.status, headers: pickHeaders(result.headers), body: result.text };
        // Not awaited: a slow cache write must not delay the answer; stores never reject.
        void cacheStore.set(key, entry, ttlMs);
      }
      return { status: result.status, headers: result.headers, data: result.data as T };
    } finally {
      if (holding) bulkhead?.release();
    }
  }

  return {
    name,
    baseUrl: options.baseUrl,
    request,
    health: () => ({ upstream: name, circuit: breaker?.state ?? 'closed' }),
    close: async () => {
      unregister?.();
      await (store ?? (await storeReady))?.close();
    },
  };
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted === true) return Promise.reject(callerReason(signal));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      if (signal !== undefined) reject(callerReason(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
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
