/**
 * An in-process event store for resumable Streamable HTTP streams (stateful mode): keeps the last
 * `capacity` events so a client that reconnects with `Last-Event-ID` gets what it missed.
 *
 * @module
 */
import type { EventId, EventStore, JSONRPCMessage, StreamId } from '@modelcontextprotocol/server';

interface StoredEvent {
  readonly streamId: StreamId;
  readonly message: JSONRPCMessage;
}

/** Bounded in-memory {@link EventStore}; the oldest events are forgotten first. */
export class InMemoryEventStore implements EventStore {
  readonly #events = new Map<EventId, StoredEvent>();
  readonly #capacity: number;
  #sequence = 0;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  async storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    this.#sequence += 1;
    const eventId = `${streamId}_${String(this.#sequence).padStart(12, '0')}`;
    this.#events.set(eventId, { streamId, message });
    if (this.#events.size > this.#capacity) {
      const oldest = this.#events.keys().next().value;
      if (oldest !== undefined) this.#events.delete(oldest);
    }
    return eventId;
  }

  async getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    return this.#events.get(eventId)?.streamId;
  }

  async replayEventsAfter(
    lastEventId: EventId,
    { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> },
  ): Promise<StreamId> {
    const last = this.#events.get(lastEventId);
    if (last === undefined) return '';
    let found = false;
    for (const [eventId, event] of this.#events) {
      if (eventId === lastEventId) {
        found = true;
        continue;
      }
      if (found && event.streamId === last.streamId) await send(eventId, event.message);
    }
    return last.streamId;
  }
}
