import type { ApiClient } from '../client.js';
import { createItem } from './create-item.js';
import { getItem } from './get-item.js';
import { searchItems } from './search-items.js';

/** Every tool of this server, bound to one API client. */
export function createTools(client: ApiClient) {
  return [searchItems(client), getItem(client), createItem(client)];
}
