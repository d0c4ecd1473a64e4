import { setTimeout as sleep } from 'node:timers/promises';

import { defineTool } from '@mcp-factory/runtime';

/** `test_tool_with_logging`: three log notifications to the client while it runs. */
export const toolWithLogging = defineTool({
  name: 'test_tool_with_logging',
  title: 'Tool with logging',
  description:
    'Sends three info log messages to the client 50 ms apart (demonstrates notifications/message during a call, filtered by logging/setLevel).',
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(_args, ctx) {
    await ctx.clientLog('info', 'Tool execution started');
    await sleep(50, undefined, { signal: ctx.signal });
    await ctx.clientLog('info', 'Tool processing data');
    await sleep(50, undefined, { signal: ctx.signal });
    await ctx.clientLog('info', 'Tool execution completed');
    return 'Tool with logging executed: sent 3 log messages.';
  },
});
