import type { WatchedResource } from '../resources/watched-resource.js';
import { audioContent } from './audio-content.js';
import { elicitation } from './elicitation.js';
import { elicitationDefaults } from './elicitation-sep1034-defaults.js';
import { elicitationEnums } from './elicitation-sep1330-enums.js';
import { embeddedResource } from './embedded-resource.js';
import { errorHandling } from './error-handling.js';
import { imageContent } from './image-content.js';
import { jsonSchema202012 } from './json-schema-2020-12.js';
import { multipleContentTypes } from './multiple-content-types.js';
import { reconnection } from './reconnection.js';
import { resourceLinks } from './resource-links.js';
import { sampling } from './sampling.js';
import { simpleText } from './simple-text.js';
import { structuredContent } from './structured-content.js';
import { toolWithLogging } from './tool-with-logging.js';
import { toolWithProgress } from './tool-with-progress.js';
import { updateWatchedResource } from './update-watched-resource.js';

/** Every tool of this server; `watched` is the state behind the subscription demo. */
export function createTools(state: { watched: WatchedResource }) {
  return [
    simpleText,
    imageContent,
    audioContent,
    embeddedResource,
    resourceLinks,
    multipleContentTypes,
    structuredContent,
    toolWithLogging,
    toolWithProgress,
    errorHandling,
    sampling,
    elicitation,
    elicitationDefaults,
    elicitationEnums,
    jsonSchema202012,
    reconnection,
    updateWatchedResource(state.watched),
  ];
}
