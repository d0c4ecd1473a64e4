import { staticBinary } from './static-binary.js';
import { staticText } from './static-text.js';
import { templateData } from './template-data.js';
import { watchedResource, type WatchedResource } from './watched-resource.js';

/** Every resource and resource template of this server. */
export function createResources(state: { watched: WatchedResource }) {
  return [staticText, staticBinary, watchedResource(state.watched), templateData];
}
