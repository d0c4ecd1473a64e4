import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { describe, expect, test } from 'vitest';

import { InMemoryEventStore } from './event-store.js';

const message = (id: number): JSONRPCMessage => ({ jsonrpc: '2.0', id, result: {} });

async function replay(store: InMemoryEventStore, after: string) {
  const sent: [string, JSONRPCMessage][] = [];
  const streamId = await store.replayEventsAfter(after, {
    send: async (eventId, sentMessage) => void sent.push([eventId, sentMessage]),
  });
  return { streamId, sent };
}

describe('InMemoryEventStore', () => {
  test('replays the later events of the same stream only, in order', async () => {
    const store = new InMemoryEventStore();
    const a1 = await store.storeEvent('a', message(1));
    const b1 = await store.storeEvent('b', message(2));
    const a2 = await store.storeEvent('a', message(3));
    const a3 = await store.storeEvent('a', message(4));
    expect(await store.getStreamIdForEventId(b1)).toBe('b');
    const { streamId, sent } = await replay(store, a1);
    expect(streamId).toBe('a');
    expect(sent).toEqual([
      [a2, message(3)],
      [a3, message(4)],
    ]);
  });

  test('issues increasing ids that sort as strings', async () => {
    const store = new InMemoryEventStore();
    const ids = [];
    for (let i = 0; i < 12; i++) ids.push(await store.storeEvent('s', message(i)));
    expect([...ids].sort()).toEqual(ids);
  });

  test('forgets the oldest events beyond its capacity', async () => {
    const store = new InMemoryEventStore(2);
    const first = await store.storeEvent('s', message(1));
    const second = await store.storeEvent('s', message(2));
    await store.storeEvent('s', message(3));
    expect(await store.getStreamIdForEventId(first)).toBeUndefined();
    expect(await store.getStreamIdForEventId(second)).toBe('s');
  });

  test('replays nothing for an unknown event id', async () => {
    const store = new InMemoryEventStore();
    await store.storeEvent('s', message(1));
    expect(await replay(store, 'nope')).toEqual({ streamId: '', sent: [] });
  });
});
