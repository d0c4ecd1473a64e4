/**
 * Newline-delimited JSON-RPC frames as the passthrough sees them: strings it splits per read chunk
 * and forwards as they are. It reads only what it routes on: the method and id of a client's
 * frame (parsed), and the id of a server's response (peeked at without parsing when the line has
 * the shape SDK servers write: `{"result":…,"jsonrpc":"2.0","id":7}` or
 * `{"jsonrpc":"2.0","id":7,"result":…}`).
 *
 * @module
 */
import type { JsonRpcId } from '../dev/jsonrpc.js';

/** Splits the complete lines off `buffered`; the incomplete rest is returned as `rest`. */
export function splitLines(buffered: string): { lines: string[]; rest: string } {
  const last = buffered.lastIndexOf('\n');
  if (last === -1) return { lines: [], rest: buffered };
  const lines = buffered.slice(0, last).split('\n');
  return { lines, rest: buffered.slice(last + 1) };
}

const TAIL_ID = /,"id":(-?\d+|"(?:[^"\\]|\\.)*")\}\s*$/;
const HEAD_ID = /^\{"jsonrpc":"2\.0","id":(-?\d+|"(?:[^"\\]|\\.)*"),"(?:result|error)":/;

/** What a server's line is, as far as routing goes. */
export type ServerFrame =
  | {
      kind: 'response';
      id: JsonRpcId;
      error: boolean;
      /** Where the id token sits in the line (start, end); -1 when the line had to be parsed. */
      idStart: number;
      idEnd: number;
    }
  | { kind: 'other' }
  | { kind: 'batch' }
  | { kind: 'invalid' };

function parseId(token: string): JsonRpcId {
  return token.startsWith('"') ? (JSON.parse(token) as string) : Number(token);
}

/**
 * Classifies a server's line: a response (with its id) or anything else (a notification or a
 * request of the server's, forwarded untouched). Parses the line only when its shape is unusual.
 */
export function peekServerFrame(line: string): ServerFrame {
  if (line.startsWith('{"result":') || line.startsWith('{"error":')) {
    const tail = TAIL_ID.exec(line);
    if (tail?.[1] !== undefined) {
      const idStart = tail.index + 6; // after `,"id":`
      return {
        kind: 'response',
        id: parseId(tail[1]),
        error: line.startsWith('{"error":'),
        idStart,
        idEnd: idStart + tail[1].length,
      };
    }
  } else if (line.startsWith('{"jsonrpc":"2.0","id":')) {
    const head = HEAD_ID.exec(line);
    if (head?.[1] !== undefined) {
      const id = parseId(head[1]);
      const idStart = 22; // after `{"jsonrpc":"2.0","id":`
      return { kind: 'response', id, error: head[0].endsWith('"error":'), idStart, idEnd: idStart + head[1].length };
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { kind: 'invalid' };
  }
  if (Array.isArray(parsed)) return { kind: 'batch' };
  if (parsed === null || typeof parsed !== 'object') return { kind: 'invalid' };
  const message = parsed as Record<string, unknown>;
  const id = message.id;
  if (message.method === undefined && (typeof id === 'number' || typeof id === 'string'))
    return { kind: 'response', id, error: message.error !== undefined, idStart: -1, idEnd: -1 };
  return { kind: 'other' };
}

/** The response `line` with its id replaced by `id` (spliced when its place is known, else re-serialized). */
export function withId(line: string, frame: Extract<ServerFrame, { kind: 'response' }>, id: JsonRpcId | null): string {
  if (frame.idStart >= 0) return `${line.slice(0, frame.idStart)}${JSON.stringify(id)}${line.slice(frame.idEnd)}`;
  return JSON.stringify({ ...(JSON.parse(line) as object), id });
}

/**
 * True when a `tools/call` result line reports a failed tool (`"isError":true`). The unescaped
 * key can only occur as a key: inside a JSON string its quotes would be escaped.
 */
export function reportsToolError(line: string): boolean {
  return line.includes('"isError":true');
}

/** A JSON-RPC error response line. */
export function errorLine(id: JsonRpcId | null, code: number, message: string, data?: unknown): string {
  return `${JSON.stringify({ jsonrpc: '2.0', id, error: { code, message, ...(data === undefined ? {} : { data }) } })}\n`;
}
