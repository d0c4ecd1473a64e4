import { simplePrompt } from './simple.js';
import { promptWithArguments } from './with-arguments.js';
import { promptWithEmbeddedResource } from './with-embedded-resource.js';
import { promptWithImage } from './with-image.js';

/** Every prompt of this server. */
export function createPrompts() {
  return [simplePrompt, promptWithArguments, promptWithEmbeddedResource, promptWithImage];
}
