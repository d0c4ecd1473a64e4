/**
 * Typed failures of calls to an upstream API, each with a message the model can act on. They are
 * {@link McpFactoryError}s, so a tool that lets one escape returns an `isError` result with that
 * message. Messages name the upstream and the HTTP status, never credentials.
 *
 * @module
 */
import { ErrorCode, McpFactoryError, type McpFactoryErrorOptions } from '../errors.js';

/** What kind of upstream failure this is; decides retryability and the advice given. */
export type UpstreamFailure =
  | 'auth' // 401/403: credentials missing, wrong or lacking permission
  | 'rate_limited' // 429: too many requests
  | 'bad_request' // other 4xx: the request itself is wrong
  | 'not_found' // 404
  | 'unavailable' // 5xx (and 529): the upstream is down or overloaded
  | 'timeout' // no answer in time
  | 'network' // connection refused, reset, DNS
  | 'invalid_response'; // the body is not what the API documents (malformed JSON, wrong shape)

/** Details every upstream error carries (also sent as JSON-RPC `error.data` where errors cross the wire). */
export interface UpstreamErrorDetails {
  readonly upstream: string;
  readonly failure: UpstreamFailure;
  readonly status?: number;
  /** Milliseconds the upstream asked us to wait (from `Retry-After`). */
  readonly retryAfterMs?: number;
  /** The upstream's own error message, when it sent one. */
  readonly upstreamMessage?: string;
}

/** A failed upstream call. Match on `failure`, not the message. */
export class UpstreamError extends McpFactoryError {
  override readonly name = 'UpstreamError';
  readonly upstream: string;
  readonly failure: UpstreamFailure;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly upstreamMessage: string | undefined;

  constructor(message: string, details: UpstreamErrorDetails, options: Omit<McpFactoryErrorOptions, 'data'> = {}) {
    super(ErrorCode.ToolFailed, message, {
      ...options,
      data: {
        upstream: details.upstream,
        failure: details.failure,
        status: details.status,
        retryAfterMs: details.retryAfterMs,
      },
    });
    this.upstream = details.upstream;
    this.failure = details.failure;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.upstreamMessage = details.upstreamMessage;
  }

  /** Network errors, timeouts, 408, 429 and 5xx may succeed if tried again. */
  get retryable(): boolean {
    return (
      this.failure === 'network' ||
      this.failure === 'timeout' ||
      this.failure === 'rate_limited' ||
      this.failure === 'unavailable' ||
      this.status === 408
    );
  }
}

/**
 * Parses a `Retry-After` header: delay-seconds or an HTTP-date. Returns milliseconds from `now`
 * (never negative), or `undefined` when absent or unparseable.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP-date starts with a day name ("Wed, 21 Oct 2015 07:28:00 GMT"); "-5" or "soon" are not one.
  if (!/^[A-Za-z]{3},? /.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function seconds(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))} s`;
}

/** Builds the {@link UpstreamError} for an HTTP error status, with advice for the model. */
export function upstreamErrorFromStatus(input: {
  upstream: string;
  status: number;
  upstreamMessage: string | undefined;
  retryAfterMs: number | undefined;
  /** Environment variable holding the credential, named in auth advice (e.g. `OPENAI_API_KEY`). */
  credentialHint: string | undefined;
}): UpstreamError {
  const { upstream, status, upstreamMessage, retryAfterMs, credentialHint } = input;
  const said = upstreamMessage === undefined ? '' : `: ${upstreamMessage}`;
  const details = { upstream, status, upstreamMessage, retryAfterMs };
  if (status === 401 || status === 403) {
    const fix =
      credentialHint === undefined
        ? 'Check the configured credentials.'
        : `Check that ${credentialHint} is set to a valid key with access.`;
    return new UpstreamError(`${upstream} rejected the credentials (HTTP ${status})${said}. ${fix}`, {
      ...details,
      failure: 'auth',
    });
  }
  if (status === 429) {
    const wait = retryAfterMs === undefined ? 'Wait a little' : `Retry after ${seconds(retryAfterMs)}`;
    return new UpstreamError(`${upstream} is rate limiting requests (HTTP 429)${said}. ${wait} before trying again.`, {
      ...details,
      failure: 'rate_limited',
    });
  }
  if (status === 404) {
    return new UpstreamError(
      `${upstream} found nothing there (HTTP 404)${said}. Check the identifier or name and try again.`,
      {
        ...details,
        failure: 'not_found',
      },
    );
  }
  if (status >= 500) {
    return new UpstreamError(
      `${upstream} is unavailable (HTTP ${status})${said}. It is failing on its side; try again later.`,
      {
        ...details,
        failure: 'unavailable',
      },
    );
  }
  return new UpstreamError(
    `${upstream} refused the request (HTTP ${status})${said}. Change the arguments and try again.`,
    {
      ...details,
      failure: 'bad_request',
    },
  );
}
