/**
 * The only module that talks to the upstream API. Tools receive an `ApiClient`, so tests can hand
 * them a mock. The wire format (snake_case JSON under `data`, errors as `{ error: { code, message } }`,
 * `Authorization: Bearer`) stays in here; tools see plain typed objects.
 */
import {
  createUpstreamClient,
  expectShape,
  z,
  type CallContext,
  type ExchangeListener,
  type Logger,
} from '@mcp-factory/runtime';

import type { Config } from './config.js';
import { missingApiKey } from './errors.js';

/** An item as tools see it. */
export interface Item {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly updatedAt: string;
}

/** Per-call options: what the tool call lends every upstream request it makes. */
export interface CallOptions {
  readonly signal?: AbortSignal;
  readonly requestId?: string;
  /** The call's deadline (epoch ms): retries and `Retry-After` waits must fit before it. */
  readonly deadline?: number;
  /** Hears every attempt (the journal records them). */
  readonly onExchange?: ExchangeListener;
}

/** The options a tool passes: its call's signal, request id, deadline and exchange recorder. */
export function callOptions(ctx: CallContext): CallOptions {
  return {
    signal: ctx.signal,
    requestId: ctx.requestId,
    deadline: ctx.deadline,
    onExchange: (exchange) => ctx.recordExchange(exchange),
  };
}

/** What the tools can ask of the API. */
export interface ApiClient {
  searchItems(query: { text: string; limit: number }, options?: CallOptions): Promise<{ items: Item[]; total: number }>;
  getItem(id: string, options?: CallOptions): Promise<Item>;
  createItem(input: { name: string; description: string; tags: string[] }, options?: CallOptions): Promise<Item>;
}

const WireItem = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().default(''),
  tags: z.array(z.string()).default([]),
  updated_at: z.string(),
});
type WireItem = z.infer<typeof WireItem>;
const ItemPage = z.object({ data: z.array(WireItem), total: z.number().int() });
const OneItem = z.object({ data: WireItem });

const toItem = (wire: WireItem): Item => ({
  id: wire.id,
  name: wire.name,
  description: wire.description,
  tags: wire.tags,
  updatedAt: wire.updated_at,
});

/** The upstream's own message from its error body `{ "error": { "code", "message" } }`. */
export function errorMessageOf(body: unknown): string | undefined {
  const message = (body as { error?: { message?: unknown } } | undefined)?.error?.message;
  return typeof message === 'string' ? message : undefined;
}

/**
 * Creates the client. `fetch` and `logger` are injectable for tests. Retries (GET only: creating an
 * item twice would create two), the circuit breaker, the concurrency bound and the optional cache
 * take their settings from the `MCP_UPSTREAM_*` environment variables.
 */
export function createApiClient(config: Config, deps: { fetch?: typeof fetch; logger?: Logger } = {}): ApiClient {
  const upstream = createUpstreamClient({
    name: 'The API',
    baseUrl: config.baseUrl,
    headers: (): Record<string, string> =>
      config.apiKey === undefined ? {} : { authorization: `Bearer ${config.apiKey}` },
    credentialHint: 'API_KEY',
    timeoutMs: config.timeoutMs,
    errorMessage: errorMessageOf,
    ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
    ...(deps.logger === undefined ? {} : { logger: deps.logger }),
  });
  const send = async <S extends z.ZodType>(
    schema: S,
    request: Parameters<typeof upstream.request>[0],
  ): Promise<z.output<S>> => {
    if (config.apiKey === undefined) throw missingApiKey();
    const response = await upstream.request(request);
    return expectShape(upstream.name, schema, response.data);
  };

  return {
    async searchItems({ text, limit }, options = {}) {
      const body = await send(ItemPage, {
        path: '/items',
        query: { q: text, limit },
        ...options,
      });
      return { items: body.data.map(toItem), total: body.total };
    },
    async getItem(id, options = {}) {
      const body = await send(OneItem, { path: `/items/${encodeURIComponent(id)}`, ...options });
      return toItem(body.data);
    },
    async createItem(input, options = {}) {
      const body = await send(OneItem, {
        method: 'POST',
        path: '/items',
        body: input,
        ...options,
      });
      return toItem(body.data);
    },
  };
}
