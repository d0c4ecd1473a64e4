/**
 * Record/replay: a journal recorded against the real API (with `MCP_JOURNAL_RECORD_BODIES=1`)
 * becomes the upstream of a test. {@link createReplayFetch} returns a `fetch` that answers each
 * request with the next recorded response for the same method, path and query, so a provider's
 * real responses become fixtures and the upstream client, its error mapping and the tools run
 * unchanged against them.
 *
 * @module
 */
import { JournalError } from './errors.js';
import { readJournal } from './reader.js';
import { createRedactor, type Redactor } from './redact.js';
import type { UpstreamExchange } from '../upstream/exchange.js';

/** Options of {@link createReplayFetch}. */
export interface ReplayOptions {
  /** Replay only the exchanges of this upstream (its name, e.g. `OpenAI`). */
  readonly upstream?: string;
  /**
   * Replay only the exchanges made by calls of this tool, resource or prompt (as `readJournal`'s
   * filter: in a gateway's journal, also the calls it relayed to a downstream of that name).
   */
  readonly name?: string;
  /**
   * The extra field names the recording redacted (its `MCP_JOURNAL_REDACT`): query parameters of
   * those names were recorded as `[redacted]`, and requests are compared the same way.
   */
  readonly redact?: readonly string[];
  /** Once every recording of a request was replayed: `error` (default), or `repeat` the last one. */
  readonly exhausted?: 'error' | 'repeat';
}

/** A `fetch` that answers from a recording. */
export interface ReplayFetch {
  (input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** Recorded exchanges not replayed yet, as `METHOD /path?query` (once per exchange). */
  unused(): string[];
}

/** Statuses whose responses cannot have a body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** `GET /v1/items?limit=5&q=x`: method, path and sorted query, secrets redacted as when recorded. */
function keyOf(method: string, url: string, redactor: Redactor): string {
  const parsed = new URL(redactor.url(url), 'http://replay.invalid');
  parsed.searchParams.sort();
  const query = parsed.searchParams.toString();
  return `${method.toUpperCase()} ${parsed.pathname}${query === '' ? '' : `?${query}`}`;
}

function answer(exchange: UpstreamExchange, key: string, signal: AbortSignal | null | undefined): Promise<Response> {
  const status = exchange.status;
  if (typeof status === 'number') {
    const response = exchange.response;
    if (response?.body === undefined && !NULL_BODY.has(status)) {
      return Promise.reject(
        new JournalError(
          `The recording of ${key} has no response body: record with MCP_JOURNAL_RECORD_BODIES=1.`,
          'not_recorded',
        ),
      );
    }
    return Promise.resolve(
      new Response(NULL_BODY.has(status) ? null : response?.body, {
        status,
        ...(response?.headers === undefined ? {} : { headers: response.headers }),
      }),
    );
  }
  if (status === 'network') {
    // The shape undici gives a connection failure: a TypeError whose cause carries the code.
    const cause = Object.assign(new Error(exchange.error ?? 'network error'), { code: exchange.error });
    return Promise.reject(new TypeError('fetch failed', { cause }));
  }
  // A recorded timeout or cancellation never answers: the caller's own timer or signal ends it.
  return new Promise((_resolve, reject) => {
    if (signal === undefined || signal === null) {
      reject(new TypeError('fetch failed', { cause: Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }) }));
      return;
    }
    const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Reads the upstream exchanges recorded in the journal at `journalDir` and returns a `fetch` that
 * replays them: each request gets the next unreplayed exchange recorded for the same method, path
 * and query (in recorded order per request; bodies and hosts are not compared). A request with no
 * recording left rejects with a `not_recorded` {@link JournalError} naming it and what was
 * recorded, which the upstream client reports as a failed request. Recorded network failures
 * replay as network failures; recorded timeouts as requests that never answer.
 */
export async function createReplayFetch(journalDir: string, options: ReplayOptions = {}): Promise<ReplayFetch> {
  const redactor = createRedactor(options.redact);
  const recorded = new Map<string, UpstreamExchange[]>();
  const last = new Map<string, UpstreamExchange>();
  for await (const record of readJournal(journalDir, options.name === undefined ? {} : { name: options.name })) {
    for (const exchange of record.exchanges ?? []) {
      // A cache hit made no request; the replaying client's own cache (if any) answers it again.
      if (exchange.fromCache === true) continue;
      if (options.upstream !== undefined && exchange.upstream !== options.upstream) continue;
      const key = keyOf(exchange.method, exchange.url, redactor);
      const queue = recorded.get(key) ?? [];
      queue.push(exchange);
      recorded.set(key, queue);
    }
  }

  const replay = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : undefined;
    const url = request?.url ?? (input instanceof URL ? input.href : (input as string));
    const method = init?.method ?? request?.method ?? 'GET';
    const signal = init?.signal ?? request?.signal;
    if (signal?.aborted === true) return Promise.reject(signal.reason as Error);
    const key = keyOf(method, url, redactor);
    const exchange = recorded.get(key)?.shift() ?? (options.exhausted === 'repeat' ? last.get(key) : undefined);
    if (exchange === undefined) {
      const known = [...recorded]
        .filter(([, queue]) => queue.length > 0)
        .map(([name, queue]) => `${name} (${queue.length} left)`);
      const used = last.has(key) ? ' Every recording of it was replayed already.' : '';
      return Promise.reject(
        new JournalError(
          `Replay has no recorded exchange for ${key}.${used} ${known.length === 0 ? 'Nothing is left to replay.' : `Recorded: ${known.slice(0, 5).join(', ')}${known.length > 5 ? ', …' : ''}.`}`,
          'not_recorded',
        ),
      );
    }
    last.set(key, exchange);
    return answer(exchange, key, signal);
  };
  return Object.assign(replay, {
    unused: () => [...recorded].flatMap(([key, queue]) => queue.map(() => key)),
  });
}
