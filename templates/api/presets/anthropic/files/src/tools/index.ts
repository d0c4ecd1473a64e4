import type { ApiClient } from '../client.js';
import type { Config } from '../config.js';
import { ask } from './ask.js';
import { listModels } from './list-models.js';

/** Every tool of this server, bound to one API client and the configured defaults. */
export function createTools(client: ApiClient, config: Config) {
  return [ask(client, config), listModels(client)];
}
