import type { ApiClient } from '../client.js';
import type { Config } from '../config.js';
import { ask } from './ask.js';
import { search } from './search.js';

/** Every tool of this server, bound to one API client and the configured defaults. */
export function createTools(client: ApiClient, config: Config) {
  return [search(client, config), ask(client, config)];
}
