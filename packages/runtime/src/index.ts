/**
 * `@mcp-factory/runtime`: the one package a generated MCP server imports.
 *
 * Any new export added here becomes public API; use named exports, never wildcards.
 *
 * @module
 */
export {
  defineTool,
  defineResource,
  defineResourceTemplate,
  definePrompt,
  type AnyDefinition,
  type CallContext,
  type ToolDefinition,
  type ToolReturn,
  type ResourceDefinition,
  type ResourceTemplateDefinition,
  type ResourceReturn,
  type PromptDefinition,
  type PromptReturn,
} from './define.js';
export {
  ErrorCode,
  RPC_CODES,
  McpFactoryError,
  ToolError,
  InvalidParamsError,
  TimeoutError,
  ResourceNotFoundError,
  UnauthorizedError,
  CancelledError,
  ConfigError,
  isMcpFactoryError,
  type McpFactoryErrorOptions,
} from './errors.js';
export { createServer, DEFAULT_TIMEOUT_MS, type McpApp, type ServerOptions, type CallInput } from './server.js';
export { createLogger, LOG_LEVELS, type Logger, type LoggerOptions, type LogLevel } from './logger.js';
export { composePolicies, CallAttribute, type Call, type Outcome, type Policy } from './policies/chain.js';
export { redactArgs } from './policies/access-log.js';
export { toFactoryError } from './policies/error-boundary.js';
export { InflightRegistry } from './policies/inflight.js';
export { ERROR_META_KEY, toToolResult, toResourceResult, toPromptResult, toolErrorResult } from './results.js';
export { parseCommandLine, usage, type ServeOptions, type ParsedCommandLine } from './config.js';
export { applyConfigFile, configFilePath, readConfigFile, RUNTIME_VARIABLES } from './config-file.js';
export { serve, serveOptionsFrom, type ServeAppOptions, type ServerHandle } from './serve.js';
export { runMain, type RunMainOptions, type RunningServer } from './main.js';
export {
  capHeapGrowth,
  heapGrowingFlag,
  DEFAULT_HEAP_GROWING_PERCENT,
  HEAP_GROWING_PERCENT_VARIABLE,
} from './heap-growth.js';
export { serveStdio, type ServeStdioOptions, type StdioHandle } from './transports/stdio.js';
export { JsonRpcStdioTransport, BATCH_REVISIONS, type StdioTransportOptions } from './transports/stdio-transport.js';
export {
  serveHttp,
  createHttpListener,
  sendJsonRpcError,
  type ServeHttpOptions,
  type HttpHandle,
  type HttpListener,
} from './transports/http.js';
export {
  checkHost,
  checkOrigin,
  allowedHostnames,
  batchAllowed,
  LOOPBACK_HOSTNAMES,
} from './transports/http-guards.js';
export { isSecretQueryKey } from './secret-query.js';
export { InMemoryEventStore } from './transports/event-store.js';
export { deliverProgressBeforeResults, type ConnectedProtocol } from './progress-order.js';
export { ResourceUpdates, type ResourceUpdateListener } from './subscriptions.js';
export {
  completable,
  ResourceTemplate,
  McpServer,
  type McpServerFactory,
  type McpRequestContext,
} from '@modelcontextprotocol/server';
// Multi-round-trip input (elicitation, sampling, roots) that works for both eras: a handler returns
// `inputRequired(...)`; 2026-07-28 clients answer in a retry, 2025-era ones through the SDK's shim.
export {
  inputRequired,
  inputResponse,
  acceptedContent,
  type InputRequiredResult,
  type InputResponseView,
  type ContentBlock,
  type PromptMessage,
} from '@modelcontextprotocol/server';
export * as z from 'zod';
export {
  createUpstreamClient,
  expectShape,
  redactUrl,
  type UpstreamClient,
  type UpstreamClientOptions,
  type UpstreamRequest,
  type UpstreamResponse,
  type UpstreamClassification,
  type UpstreamCacheOptions,
  type UpstreamHealth,
  type CircuitStatus,
} from './upstream/client.js';
export {
  upstreamSettingsFromEnv,
  UPSTREAM_DEFAULTS,
  type UpstreamSettings,
  type UpstreamRetrySettings,
  type UpstreamBreakerSettings,
  type UpstreamBulkheadSettings,
  type UpstreamCacheSettings,
} from './upstream/config.js';
export type { CacheEntry, CacheStore } from './upstream/cache-store.js';
export {
  UpstreamError,
  parseRetryAfter,
  upstreamErrorFromStatus,
  type UpstreamFailure,
  type UpstreamErrorDetails,
} from './upstream/errors.js';
export { runtimeMetrics, createRuntimeMetrics, CIRCUIT_STATE, type RuntimeMetrics } from './observability/metrics.js';
export {
  runtimeHealth,
  HealthRegistry,
  type HealthCheck,
  type HealthStatus,
  type Readiness,
} from './observability/health.js';
export { serveOperationalEndpoint, OPERATIONAL_PATHS, type EndpointSources } from './observability/endpoints.js';
export { serveMetricsPort, type MetricsServer } from './observability/metrics-server.js';
export { metricsPolicy } from './policies/metrics.js';
export {
  parseTokenList,
  parseRate,
  DEFAULT_JWT_ALGORITHMS,
  type StaticToken,
  type OAuthOptions,
  type HttpAuthOptions,
  type RateLimitOptions,
  type HttpSecuritySettings,
} from './security/config.js';
export type { HttpSecurityOptions } from './security/front.js';
// The HTTP front's security steps, for fronts built outside the runtime (the gateway's direct HTTP relay).
export { createHttpSecurity, type HttpSecurity, type Admission } from './security/front.js';
export { createAuthenticator, type Authenticator, type AuthenticatorOptions } from './security/auth.js';
export { AuthFailure, type AuthFailureKind } from './security/auth-failure.js';
export { constantTimeEqual } from './security/static-tokens.js';
export { missingScopes } from './security/scopes.js';
export { createMemoryRateLimiter, type RateLimiter, type RateLimitVerdict } from './security/rate-limit.js';
export { createRedisRateLimiter, type RedisRateLimiterOptions } from './security/redis-rate-limit.js';
export { openJournal, Journal, type JournalOptions, type FsyncPolicy } from './journal/journal.js';
export { journalOptionsFromEnv, type JournalEnvDefaults } from './journal/config.js';
export { defaultJournalDir, factoryStateHome, journalFolderName } from './journal/default-dir.js';
export { JournalError, type JournalFailure } from './journal/errors.js';
export {
  readJournal,
  relayTarget,
  type ReadJournalOptions,
  type JournalFilter,
  type RelayTarget,
} from './journal/reader.js';
export { followJournal, type FollowJournalOptions } from './journal/follow.js';
export type { RecoveryReport } from './journal/recovery.js';
export type { JournalEntry, JournalRecord, RecordedError, CorruptLine } from './journal/record.js';
export { journalPolicy } from './policies/journal.js';
export type { UpstreamExchange, ExchangeFailure, ExchangeListener } from './upstream/exchange.js';
