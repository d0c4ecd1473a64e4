/**
 * Newline-delimited JSON-RPC as the dev proxy sees it: messages are plain objects it routes by
 * shape (request, notification, response) and rewrites ids on; it never validates more than the
 * shape it routes on, so whatever the client and server agree on passes through untouched.
 *
 * @module
 */
/** A JSON-RPC id. */
export type JsonRpcId = string | number;

/** Any JSON-RPC message, loosely typed: the proxy only reads the routing fields. */
export interface JsonRpcMessage {
  jsonrpc: '2.0';
  id?: JsonRpcId | null;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: unknown };
}

/** A request: has a method and an id. */
export function isRequest(message: JsonRpcMessage): message is JsonRpcMessage & { id: JsonRpcId; method: string } {
  return typeof message.method === 'string' && (typeof message.id === 'string' || typeof message.id === 'number');
}

/** A notification: has a method and no id. */
export function isNotification(message: JsonRpcMessage): message is JsonRpcMessage & { method: string } {
  return typeof message.method === 'string' && message.id === undefined;
}

/** A response: no method, and an id (null for errors about unparseable requests). */
export function isResponse(message: JsonRpcMessage): boolean {
  return message.method === undefined && ('result' in message || 'error' in message);
}

/** A map key for an id that keeps `1` and `"1"` apart. */
export function idKey(id: JsonRpcId): string {
  return typeof id === 'number' ? `n:${id}` : `s:${id}`;
}

/**
 * Reads newline-delimited JSON from `input` and calls `onMessage` for each object; lines that are
 * not JSON objects go to `onInvalid` (the proxy answers those itself). Calls `onEnd` once at EOF.
 */
export function readMessages(
  input: NodeJS.ReadableStream,
  onMessage: (message: JsonRpcMessage) => void,
  onInvalid: (line: string) => void,
  onEnd: () => void,
): void {
  let buffered = '';
  input.setEncoding('utf8');
  input.on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline !== -1) {
      const line = buffered.slice(0, newline).replace(/\r$/, '');
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
      if (line.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        onInvalid(line);
        continue;
      }
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) onMessage(parsed as JsonRpcMessage);
      else onInvalid(line);
    }
  });
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  input.once('end', end);
  input.once('close', end);
  input.once('error', end);
}

/** Writes one message as a line; a closed stream is ignored (the peer is gone). */
export function writeMessage(output: NodeJS.WritableStream, message: JsonRpcMessage): void {
  if (!output.writable) return;
  output.write(`${JSON.stringify(message)}\n`);
}
