/**
 * Resource subscriptions: one feed of resource changes per app, delivered as
 * `notifications/resources/updated` to every client that asked for them, in whichever way its
 * protocol revision asks:
 *
 * - 2025-era clients send `resources/subscribe` / `resources/unsubscribe` on a connection (stdio)
 *   or a session (stateful HTTP), and get unsolicited notifications for the URIs they subscribed;
 * - 2026-07-28 clients open a `subscriptions/listen` stream naming the URIs; the SDK's serving
 *   entries own those streams, and the runtime feeds them (the HTTP front bridges the feed to its
 *   handler's event bus, a stdio connection forwards to its listen router).
 *
 * A per-request instance (stateless HTTP) answers `resources/subscribe` but has no channel to
 * deliver updates on later; use stateful HTTP or a 2026-07-28 client for live updates.
 *
 * @module
 */
import type { McpRequestContext, McpServer } from '@modelcontextprotocol/server';

import type { Logger } from './logger.js';

/** Receives the URI of a resource whose content changed. */
export type ResourceUpdateListener = (uri: string) => void;

/**
 * The feed of resource changes of one app. Create one, hand it to `createServer({ resourceUpdates })`
 * (which then advertises `resources.subscribe` and serves subscriptions), and call
 * {@link ResourceUpdates.publish} whenever a resource's content changes. Clients that did not
 * subscribe to the URI are not notified. Holds no per-connection state of its own.
 */
export class ResourceUpdates {
  readonly #listeners = new Set<ResourceUpdateListener>();

  /** Announces that the resource at `uri` changed. Listener failures are isolated from each other. */
  publish(uri: string): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(uri);
      } catch {
        // One broken connection must not keep the others from hearing about the change.
      }
    }
  }

  /** Registers `listener` for every published URI; returns an idempotent unsubscribe function. */
  subscribe(listener: ResourceUpdateListener): () => void {
    // A wrapper, so that subscribing the same function twice yields two independent registrations.
    const entry: ResourceUpdateListener = (uri) => listener(uri);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /** Number of registered listeners (open connections that may need updates). */
  get listenerCount(): number {
    return this.#listeners.size;
  }
}

/**
 * Wires one SDK instance to the app's feed (called by `createServer`'s factory; not public API).
 *
 * - 2025-era instance: answers `resources/subscribe` / `resources/unsubscribe`; a connection- or
 *   session-lived instance tracks its URIs and forwards matching updates while it is connected.
 * - 2026-07-28 instance pinned to a stdio connection (no `requestInfo`): forwards every update; the
 *   stdio entry's listen router delivers it to the matching `subscriptions/listen` streams only.
 * - 2026-07-28 per-request instance: nothing to do (the HTTP front bridges the feed to its bus).
 */
export function attachResourceSubscriptions(
  server: McpServer,
  context: McpRequestContext,
  updates: ResourceUpdates,
  logger: Logger,
): void {
  const perRequest = context.requestInfo !== undefined;
  if (context.era === 'modern' && perRequest) return;

  const sdk = server.server;
  let stop: (() => void) | undefined;
  let connected = false;
  const forward = (uri: string): void => {
    if (!server.isConnected()) {
      // Not connected yet (the factory's caller connects it next): skip. No longer connected: detach.
      if (connected) stop?.();
      return;
    }
    connected = true;
    sdk.sendResourceUpdated({ uri }).catch((error: unknown) => {
      logger.debug({ err: error, uri }, 'resource update notification not delivered');
    });
  };
  const start = (listener: ResourceUpdateListener): void => {
    if (stop !== undefined) return;
    stop = updates.subscribe(listener);
    const previous = sdk.onclose;
    sdk.onclose = () => {
      stop?.();
      previous?.();
    };
  };

  if (context.era === 'modern') {
    start(forward);
    return;
  }
  const subscribed = new Set<string>();
  sdk.setRequestHandler('resources/subscribe', (request) => {
    // A per-request instance is gone before any update happens: accept, but track nothing.
    if (!perRequest) {
      subscribed.add(request.params.uri);
      start((uri) => {
        if (subscribed.has(uri)) forward(uri);
      });
    }
    return {};
  });
  sdk.setRequestHandler('resources/unsubscribe', (request) => {
    subscribed.delete(request.params.uri);
    return {};
  });
}
