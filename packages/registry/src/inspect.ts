/**
 * Inspection: connect to a server, list every page of its tools, resources, resource templates and
 * prompts, record its identity and negotiated protocol revision, hash each tool's definition and
 * count the tokens of its tools/list. Against the pins of an earlier inspection, the result says
 * which tools changed (a "rug pull"), appeared or disappeared.
 *
 * @module
 */
import { type ConnectTargetOptions, connectTarget } from './connect.js';
import { RegistryError, RegistryErrorCode } from './errors.js';
import { canonicalTool, comparePins, hashTool } from './hash.js';
import type { ResolvedTarget } from './resolve.js';
import type { Cache, CachedItem, CachedTool, ServerEntry, ToolChange } from './schema.js';
import { countTokens } from './tokens.js';

/** What {@link inspectTarget} saw. */
export interface Inspection {
  cache: Cache;
  /** Tool name → hash of the current definitions. */
  hashes: Record<string, string>;
  /** Server stderr during the inspection (for diagnostics). */
  stderr: string;
}

function named(
  items: readonly { name: string; description?: string; uri?: string; uriTemplate?: string }[],
): CachedItem[] {
  return items.map((item) => ({
    name: item.name,
    ...(item.description === undefined ? {} : { description: item.description }),
    ...(item.uri === undefined ? {} : { uri: item.uri }),
    ...(item.uriTemplate === undefined ? {} : { uriTemplate: item.uriTemplate }),
  }));
}

/** Connects to `target` and lists everything it offers (see the module's doc). */
export async function inspectTarget(target: ResolvedTarget, options: ConnectTargetOptions = {}): Promise<Inspection> {
  const connection = await connectTarget(target, options);
  const { client } = connection;
  try {
    const capabilities = client.getServerCapabilities() ?? {};
    const request = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
      try {
        return await call();
      } catch (error) {
        throw new RegistryError(
          RegistryErrorCode.RequestFailed,
          `${options.label ?? 'the server'} failed ${what}: ${(error as Error).message}`,
          { ...(options.label === undefined ? {} : { server: options.label }) },
          { cause: error },
        );
      }
    };
    // The no-argument list calls walk every page (nextCursor) and aggregate them.
    const tools = capabilities.tools === undefined ? [] : (await request('tools/list', () => client.listTools())).tools;
    const resources =
      capabilities.resources === undefined
        ? []
        : (await request('resources/list', () => client.listResources())).resources;
    const templates =
      capabilities.resources === undefined
        ? []
        : (await request('resources/templates/list', () => client.listResourceTemplates())).resourceTemplates;
    const prompts =
      capabilities.prompts === undefined ? [] : (await request('prompts/list', () => client.listPrompts())).prompts;
    const cachedTools: CachedTool[] = tools.map((tool) => ({
      name: tool.name,
      ...(tool.title === undefined ? {} : { title: tool.title }),
      ...(tool.description === undefined ? {} : { description: tool.description }),
      inputSchema: tool.inputSchema,
      ...(tool.annotations === undefined ? {} : { annotations: tool.annotations }),
      hash: hashTool(tool),
    }));
    const info = client.getServerVersion();
    const instructions = client.getInstructions();
    const protocolVersion = client.getNegotiatedProtocolVersion();
    const cache: Cache = {
      inspectedAt: new Date().toISOString(),
      ...(info === undefined ? {} : { serverInfo: { name: info.name, version: info.version } }),
      ...(protocolVersion === undefined ? {} : { protocolVersion }),
      ...(instructions === undefined ? {} : { instructions }),
      tools: cachedTools,
      resources: named(resources),
      resourceTemplates: named(templates),
      prompts: named(prompts),
      toolsTokens: await countTokens(JSON.stringify({ tools })),
    };
    return {
      cache,
      hashes: Object.fromEntries(cachedTools.map((tool) => [tool.name, tool.hash])),
      stderr: connection.stderr(),
    };
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/**
 * Applies an inspection to an entry: stores the cache, pins hashes on the first inspection (or
 * when `accept`), and records how the current tools differ from the pins otherwise.
 */
export function applyInspection(
  entry: ServerEntry,
  inspection: Inspection,
  options: { accept?: boolean } = {},
): ToolChange[] {
  const previous = new Map((entry.cache?.tools ?? []).map((tool) => [tool.name, tool]));
  const firstTime = Object.keys(entry.pins).length === 0 && entry.cache === undefined;
  const detectedAt = inspection.cache.inspectedAt;
  let changes: ToolChange[] = [];
  if (firstTime || options.accept === true) {
    entry.pins = { ...inspection.hashes };
  } else {
    const current = new Map(inspection.cache.tools.map((tool) => [tool.name, tool]));
    changes = comparePins(entry.pins, inspection.hashes).map((difference) => {
      // The pinned definition is the one cached when the pins were taken or last matched; keep the
      // oldest text we have so the diff shows pinned → current.
      const earlier = entry.changes.find((change) => change.tool === difference.tool)?.before;
      const prior = previous.get(difference.tool);
      const before = earlier ?? (prior === undefined ? undefined : canonicalTool(prior));
      const now = current.get(difference.tool);
      return {
        tool: difference.tool,
        kind: difference.kind,
        ...(before === undefined || difference.kind === 'added' ? {} : { before }),
        ...(now === undefined ? {} : { after: canonicalTool(now) }),
        detectedAt,
      };
    });
  }
  entry.changes = changes;
  entry.cache = inspection.cache;
  if (entry.version === undefined && inspection.cache.serverInfo?.version !== undefined) {
    entry.version = inspection.cache.serverInfo.version;
  }
  return changes;
}
