/**
 * Keeps a request's last progress notifications from being lost on the official client.
 *
 * The SDK's `Protocol` dispatches an incoming notification one microtask late
 * (`Promise.resolve().then(handler)`) but a response at once, and the response deletes the
 * request's progress handler. So when a server's final `notifications/progress` and its result
 * are read in one chunk (adjacent writes, a loaded machine, a relay that coalesces), the client
 * handles the result first and drops the progress as "an unknown token" (typescript-sdk#2580).
 * The server sent everything in order; the client lost it.
 *
 * {@link deliverProgressBeforeResults} wraps a connected client's transport so that each response
 * is dispatched one microtask later than it arrived: a notification read just before it in the
 * same chunk has queued its handler by then, so its handler runs first. Responses keep their order
 * among themselves (each is delayed by the same hop); requests and notifications are untouched.
 *
 * @module
 */

/** The part of an SDK transport this touches. */
export interface MessageTransport {
  onmessage?: ((message: never, extra?: never) => void) | undefined;
}

/** The part of an SDK client or server this touches: its connected transport. */
export interface ConnectedProtocol {
  readonly transport?: MessageTransport | undefined;
}

/** Transports already wrapped (so a second call adds no second hop). */
const wrappedTransports = new WeakSet<MessageTransport>();

function isResponse(message: unknown): boolean {
  if (message === null || typeof message !== 'object') return false;
  const fields = message as Record<string, unknown>;
  return fields.method === undefined && ('result' in fields || 'error' in fields);
}

/**
 * Makes `protocol` (a client after `connect`) handle a notification that arrived before a response
 * before that response. Idempotent; a protocol without a transport is left as it is.
 */
export function deliverProgressBeforeResults(protocol: ConnectedProtocol): void {
  const transport = protocol.transport;
  const dispatch = transport?.onmessage as ((message: unknown, extra?: unknown) => void) | undefined;
  if (transport === undefined || dispatch === undefined || wrappedTransports.has(transport)) return;
  wrappedTransports.add(transport);
  const wrapped = (message: unknown, extra?: unknown): void => {
    if (isResponse(message)) queueMicrotask(() => dispatch.call(transport, message, extra));
    else dispatch.call(transport, message, extra);
  };
  transport.onmessage = wrapped;
}
