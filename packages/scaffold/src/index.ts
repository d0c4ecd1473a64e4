/**
 * `@mcp-factory/scaffold`: templates as data and the rendering of new projects from them.
 *
 * Any new export added here becomes public API; use named exports, never wildcards.
 *
 * @module
 */
export { ScaffoldError, ScaffoldErrorCode } from './errors.js';
export { nameProblems, assertValidName } from './name.js';
export {
  defaultTemplatesRoot,
  loadTemplate,
  listTemplates,
  findTemplate,
  resolveAnswers,
  type Template,
  type TemplateOption,
  type Preset,
} from './templates.js';
export { renderProject, type RenderOptions, type RenderResult, type RuntimeSource } from './render.js';
export { RECORD_FILE, readRecord, serializeRecord, type ProjectRecord } from './record.js';
export { runCommand, type CommandResult, type RunCommandOptions } from './run-command.js';
export { packRuntime, runtimePackageDir, runtimeVersion } from './runtime-package.js';
