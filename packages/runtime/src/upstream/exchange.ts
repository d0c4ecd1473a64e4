/**
 * One HTTP exchange with an upstream API, as the upstream client reports it to the tool call that
 * made it (`UpstreamRequest.onExchange` → `ctx.recordExchange`), and as the journal stores it.
 * Kept apart from the client so that the journal and the client depend on this small type only.
 *
 * @module
 */

/** How an attempt ended when no HTTP status came back. */
export type ExchangeFailure = 'network' | 'timeout' | 'cancelled';

/** One attempt of one upstream request. */
export interface UpstreamExchange {
  /** The upstream's name, e.g. `OpenAI`. */
  readonly upstream?: string;
  readonly method: string;
  /**
   * The URL with credentials removed (`redactUrl`): the journal redacts it again, so a handler that
   * reports raw URLs leaks nothing, but reporters should not rely on that.
   */
  readonly url: string;
  /** The HTTP status, or why there was none. */
  readonly status: number | ExchangeFailure;
  /** 1 for the first try, 2 for the first retry, … */
  readonly attempt: number;
  /** When the attempt started (epoch milliseconds). */
  readonly startedAt: number;
  readonly durationMs: number;
  /** A short, secret-free reason when the attempt failed without a status (e.g. `ECONNREFUSED`). */
  readonly error?: string;
  /** True when the client answered from its response cache: no HTTP request was made. */
  readonly fromCache?: boolean;
  /**
   * The response as received: what record/replay needs. The journal stores it only with
   * `recordBodies` (`MCP_JOURNAL_RECORD_BODIES=1`), redacted like everything else.
   */
  readonly response?: {
    /** Response headers worth replaying (`content-type`, `retry-after`, …), lower-cased names. */
    readonly headers?: Readonly<Record<string, string>>;
    /** The body text exactly as received. */
    readonly body?: string;
  };
}

/** Receives each attempt of an upstream request (see `UpstreamRequest.onExchange`). */
export type ExchangeListener = (exchange: UpstreamExchange) => void;
