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
  | 'invalid_response' // the body is not what the API documents (malformed JSON, wrong shape)
  | 'circuit_open' // not sent: the upstream failed repeatedly and calls to it are paused
  | 'queue_full'; // not sent: too many requests to this upstream are already running or waiting

/** Details every upstream error carries (also sent as JSON-RPC `error.data` where errors cross the wire). */
export interface UpstreamErrorDetails {
  readonly upstream: string;
  readonly failure: UpstreamFailure;
  readonly status?: number;
  /** Milliseconds the upstream asked us to wait (from `Retry-After`). */
  readonly retryAfterMs?: number;
  /** The upstream's own error message, when it sent one. */
  readonly upstreamMessage?: string;
  /**
   * The upstream's machine-readable error code (`insufficient_quota`, `API_KEY_INVALID`…), as a
   * `classify` hook reported it. Named apart from `code`, which is the runtime's {@link ErrorCode}.
   */
  readonly upstreamCode?: string;
  /** Overrides the retryability that `failure` and `status` imply (e.g. a 429 for an exhausted quota). */
  readonly retryable?: boolean;
  /** How many attempts were made before giving up (1 when the request was not retried). */
  readonly attempts?: number;
}

/** A failed upstream call. Match on `failure`, not the message. */
export class UpstreamError extends McpFactoryError {
  override readonly name = 'UpstreamError';
  readonly upstream: string;
  readonly failure: UpstreamFailure;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly upstreamMessage: string | undefined;
  readonly upstreamCode: string | undefined;
  /** Attempts made; set by the client once it gives up (1 when the request was not retried). */
  attempts: number | undefined;
  readonly #retryable: boolean | undefined;

  constructor(message: string, details: UpstreamErrorDetails, options: Omit<McpFactoryErrorOptions, 'data'> = {}) {
    super(ErrorCode.ToolFailed, message, {
      ...options,
      data: {
        upstream: details.upstream,
        failure: details.failure,
        status: details.status,
        retryAfterMs: details.retryAfterMs,
        ...(details.upstreamCode === undefined ? {} : { upstreamCode: details.upstreamCode }),
      },
    });
    this.upstream = details.upstream;
    this.failure = details.failure;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.upstreamMessage = details.upstreamMessage;
    this.upstreamCode = details.upstreamCode;
    this.attempts = details.attempts;
    this.#retryable = details.retryable;
  }

  /**
   * Whether trying again later may succeed: network errors, timeouts, 408, 429, 5xx, an open
   * circuit and a full queue, unless the details said otherwise.
   */
  get retryable(): boolean {
    if (this.#retryable !== undefined) return this.#retryable;
    return (
      this.failure === 'network' ||
      this.failure === 'timeout' ||
      this.failure === 'rate_limited' ||
      this.failure === 'unavailable' ||
      this.failure === 'circuit_open' ||
      this.failure === 'queue_full' ||
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

/** The failure an HTTP error status means when nothing reclassified it. */
function failureOfStatus(status: number): UpstreamFailure {
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'rate_limited';
  if (status === 404) return 'not_found';
  if (status >= 500) return 'unavailable';
  return 'bad_request';
}

/** Builds the {@link UpstreamError} for an HTTP error status, with advice for the model. */
export function upstreamErrorFromStatus(input: {
  upstream: string;
  status: number;
  upstreamMessage: string | undefined;
  retryAfterMs: number | undefined;
  /** Environment variable holding the credential, named in auth advice (e.g. `OPENAI_API_KEY`). */
  credentialHint: string | undefined;
  /** The failure a `classify` hook chose instead of the status's (e.g. `auth` for Gemini's 400 API_KEY_INVALID). */
  failure?: UpstreamFailure | undefined;
  /** The upstream's own error code, kept as `upstreamCode`. */
  upstreamCode?: string | undefined;
  /** `false` for a failure that waiting does not fix (an exhausted quota answered with 429). */
  retryable?: boolean | undefined;
}): UpstreamError {
  const { upstream, status, upstreamMessage, retryAfterMs, credentialHint, upstreamCode, retryable } = input;
  const said = upstreamMessage === undefined ? '' : `: ${upstreamMessage}`;
  const failure = input.failure ?? failureOfStatus(status);
  const details = { upstream, status, upstreamMessage, retryAfterMs, upstreamCode, retryable, failure };
  const final = retryable === false;
  switch (failure) {
    case 'auth': {
      const fix =
        credentialHint === undefined
          ? 'Check the configured credentials.'
          : `Check that ${credentialHint} is set to a valid key with access.`;
      return new UpstreamError(`${upstream} rejected the credentials (HTTP ${status})${said}. ${fix}`, details);
    }
    case 'rate_limited': {
      if (final) {
        return new UpstreamError(
          `${upstream} refused the request (HTTP ${status})${said}. Waiting will not help; the account behind the key needs more quota or a higher plan.`,
          details,
        );
      }
      const wait = retryAfterMs === undefined ? 'Wait a little' : `Retry after ${seconds(retryAfterMs)}`;
      return new UpstreamError(
        `${upstream} is rate limiting requests (HTTP ${status})${said}. ${wait} before trying again.`,
        details,
      );
    }
    case 'not_found':
      return new UpstreamError(
        `${upstream} found nothing there (HTTP ${status})${said}. Check the identifier or name and try again.`,
        details,
      );
    case 'unavailable': {
      const advice = final
        ? 'Retrying will not help.'
        : retryAfterMs === undefined
          ? 'It is failing on its side; try again later.'
          : `It is failing on its side; retry after ${seconds(retryAfterMs)}.`;
      return new UpstreamError(`${upstream} is unavailable (HTTP ${status})${said}. ${advice}`, details);
    }
    case 'bad_request':
      return new UpstreamError(
        `${upstream} refused the request (HTTP ${status})${said}. Change the arguments and try again.`,
        details,
      );
    default: {
      // Another failure a `classify` hook chose (timeout for a 408, invalid_response…).
      const advice = final ? 'Retrying will not help.' : 'Try again later.';
      return new UpstreamError(`${upstream} failed the request (HTTP ${status})${said}. ${advice}`, details);
    }
  }
}
