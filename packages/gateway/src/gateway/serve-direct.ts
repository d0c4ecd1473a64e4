/**
 * Serving `--expose direct` through the passthrough fronts instead of the SDK: on stdio the frame
 * relay of ./passthrough.ts. Returns undefined when the gateway is not in direct mode over a stdio
 * server (the SDK-served gateway app serves then).
 *
 * @module
 */
import type { Gateway } from './gateway.js';
import { serveDirectHttp, type DirectHttpHandle, type DirectHttpOptions } from './http-relay.js';
import { StdioPassthrough } from './passthrough.js';

/** A running passthrough. */
export interface PassthroughHandle {
  /** Resolves when the client went away and the downstream stopped. */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

/** Serves the gateway's one stdio server to the client on `input`/`output` as a frame relay. */
export function serveDirectStdio(
  gateway: Gateway,
  streams: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream },
): PassthroughHandle | undefined {
  // Lifecycle events (crash, restart) reach the client as log notifications, once it is connected.
  const sink: { front?: StdioPassthrough } = {};
  const downstream = gateway.relayDownstream((event) => sink.front?.notice(event.level, event.message));
  if (downstream === undefined) return undefined;
  const passthrough = new StdioPassthrough({
    ...streams,
    downstream,
    access: gateway.access,
    recorder: gateway.recorder,
  });
  sink.front = passthrough;
  passthrough.start();
  return { closed: passthrough.closed, close: () => passthrough.close() };
}

/**
 * Serves the gateway's one stdio server over stateless Streamable HTTP as a relay (./http-relay.ts).
 * Undefined when the gateway is not in direct mode over a stdio server, or when sessions are asked
 * for (`mode: 'stateful'`: the SDK-served app keeps serving those).
 */
export async function serveDirectHttpRelay(
  gateway: Gateway,
  options: DirectHttpOptions,
): Promise<DirectHttpHandle | undefined> {
  if (options.mode === 'stateful') return undefined;
  const downstream = gateway.relayDownstream();
  if (downstream === undefined) return undefined;
  return serveDirectHttp(gateway.app, { downstream, access: gateway.access, recorder: gateway.recorder }, options);
}
