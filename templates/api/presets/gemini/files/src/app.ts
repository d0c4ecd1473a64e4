/**
 * Assembles the server: configuration, the Gemini client and the tools. Tests call `createApp`
 * with a mocked client or a client pointed at the fake upstream.
 */
import { createLogger, createServer, type JournalOptions, type Logger, type McpApp } from '@mcp-factory/runtime';

import pkg from '../package.json' with { type: 'json' };
import { createApiClient, type ApiClient } from './client.js';
import { loadConfig, type Config } from './config.js';
import { useTools } from './prompts/use-tools.js';
import { toolGuide } from './resources/tool-guide.js';
import { createTools } from './tools/index.js';

export interface AppOptions {
  /** Defaults to `loadConfig(process.env)`. */
  config?: Config;
  /** Defaults to a real client built from `config`. */
  client?: ApiClient;
  logger?: Logger;
  /**
   * The journal of calls (options or `false`); default from the environment (`MCP_JOURNAL_DIR`).
   * The bin (`src/index.ts`) passes the user's state directory as the default, so a running server
   * always journals unless `MCP_JOURNAL=off`; tests that call `createApp` get none unless they ask.
   */
  journal?: JournalOptions | false;
}

export function createApp(options: AppOptions = {}): McpApp {
  const config = options.config ?? loadConfig();
  const logger = options.logger ?? createLogger({ base: { server: pkg.name } });
  const client = options.client ?? createApiClient(config, { logger });
  const tools = createTools(client, config);
  return createServer({
    name: pkg.name,
    version: pkg.version,
    instructions:
      'Tools over the Gemini API. Use ask to get a second opinion, a draft or an answer from a Google Gemini model; ' +
      'use list_models to find model ids for its `model` argument.',
    tools,
    resources: [toolGuide(pkg.name, tools)],
    prompts: [useTools(pkg.name, tools)],
    logger,
    ...(options.journal === undefined ? {} : { journal: options.journal }),
  });
}
