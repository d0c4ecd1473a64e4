/**
 * The registry's data model and the on-disk format (validated with zod on every read). A server
 * entry holds how to start it (transports), where it came from, the configuration it needs (names
 * and descriptions, never values) and, once inspected, a cached copy of its tools, resources and
 * prompts with a hash of each tool's definition.
 *
 * @module
 */
import { z } from 'zod';

/** Version of the store file format. */
export const STORE_VERSION = 1;

const StdioTransportSchema = z.object({
  type: z.literal('stdio'),
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  /** Names of environment variables passed to the server (values come from the caller's env). */
  env: z.array(z.string()).default([]),
  cwd: z.string().optional(),
});

const HeaderSchema = z.object({
  name: z.string().min(1),
  /** The environment variable whose value becomes the header's value at connection time. */
  env: z.string().min(1),
});

const HttpTransportSchema = z.object({
  type: z.literal('http'),
  url: z.url(),
  headers: z.array(HeaderSchema).default([]),
});

/** How to reach a server. */
export const TransportSchema = z.discriminatedUnion('type', [StdioTransportSchema, HttpTransportSchema]);
export type Transport = z.infer<typeof TransportSchema>;
export type StdioTransport = z.infer<typeof StdioTransportSchema>;
export type HttpTransport = z.infer<typeof HttpTransportSchema>;

/** Where an entry was found. */
export const OriginSchema = z.object({
  source: z.enum(['manual', 'factory-project', 'npm-package', 'server-json', 'client-config']),
  /** The file it was read from (absent for manual entries). */
  path: z.string().optional(),
  /** Which client config (claude-desktop, claude-code, cursor, vscode, mcp-json). */
  client: z.string().optional(),
});
export type Origin = z.infer<typeof OriginSchema>;

/** A setting the server needs: its name and what it is for, never its value. */
export const ConfigItemSchema = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  required: z.boolean().default(false),
  secret: z.boolean().default(false),
});
export type ConfigItem = z.infer<typeof ConfigItemSchema>;

/** A published package the server is distributed as (for `export --to server-json`). */
export const PackageRefSchema = z.object({
  registryType: z.string(),
  identifier: z.string(),
  version: z.string().optional(),
  arguments: z.array(z.string()).default([]),
});
export type PackageRef = z.infer<typeof PackageRefSchema>;

const ToolSchema = z.object({
  name: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
  inputSchema: z.unknown(),
  annotations: z.unknown().optional(),
  /** `sha256:<hex>` of the canonical definition (see ./hash.ts). */
  hash: z.string(),
});
export type CachedTool = z.infer<typeof ToolSchema>;

const NamedSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  uri: z.string().optional(),
  uriTemplate: z.string().optional(),
});
export type CachedItem = z.infer<typeof NamedSchema>;

/** What the last inspection saw. */
export const CacheSchema = z.object({
  inspectedAt: z.string(),
  serverInfo: z.object({ name: z.string(), version: z.string().optional() }).optional(),
  protocolVersion: z.string().optional(),
  instructions: z.string().optional(),
  tools: z.array(ToolSchema),
  resources: z.array(NamedSchema),
  resourceTemplates: z.array(NamedSchema).default([]),
  prompts: z.array(NamedSchema),
  /** cl100k_base tokens of the tools/list result. */
  toolsTokens: z.number().int().nonnegative(),
});
export type Cache = z.infer<typeof CacheSchema>;

/** A tool whose definition differs from the pinned one. */
export const ToolChangeSchema = z.object({
  tool: z.string(),
  kind: z.enum(['changed', 'added', 'removed']),
  /** Canonical definitions (see ./hash.ts), pretty JSON. */
  before: z.string().optional(),
  after: z.string().optional(),
  detectedAt: z.string(),
});
export type ToolChange = z.infer<typeof ToolChangeSchema>;

/** One server of the catalog. */
export const ServerEntrySchema = z.object({
  name: z.string(),
  version: z.string().optional(),
  description: z.string().optional(),
  transports: z.array(TransportSchema).min(1),
  origin: OriginSchema,
  config: z.array(ConfigItemSchema).default([]),
  package: PackageRefSchema.optional(),
  /** Name in the official MCP Registry (`io.github.org/name`), when known. */
  registryName: z.string().optional(),
  cache: CacheSchema.optional(),
  /** Tool name → pinned `sha256:` hash, set by the first inspection (or `inspect --accept`). */
  pins: z.record(z.string(), z.string()).default({}),
  /** Differences from the pins seen by the last inspection (a "rug pull" when `changed`). */
  changes: z.array(ToolChangeSchema).default([]),
  addedAt: z.string(),
  updatedAt: z.string(),
});
export type ServerEntry = z.infer<typeof ServerEntrySchema>;
/** An entry as callers supply it (defaults not yet applied). */
export type ServerEntryInput = z.input<typeof ServerEntrySchema>;

/** The store file. */
export const StoreFileSchema = z.object({
  version: z.literal(STORE_VERSION),
  servers: z.record(z.string(), ServerEntrySchema),
});
export type StoreFile = z.infer<typeof StoreFileSchema>;
