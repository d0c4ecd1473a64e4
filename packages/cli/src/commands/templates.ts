/**
 * `mcp-factory templates`: lists the templates, their versions and their options.
 *
 * @module
 */
import { listTemplates, type Template } from '@mcp-factory/scaffold';

import { renderTable } from '../table.js';

/** Loads every template (validating each manifest). */
export function runTemplates(templatesRoot?: string): Promise<Template[]> {
  return listTemplates(templatesRoot);
}

/** The listing `templates` prints. */
export function describeTemplates(templates: readonly Template[]): string {
  const rows: string[][] = [];
  for (const template of templates) {
    rows.push([template.name, template.version, template.description]);
    for (const option of template.options) {
      for (const [choice, hint] of Object.entries(option.choices)) {
        rows.push(['', '', `  --${option.name} ${choice}${choice === option.default ? ' (default)' : ''}: ${hint}`]);
      }
    }
  }
  return renderTable(['template', 'version', 'description'], rows);
}
