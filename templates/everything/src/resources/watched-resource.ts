import { defineResource, type ResourceUpdates } from '@mcp-factory/runtime';

/** URI of the resource clients subscribe to. */
export const WATCHED_URI = 'test://watched-resource';

/**
 * The one resource whose content changes: a revision number. `update()` bumps it and tells
 * subscribed clients (`notifications/resources/updated`); the `test_update_watched_resource` tool
 * calls it.
 */
export class WatchedResource {
  readonly #updates: ResourceUpdates;
  #revision = 0;
  #updatedAt = new Date();

  constructor(updates: ResourceUpdates) {
    this.#updates = updates;
  }

  get revision(): number {
    return this.#revision;
  }

  /** The resource's current content. */
  text(): string {
    return `Revision ${this.#revision}, updated at ${this.#updatedAt.toISOString()}.`;
  }

  /** Changes the content and notifies subscribers; returns the new revision. */
  update(): number {
    this.#revision += 1;
    this.#updatedAt = new Date();
    this.#updates.publish(WATCHED_URI);
    return this.#revision;
  }
}

/** `test://watched-resource`: subscribe to it, then call `test_update_watched_resource`. */
export function watchedResource(watched: WatchedResource) {
  return defineResource({
    name: 'watched-resource',
    uri: WATCHED_URI,
    title: 'Watched resource',
    description:
      'A resource whose content changes when test_update_watched_resource is called (demonstrates resources/subscribe and notifications/resources/updated).',
    mimeType: 'text/plain',
    read: () => watched.text(),
  });
}
