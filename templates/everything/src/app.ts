/**
 * Assembles the server: every tool, resource and prompt, and the feed of resource changes behind
 * resource subscriptions. Tests call `createApp()` and connect to it in process.
 */
import { createLogger, createServer, ResourceUpdates, type Logger, type McpApp } from '@mcp-factory/runtime';

import pkg from '../package.json' with { type: 'json' };
import { createPrompts } from './prompts/index.js';
import { createResources } from './resources/index.js';
import { WatchedResource } from './resources/watched-resource.js';
import { createTools } from './tools/index.js';

export interface AppOptions {
  logger?: Logger;
}

export function createApp(options: AppOptions = {}): McpApp {
  const logger = options.logger ?? createLogger({ base: { server: pkg.name } });
  // Per-app state: the watched resource's revision, shared by the tool that changes it and the
  // resource that reads it; `resourceUpdates` tells subscribed clients when it changes.
  const resourceUpdates = new ResourceUpdates();
  const watched = new WatchedResource(resourceUpdates);
  return createServer({
    name: pkg.name,
    version: pkg.version,
    title: 'Everything (MCP reference server)',
    instructions:
      'A reference server that exercises every MCP feature. Each tool, resource and prompt demonstrates one protocol ' +
      'feature (content types, logging, progress, errors, sampling, elicitation, subscriptions, completion); their ' +
      'descriptions say which. Nothing here has side effects outside this server.',
    tools: createTools({ watched }),
    resources: createResources({ watched }),
    prompts: createPrompts(),
    resourceUpdates,
    logger,
  });
}
