/**
 * `@mcp-factory/registry`: a catalog of MCP servers on disk — discovery from factory projects,
 * npm packages, server.json files and client configs; inspection with tool-hash pinning; export
 * to client configs; and `resolveServer`, the seam the test harness and the gateway use.
 *
 * Any new export added here becomes public API; use named exports, never wildcards.
 *
 * @module
 */
export { RegistryError, RegistryErrorCode, isRegistryError, type RegistryErrorData } from './errors.js';
export { MAX_NAME_LENGTH, nameProblem, toServerName, validateName } from './names.js';
export { factoryStateHome, projectStorePath, userStorePath } from './state-home.js';
export {
  STORE_VERSION,
  ServerEntrySchema,
  type Cache,
  type CachedItem,
  type CachedTool,
  type ConfigItem,
  type HttpTransport,
  type Origin,
  type PackageRef,
  type ServerEntry,
  type ServerEntryInput,
  type StdioTransport,
  type StoreFile,
  type ToolChange,
  type Transport,
} from './schema.js';
export { RegistryStore, parseStore } from './store.js';
export { Catalog, type CatalogOptions, type NewEntry, type Scope, type ScopedEntry } from './catalog.js';
export {
  missingConfig,
  resolveEntry,
  resolveServer,
  type HttpTarget,
  type ResolveOptions,
  type ResolvedTarget,
  type StdioTarget,
} from './resolve.js';
export { canonicalTool, comparePins, hashTool, lineDiff, type PinDifference, type ToolDefinitionLike } from './hash.js';
export { connectTarget, tailLines, type ConnectTargetOptions, type TargetConnection } from './connect.js';
export { applyInspection, inspectTarget, type Inspection } from './inspect.js';
export { countTokens } from './tokens.js';
export {
  claudeDesktopConfigPath,
  defaultClientConfigs,
  discover,
  type ClientConfigFile,
  type ClientKind,
  type DiscoveryOptions,
  type DiscoveryProblem,
  type DiscoveryResult,
  type SourceName,
  type SourceReport,
} from './discovery/index.js';
export { headerEnvName } from './discovery/server-json.js';
export {
  EXPORT_FORMATS,
  mergeExport,
  renderExport,
  writeExport,
  type ExportDocument,
  type ExportFormat,
} from './export.js';
