/**
 * `--expose all` and `--expose direct`: the downstream tools, resources and prompts themselves,
 * registered as raw list/call handlers on each SDK instance the runtime builds. `all` namespaces
 * names (`server__tool`, see ./names.ts); `direct` serves its one server unrenamed. Tool calls
 * still run through the runtime's policy chain (journal, metrics, deadline, error boundary).
 *
 * @module
 */
import {
  defineTool,
  type McpApp,
  type McpRequestContext,
  type McpServer,
  type ToolDefinition,
} from '@mcp-factory/runtime';
import type { Prompt, Resource, ResourceTemplateType as ResourceTemplate, Tool } from '@modelcontextprotocol/client';
import { ProtocolError, ProtocolErrorCode, ResourceNotFoundError } from '@modelcontextprotocol/server';

import type { Gateway } from './gateway.js';
import { callBounds, served } from './meta-tools.js';
import { assignNames, type NameRequest } from './names.js';

type Exposed = 'all' | 'direct';

interface Route {
  readonly server: string;
  readonly name: string;
}

function rename(mode: Exposed, items: readonly NameRequest[]): Map<string, NameRequest> {
  if (mode === 'all') return assignNames(items);
  return new Map(items.map((item) => [item.name, item]));
}

/** Name maps per kind, rebuilt from the latest lists. Shared by all instances of one gateway. */
class Routes {
  tools = new Map<string, Route>();
  prompts = new Map<string, Route>();
  resources = new Map<string, string>();
  templates: { prefix: string; server: string }[] = [];
}

const routesOf = new WeakMap<Gateway, Routes>();

function toolDefinitionFor(
  gateway: Gateway,
  exposed: string,
  route: Route,
  cache: Map<string, ToolDefinition>,
): ToolDefinition {
  const key = `${exposed}\u0000${route.server}\u0000${route.name}`;
  let definition = cache.get(key);
  if (definition === undefined) {
    definition = defineTool({
      name: exposed,
      description: `${route.server}/${route.name}`,
      // The downstream validates its own arguments; the gateway passes them through untouched.
      timeoutMs: 35_000,
      run: (args, ctx) =>
        served(ctx, route.server, route.name, () =>
          gateway.relaying(ctx.mcp, () =>
            gateway.call(route.server, route.name, args as Record<string, unknown> | undefined, callBounds(ctx)),
          ),
        ),
    });
    cache.set(key, definition);
  }
  return definition;
}

const definitions = new WeakMap<Gateway, Map<string, ToolDefinition>>();

async function catalogs(gateway: Gateway) {
  const lists = await Promise.all(
    gateway.servers().map(async (status) => {
      try {
        await gateway.load(status.name);
        return { server: status.name, catalog: gateway.downstream(status.name).cached() };
      } catch {
        return undefined;
      }
    }),
  );
  return lists.filter((entry) => entry !== undefined);
}

/** Registers the exposed lists on one SDK instance. */
export function registerExposedLists(
  server: McpServer,
  context: McpRequestContext,
  gateway: Gateway,
  app: McpApp,
  mode: Exposed,
): void {
  let routes = routesOf.get(gateway);
  if (routes === undefined) {
    routes = new Routes();
    routesOf.set(gateway, routes);
  }
  const shared = routes;
  let cache = definitions.get(gateway);
  if (cache === undefined) {
    cache = new Map();
    definitions.set(gateway, cache);
  }
  const definitionCache = cache;
  const sdk = server.server;

  const listTools = async (): Promise<Tool[]> => {
    const all = await gateway.allTools();
    const names = rename(
      mode,
      all.map(({ server: s, tool }) => ({ server: s, name: tool.name })),
    );
    const bySource = new Map(all.map(({ server: s, tool }) => [`${s}\u0000${tool.name}`, tool]));
    const tools: Tool[] = [];
    const next = new Map<string, Route>();
    for (const [exposed, source] of names) {
      const tool = bySource.get(`${source.server}\u0000${source.name}`);
      if (tool === undefined) continue;
      next.set(exposed, source);
      tools.push({ ...tool, name: exposed });
    }
    shared.tools = next;
    return tools;
  };

  sdk.setRequestHandler('tools/list', async () => ({ tools: await listTools() }));
  sdk.setRequestHandler('tools/call', async (request, ctx) => {
    const name = request.params.name;
    let route = shared.tools.get(name);
    if (route === undefined) {
      await listTools();
      route = shared.tools.get(name);
    }
    if (route === undefined) {
      // What the SDK answers for a tool it does not have: invalid params, not an internal error.
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Tool ${name} not found`);
    }
    const definition = toolDefinitionFor(gateway, name, route, definitionCache);
    const call = app.createCall({ definition, args: request.params.arguments, sdk: ctx, era: context.era });
    return (await app.dispatch(call)) as never;
  });

  const listResources = async () => {
    const lists = await catalogs(gateway);
    const resources: Resource[] = [];
    const templates: ResourceTemplate[] = [];
    const uris = new Map<string, string>();
    const prefixes: { prefix: string; server: string }[] = [];
    for (const { server: s, catalog } of lists) {
      for (const resource of catalog.resources) {
        uris.set(resource.uri, s);
        resources.push(mode === 'all' ? { ...resource, name: `${s}__${resource.name}` } : resource);
      }
      for (const template of catalog.resourceTemplates) {
        prefixes.push({ prefix: template.uriTemplate.split('{')[0] ?? '', server: s });
        templates.push(mode === 'all' ? { ...template, name: `${s}__${template.name}` } : template);
      }
    }
    shared.resources = uris;
    shared.templates = prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
    return { resources, templates };
  };
  const serverForUri = async (uri: string): Promise<string> => {
    const find = (): string | undefined =>
      shared.resources.get(uri) ?? shared.templates.find(({ prefix }) => uri.startsWith(prefix))?.server;
    let found = find();
    if (found === undefined) {
      await listResources();
      found = find();
    }
    if (found === undefined) throw new ResourceNotFoundError(uri);
    return found;
  };
  sdk.setRequestHandler('resources/list', async () => ({ resources: (await listResources()).resources }));
  sdk.setRequestHandler('resources/templates/list', async () => ({
    resourceTemplates: (await listResources()).templates,
  }));
  sdk.setRequestHandler('resources/read', async (request, ctx) => {
    const target = await serverForUri(request.params.uri);
    return gateway
      .downstream(target)
      .use(
        'resources/read',
        (client, options) => client.readResource(request.params, { ...options, cacheMode: 'bypass' }),
        {
          signal: ctx.mcpReq.signal,
        },
      );
  });

  const listPrompts = async (): Promise<Prompt[]> => {
    const lists = await catalogs(gateway);
    const names = rename(
      mode,
      lists.flatMap(({ server: s, catalog }) => catalog.prompts.map((p) => ({ server: s, name: p.name }))),
    );
    const bySource = new Map(
      lists.flatMap(({ server: s, catalog }) => catalog.prompts.map((p) => [`${s}\u0000${p.name}`, p] as const)),
    );
    const prompts: Prompt[] = [];
    const next = new Map<string, Route>();
    for (const [exposed, source] of names) {
      const prompt = bySource.get(`${source.server}\u0000${source.name}`);
      if (prompt === undefined) continue;
      next.set(exposed, source);
      prompts.push({ ...prompt, name: exposed });
    }
    shared.prompts = next;
    return prompts;
  };
  sdk.setRequestHandler('prompts/list', async () => ({ prompts: await listPrompts() }));
  sdk.setRequestHandler('prompts/get', async (request, ctx) => {
    let route = shared.prompts.get(request.params.name);
    if (route === undefined) {
      await listPrompts();
      route = shared.prompts.get(request.params.name);
    }
    if (route === undefined)
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Prompt ${request.params.name} not found`);
    const found = route;
    return gateway
      .downstream(found.server)
      .use('prompts/get', (client, options) => client.getPrompt({ ...request.params, name: found.name }, options), {
        signal: ctx.mcpReq.signal,
      });
  });

  if (mode === 'direct') registerDirectForwards(sdk, gateway);
}

/** `--expose direct`: completion, subscriptions and the log level go to the one server as they are. */
function registerDirectForwards(sdk: McpServer['server'], gateway: Gateway): void {
  const only = (): string => gateway.servers()[0]?.name ?? '';
  const forward = (method: string, params: unknown, signal: AbortSignal): Promise<never> =>
    gateway.downstream(only()).use(method, (client, options) => client.request({ method, params } as never, options), {
      signal,
    }) as Promise<never>;
  sdk.setRequestHandler('completion/complete', (request, ctx) =>
    forward('completion/complete', request.params, ctx.mcpReq.signal),
  );
  sdk.setRequestHandler('resources/subscribe', (request, ctx) =>
    forward('resources/subscribe', request.params, ctx.mcpReq.signal),
  );
  sdk.setRequestHandler('resources/unsubscribe', (request, ctx) =>
    forward('resources/unsubscribe', request.params, ctx.mcpReq.signal),
  );

  sdk.setRequestHandler('logging/setLevel', (request, ctx) =>
    forward('logging/setLevel', request.params, ctx.mcpReq.signal),
  );
}
