import { defineResourceTemplate } from '@mcp-factory/runtime';

/** Ids offered by `resources/list` and by completion; any other id reads just as well. */
const EXAMPLE_IDS = ['1', '2', '3', '123'];

/** `test://template/{id}/data`: a resource template whose `{id}` is substituted into the content. */
export const templateData = defineResourceTemplate({
  name: 'template-data',
  uriTemplate: 'test://template/{id}/data',
  title: 'Data by id',
  description: 'JSON data for any id (demonstrates resource templates, their listing and completion of {id}).',
  mimeType: 'application/json',
  list: () =>
    EXAMPLE_IDS.map((id) => ({
      uri: `test://template/${id}/data`,
      name: `template-data-${id}`,
      mimeType: 'application/json',
    })),
  complete: { id: (value) => EXAMPLE_IDS.filter((id) => id.startsWith(value)) },
  read: (_uri, variables) => {
    // Variables are lists only for explode modifiers (`{id*}`), which this template does not use.
    const id = [variables.id ?? ''].flat().join(',');
    return JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` });
  },
});
