/**
 * Redaction before anything reaches the journal's disk: the values of secret-named fields at any
 * depth (arguments, results, headers, upstream response bodies), secret query parameters and user
 * info in URLs. Field names match case-insensitively and exactly (`token` is redacted, `tokens` is
 * not). Text content that holds JSON (a tool's object result without an output schema becomes a
 * `text` block of JSON) is redacted inside too. Free text is not scanned: a secret in a sentence
 * stays. A tool's `sensitive` arguments are redacted by the journal policy before this runs.
 *
 * @module
 */
import { isSecretQueryKey } from '../secret-query.js';
import type { UpstreamExchange } from '../upstream/exchange.js';

/** What a redacted value is replaced with. */
export const REDACTED = '[redacted]';

/** Field names always redacted; configuration (`MCP_JOURNAL_REDACT`) adds more. */
export const DEFAULT_REDACTED_FIELDS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'apikey',
  'api_key',
  'access_token',
  'accesstoken',
  'refresh_token',
  'refreshtoken',
  'id_token',
  'client_secret',
  'clientsecret',
  'private_key',
  'privatekey',
  'token',
  'password',
  'passwd',
  'secret',
];

/** Text that may be JSON worth parsing: an object or an array. */
const JSON_START = /^\s*[[{]/;

/** Redacts values on their way to the journal. */
export interface Redactor {
  /** `JSON.stringify(value)` with the values of redacted fields replaced by {@link REDACTED}. */
  stringify(value: unknown): string;
  /** `url` without user info and with secret query values replaced; relative URLs stay relative. */
  url(url: string): string;
  /** The exchange as the journal keeps it: URL redacted; the response body redacted, or dropped unless `keepBody`. */
  exchange(exchange: UpstreamExchange, keepBody: boolean): UpstreamExchange;
}

/** A redactor for {@link DEFAULT_REDACTED_FIELDS} plus `fields`. */
export function createRedactor(fields: readonly string[] = []): Redactor {
  const names = new Set([...DEFAULT_REDACTED_FIELDS, ...fields].map((name) => name.toLowerCase()));
  let redactedAny = false;
  const replacer = (key: string, value: unknown): unknown => {
    if (key !== '' && names.has(key.toLowerCase()) && value !== undefined) {
      redactedAny = true;
      return REDACTED;
    }
    if (key === 'text' && typeof value === 'string' && JSON_START.test(value)) return jsonText(value);
    return value;
  };
  const lowerNames = [...names];
  // One case-insensitive pass over the text instead of lower-casing it and searching it once per
  // name (~4x faster on a typical record). Only for ASCII names: the `i` flag's case folding and
  // `toLowerCase` agree there, and a miss here would leave a secret in the journal.
  const anyName = lowerNames.every((name) => /^[\x20-\x7e]*$/.test(name))
    ? new RegExp(lowerNames.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i')
    : undefined;
  const mentionsName = (text: string): boolean => {
    if (anyName !== undefined) return anyName.test(text);
    const lower = text.toLowerCase();
    return lowerNames.some((name) => lower.includes(name));
  };
  /**
   * Most records hold no secret-named field at all: the plain `JSON.stringify` (much faster than
   * one with a replacer function) is then the answer, and a search of its text for every name
   * proves it — a name nested in JSON text content appears there too, escaped.
   */
  const stringify = (value: unknown): string => {
    const plain = JSON.stringify(value);
    if (plain === undefined) return plain;
    if (!mentionsName(plain)) return plain;
    return JSON.stringify(value, replacer);
  };

  /** `text` redacted as JSON, formatted as it was (indented or not); the exact text when nothing changed. */
  function jsonText(text: string): string {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return text;
    }
    const outer = redactedAny;
    redactedAny = false;
    const redacted = JSON.stringify(value, replacer, text.includes('\n') ? 2 : undefined);
    const changed = redactedAny;
    redactedAny = outer || changed;
    return changed ? redacted : text;
  }

  const url = (text: string): string => {
    let parsed: URL;
    let relative = false;
    try {
      parsed = new URL(text);
    } catch {
      try {
        parsed = new URL(text, 'http://relative.invalid');
        relative = true;
      } catch {
        return REDACTED;
      }
    }
    // Only touched when needed: rewriting the search parameters re-encodes the whole query.
    if (parsed.username !== '' || parsed.password !== '') {
      parsed.username = '';
      parsed.password = '';
    }
    for (const key of new Set(parsed.searchParams.keys())) {
      if (isSecretQueryKey(key) || names.has(key.toLowerCase())) parsed.searchParams.set(key, REDACTED);
    }
    return relative ? `${parsed.pathname}${parsed.search}${parsed.hash}` : parsed.href;
  };

  /** A JSON body with secret fields redacted; the exact text when nothing was redacted or it is not JSON. */
  const body = (text: string): string => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return text;
    }
    redactedAny = false;
    const redacted = stringify(value);
    return redactedAny ? redacted : text;
  };

  const exchange = (input: UpstreamExchange, keepBody: boolean): UpstreamExchange => {
    const { response, ...rest } = input;
    const kept: UpstreamExchange = {
      ...rest,
      url: url(input.url),
      durationMs: Math.round(input.durationMs * 100) / 100,
    };
    if (!keepBody || response === undefined) return kept;
    return {
      ...kept,
      response: {
        ...(response.headers === undefined ? {} : { headers: response.headers }),
        ...(response.body === undefined ? {} : { body: body(response.body) }),
      },
    };
  };

  return { stringify, url, exchange };
}
