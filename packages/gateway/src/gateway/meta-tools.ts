/**
 * The meta-tools of `--expose meta`: a handful of small tools with tight descriptions that give a
 * model every downstream tool without listing them all (see the README's context figures).
 *
 * @module
 */
import { defineTool, TimeoutError, ToolError, z, type CallContext, type ToolDefinition } from '@mcp-factory/runtime';

import { GatewayError, GatewayErrorCode } from './errors.js';
import type { RequestBounds } from './downstream.js';
import type { Gateway, GatewayOptions } from './gateway.js';
import { factoryTools } from './factory-tools.js';
import { installServerTool } from './install-tool.js';
import { searchAnswer } from './search-answer.js';

/** Maps a gateway failure to the runtime error the client sees (message and code kept). */
export function toRuntimeError(error: unknown): unknown {
  if (!(error instanceof GatewayError)) return error;
  const data = { gatewayCode: error.code, ...(error.server === undefined ? {} : { server: error.server }) };
  return error.code === GatewayErrorCode.Timeout
    ? new TimeoutError(error.message, { data, cause: error })
    : new ToolError(error.message, { data, cause: error });
}

/** Runs `work`, mapping gateway failures to runtime errors. */
export async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toRuntimeError(error);
  }
}

/**
 * Notes in the journal which downstream served the call, as an upstream exchange to
 * `mcp://server/what` (`what`: the tool, resource or prompt; empty for a call about the server itself).
 */
export async function served<T>(ctx: CallContext, server: string, what: string, work: () => Promise<T>): Promise<T> {
  const startedAt = Date.now();
  const started = performance.now();
  let status: number | 'timeout' | 'network' = 200;
  try {
    return await work();
  } catch (error) {
    status = error instanceof GatewayError && error.code === GatewayErrorCode.Timeout ? 'timeout' : 'network';
    throw toRuntimeError(error);
  } finally {
    ctx.recordExchange({
      upstream: server,
      method: 'MCP',
      url: `mcp://${server}/${what}`,
      status,
      attempt: 1,
      startedAt,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    });
  }
}

const text = (value: unknown): string => JSON.stringify(value);

/**
 * The bounds of a downstream call made for `ctx`: the client's cancellation, what is left of its
 * deadline (less a margin to answer in), and its progress passed on as values (the client's token
 * is the runtime's business, not the downstream's).
 *
 * The signal is the SDK's own for this request (`ctx.mcp.mcpReq.signal`, aborted when the client
 * cancels), not `ctx.signal`: reading that one makes the runtime build a controller of its own per
 * call, and what else aborts it is covered here anyway, the deadline by the downstream request's
 * timeout (shorter than the call's) and shutdown by the gateway stopping its downstreams.
 */
export function callBounds(ctx: CallContext): RequestBounds {
  return {
    signal: ctx.mcp.mcpReq.signal,
    timeoutMs: Math.max(1, ctx.remainingMs() - 50),
    onProgress: ({ progress, total, message }) => void ctx.progress(progress, total, message),
  };
}

/** The meta-tools over `gateway`. */
export function metaTools(gateway: Gateway, options: GatewayOptions, logDir: string): ToolDefinition[] {
  const budget = (options.requestTimeoutMs ?? 30_000) + 5_000;
  // Schemas stay small on purpose: every token here is paid by every conversation (see the bench).
  // Server names are at most 64 characters and tool names 128: a longer one is refused, not echoed back in full.
  const serverName = z.string().min(1).max(64).describe('Server name');
  const tools: ToolDefinition[] = [
    defineTool({
      name: 'search_tools',
      description:
        'Find tools on all servers by describing the task; returns servers, their tools and input schemas for call_tool.',
      input: z.object({
        query: z.string().min(1).max(500).describe('The task, in plain words'),
        limit: z.number().int().min(1).max(20).default(5),
      }),
      timeoutMs: budget,
      annotations: { readOnlyHint: true },
      async run({ query, limit }, ctx) {
        const { matches, unavailable } = await guarded(() => gateway.search(query, limit, callBounds(ctx)));
        return text(searchAnswer(matches, unavailable));
      },
    }),
    defineTool({
      name: 'call_tool',
      description: 'Call a tool found with search_tools.',
      input: z.object({
        server: serverName,
        tool: z.string().min(1).max(128),
        arguments: z.record(z.string(), z.unknown()).optional(),
      }),
      timeoutMs: budget,
      async run({ server, tool, arguments: args }, ctx) {
        return served(ctx, server, tool, () => gateway.call(server, tool, args, callBounds(ctx)));
      },
    }),
    defineTool({
      name: 'list_servers',
      description: 'List servers with state and tool counts.',
      annotations: { readOnlyHint: true },
      run: () => text({ servers: gateway.servers() }),
    }),
    defineTool({
      name: 'load_server',
      description: 'Start a server now (else it starts on first use).',
      input: z.object({ name: serverName }),
      timeoutMs: budget,
      async run({ name }, ctx) {
        const tools = await served(ctx, name, '', () => gateway.load(name, callBounds(ctx)));
        return text({ server: name, state: 'running', tools });
      },
    }),
    defineTool({
      name: 'unload_server',
      description: 'Stop a server until next use.',
      input: z.object({ name: serverName }),
      async run({ name }) {
        await guarded(() => gateway.unload(name));
        return text({ server: name, state: 'stopped' });
      },
    }),
    defineTool({
      name: 'reload_server',
      description: 'Restart a server and re-read its tools.',
      input: z.object({ name: serverName }),
      timeoutMs: budget,
      async run({ name }, ctx) {
        const tools = await served(ctx, name, '', () => gateway.reload(name));
        return text({ server: name, state: 'running', tools });
      },
    }),
  ];
  if (options.installDir !== undefined) tools.push(installServerTool(gateway, options.installDir, logDir));
  if (options.factory !== undefined) tools.push(...factoryTools(gateway, options.factory));
  return tools;
}
