import { defineTool } from '@mcp-factory/runtime';

import { WATCHED_URI, type WatchedResource } from '../resources/watched-resource.js';

/** `test_update_watched_resource`: changes `test://watched-resource`, notifying its subscribers. */
export function updateWatchedResource(watched: WatchedResource) {
  return defineTool({
    name: 'test_update_watched_resource',
    title: 'Update the watched resource',
    description: `Changes ${WATCHED_URI} (demonstrates notifications/resources/updated: clients subscribed to it are told to read it again).`,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    run: () => `${WATCHED_URI} is now at revision ${watched.update()}.`,
  });
}
