import { setTimeout as sleep } from 'node:timers/promises';

import { defineTool } from '@mcp-factory/runtime';

/** How long the tool keeps working after closing its stream, so the result lands while the client is away. */
const WORK_AFTER_CLOSE_MS = 300;

/**
 * `test_reconnection`: closes its own SSE response stream mid-call (SSE polling, SEP-1699).
 *
 * The SDK offers `closeSSE` only where the stream can be resumed: stateful Streamable HTTP with an
 * event store (this server's `--stateful` mode) and a client on protocol 2025-11-25 or later. The
 * client then reconnects with `Last-Event-ID` and gets the result from the event store. Elsewhere
 * (stdio, stateless HTTP, older clients) the tool just answers on the open stream.
 */
export const reconnection = defineTool({
  name: 'test_reconnection',
  title: 'Reconnection',
  description:
    'Closes its SSE response stream mid-call and answers after the client reconnects (demonstrates resumable streams and SSE polling, SEP-1699; needs stateful HTTP).',
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(_args, ctx) {
    const closeStream = ctx.mcp.http?.closeSSE;
    if (closeStream === undefined) {
      return 'Reconnection test completed without closing the stream: resumable streams need stateful Streamable HTTP and protocol 2025-11-25 or later.';
    }
    closeStream();
    await sleep(WORK_AFTER_CLOSE_MS, undefined, { signal: ctx.signal });
    return 'Reconnection test completed: the stream was closed mid-call and this result was delivered after the client reconnected.';
  },
});
