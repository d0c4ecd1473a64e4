import { setTimeout as sleep } from 'node:timers/promises';

import { defineTool } from '@mcp-factory/runtime';

/** `test_tool_with_progress`: progress notifications 0, 50 and 100 of 100. */
export const toolWithProgress = defineTool({
  name: 'test_tool_with_progress',
  title: 'Tool with progress',
  description:
    'Reports progress 0/100, 50/100 and 100/100 about 50 ms apart when the request carries a progress token (demonstrates notifications/progress).',
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(_args, ctx) {
    await ctx.progress(0, 100, 'Starting');
    await sleep(50, undefined, { signal: ctx.signal });
    await ctx.progress(50, 100, 'Halfway');
    await sleep(50, undefined, { signal: ctx.signal });
    await ctx.progress(100, 100, 'Done');
    return 'Tool with progress executed: reported 0, 50 and 100 of 100.';
  },
});
