/**
 * @mcp-factory/gateway.
 *
 * @module
 */

// dev
export { runDev, type DevOptions, type DevSession } from './dev/run-dev.js';
export { DevProxy, type DevProxyOptions, type ReloadReport, type ReloadReason } from './dev/proxy.js';
export { DevError, RELOADING_ERROR_CODE, type DevErrorCode } from './dev/errors.js';
export { childCommand, type ChildCommand, type ChildSource } from './dev/child-command.js';
export { RELOAD_TOOL_NAME } from './dev/meta-tool.js';
export { diffLists, describeChanges, type ListChanges, type ListSnapshot } from './dev/list-diff.js';
// gateway
export {
  createGateway,
  type Gateway,
  type GatewayOptions,
  type ExposeMode,
  type ServerStatus,
  type SearchMatch,
} from './gateway/gateway.js';
export { GatewayError, GatewayErrorCode, isGatewayError } from './gateway/errors.js';
export {
  staticSource,
  type ServerSource,
  type ServerSpec,
  type StdioServerSpec,
  type HttpServerSpec,
} from './gateway/server-source.js';
export { createProject, factoryTools, targetOf, type FactoryToolsOptions } from './gateway/factory-tools.js';
export { registrySource, gatewayServerName, type RegistrySourceOptions } from './gateway/registry-source.js';
export { configFileSource, parseClientConfig, DEFAULT_CONFIG_FILE, SERVER_NAME } from './gateway/config-source.js';
export { compileAccessLists, type AccessLists, type AccessPolicy } from './gateway/access-lists.js';
export { assignNames, namespacedName, MAX_NAME } from './gateway/names.js';
export {
  ToolIndex,
  DEFAULT_WEIGHTS,
  type IndexedTool,
  type ToolMatch,
  type ToolIndexOptions,
  type SearchWeights,
} from './gateway/tool-index.js';
export { thesaurusFromLists, wordNetThesaurus, type Thesaurus } from './gateway/search-thesaurus.js';
export {
  defaultWordVectors,
  loadWordVectors,
  parseWordVectors,
  encodeWordVectors,
  DEFAULT_VECTORS_PATH,
  type WordVectors,
} from './gateway/search-vectors.js';
export { Downstream, type DownstreamOptions, type DownstreamState } from './gateway/downstream.js';
export { serveDirectStdio, serveDirectHttpRelay, type PassthroughHandle } from './gateway/serve-direct.js';
export { HttpRelay, serveDirectHttp, type HttpRelayOptions, type DirectHttpHandle } from './gateway/http-relay.js';
export { StdioPassthrough, type StdioPassthroughOptions } from './gateway/passthrough.js';
export {
  RelayDownstream,
  type RelayDownstreamOptions,
  type RelayFront,
  type RelayState,
} from './gateway/relay-downstream.js';
export { CallRecorder, gatewayMetrics, type GatewayMetrics, type RelayedCall } from './gateway/call-record.js';
