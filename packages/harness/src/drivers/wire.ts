/**
 * The raw JSON-RPC connection every check talks through: it sends exactly the bytes a check asks
 * for (including malformed ones) and hands back what the server answered, without the SDK's
 * validation in between.
 *
 * @module
 */

/** A JSON-RPC id. */
export type JsonRpcId = string | number;

/** Any JSON-RPC message, as parsed (not validated). */
export interface JsonRpcMessage {
  readonly jsonrpc?: unknown;
  readonly id?: unknown;
  readonly method?: unknown;
  readonly params?: unknown;
  readonly result?: unknown;
  readonly error?: { readonly code?: unknown; readonly message?: unknown; readonly data?: unknown };
}

/** What came back for something the harness sent. */
export type Reply =
  | { readonly kind: 'message'; readonly message: JsonRpcMessage; readonly httpStatus?: number }
  | {
      readonly kind: 'none';
      /** `timeout`, `closed` (the server went away) or `http` (a status with no JSON-RPC body). */
      readonly reason: 'timeout' | 'closed' | 'http';
      readonly httpStatus?: number;
      readonly body?: string;
    };

/** Options of one request. */
export interface RequestOptions {
  readonly timeoutMs?: number;
  /** Use this id instead of the next counter value. */
  readonly id?: JsonRpcId;
}

/** A raw JSON-RPC connection to the server under test. */
export interface Wire {
  readonly transport: 'stdio' | 'http';
  /** Sends a request and resolves with the response carrying its id (or why there is none). */
  request(method: string, params?: unknown, options?: RequestOptions): Promise<Reply>;
  /** Sends a notification. */
  notify(method: string, params?: unknown): Promise<void>;
  /**
   * Sends `text` as one frame, verbatim, and resolves with the first response whose id is
   * `expectId` or null (how servers answer frames they could not read).
   */
  sendRaw(text: string, expectId: JsonRpcId | null, timeoutMs?: number): Promise<Reply>;
  /** Responses that matched no request the harness sent. */
  readonly strayResponses: readonly JsonRpcMessage[];
  /** False once the server can no longer answer (a stdio process exited). */
  alive(): boolean;
  close(): Promise<void>;
}

/** Default wait for an answer. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** A stable key for an id (1 and "1" differ). */
export function idKey(id: unknown): string {
  return JSON.stringify(id ?? null);
}

/** Parses one frame; undefined when it is not a JSON object with `jsonrpc: "2.0"`. */
export function parseMessage(text: string): JsonRpcMessage | JsonRpcMessage[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const isMessage = (item: unknown): item is JsonRpcMessage =>
    typeof item === 'object' && item !== null && !Array.isArray(item) && (item as JsonRpcMessage).jsonrpc === '2.0';
  if (Array.isArray(value)) return value.every(isMessage) && value.length > 0 ? value : undefined;
  return isMessage(value) ? value : undefined;
}

/** True for a response (result or error, no method). */
export function isResponse(message: JsonRpcMessage): boolean {
  return message.method === undefined && ('result' in message || 'error' in message);
}

/** The params of an initialize request for `protocolVersion`. */
export function initializeParams(protocolVersion: string): Record<string, unknown> {
  return {
    protocolVersion,
    capabilities: {},
    clientInfo: { name: 'mcp-factory-harness', version: '0.1.0' },
  };
}
