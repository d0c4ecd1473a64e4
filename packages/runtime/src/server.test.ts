import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { completable, type McpRequestContext } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as z from 'zod';

import {
  definePrompt,
  defineResource,
  defineResourceTemplate,
  defineTool,
  type CallContext,
  type ToolDefinition,
} from './define.js';
import { ConfigError, ErrorCode } from './errors.js';
import { createLogger } from './logger.js';
import { createServer, type ServerOptions } from './server.js';
import { connectInProcess, invokeTool, type Connection } from './testing/index.js';
import { serveHttp, type HttpHandle } from './transports/http.js';

const silent = createLogger({ level: 'silent' });

function tool(name: string, extra: Partial<ToolDefinition> = {}): ToolDefinition {
  return { ...defineTool({ name, description: `The ${name} tool`, run: () => 'ok' }), ...extra };
}

function configError(options: Partial<ServerOptions>): ConfigError {
  try {
    createServer({ name: 'bad', version: '1.0.0', logger: silent, ...options });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected createServer to throw a ConfigError');
}

describe('createServer definition checks', () => {
  test.each(['has space', '', 'émoji', 'slash/name', 'a'.repeat(65)])('rejects the tool name %j', (name) => {
    const error = configError({ tools: [tool(name)] });
    expect(error.code).toBe(ErrorCode.InvalidConfig);
    expect(error.message).toContain(`tool name "${name}" must be 1-64 characters of A-Z a-z 0-9 _ - .`);
  });

  test('accepts a 64-character name made of every allowed character class', () => {
    const name = `${'a'.repeat(58)}Z9_.-x`;
    expect(name).toHaveLength(64);
    expect(() => createServer({ name: 'ok', version: '1', logger: silent, tools: [tool(name)] })).not.toThrow();
  });

  test('rejects a tool without a description', () => {
    expect(configError({ tools: [tool('blank', { description: '  ' })] }).message).toContain(
      'tool "blank" needs a description',
    );
  });

  test('rejects duplicate tool, resource, resource URI and prompt names', () => {
    const read = () => 'x';
    const error = configError({
      tools: [tool('same'), tool('same')],
      resources: [
        defineResource({ name: 'doc', uri: 'test://a', read }),
        defineResource({ name: 'doc', uri: 'test://b', read }),
        defineResource({ name: 'other', uri: 'test://a', read }),
        defineResourceTemplate({ name: 'other', uriTemplate: 'test://{id}', read }),
      ],
      prompts: [definePrompt({ name: 'p', get: () => 'x' }), definePrompt({ name: 'p', get: () => 'y' })],
    });
    expect(error.message).toBe(
      'Invalid server definition "bad": duplicate tool "same"; duplicate resource "doc"; ' +
        'duplicate resource URI "test://a"; duplicate resource "other"; duplicate prompt "p"',
    );
  });

  test('allows a tool and a prompt to share a name', () => {
    expect(() =>
      createServer({
        name: 'ok',
        version: '1',
        logger: silent,
        tools: [tool('same')],
        prompts: [definePrompt({ name: 'same', get: () => 'x' })],
      }),
    ).not.toThrow();
  });
});

const progressTool = defineTool({
  name: 'progress',
  description: 'Reports progress',
  run: async (_args, ctx) => {
    await ctx.progress(1, 3, 'one');
    await ctx.progress(2);
    return 'done';
  },
});

const contextTool = defineTool({
  name: 'context',
  description: 'Reports its call context',
  run: async (_args, ctx: CallContext) => {
    await ctx.clientLog('info', { note: 'from the tool' });
    return {
      requestId: ctx.requestId,
      method: ctx.method,
      name: ctx.name,
      era: ctx.era,
      authInfo: ctx.authInfo ?? null,
      aborted: ctx.signal.aborted,
    };
  },
});

const setupCalls: McpRequestContext[] = [];

const app = createServer({
  name: 'catalog',
  version: '2.3.4',
  title: 'Catalog Server',
  instructions: 'Search before you buy.',
  logger: silent,
  setup: (_server, context) => void setupCalls.push(context),
  tools: [
    defineTool({
      name: 'search',
      title: 'Search the catalog',
      description: 'Finds products',
      input: z.object({
        query: z.string().describe('What to look for'),
        limit: z.number().int().min(1).max(50).default(10),
      }),
      annotations: { readOnlyHint: true },
      run: ({ query, limit }) => `${query}:${limit}`,
    }),
    defineTool({
      name: 'weather',
      description: 'Structured weather',
      input: z.object({ city: z.string() }),
      output: z.object({ city: z.string(), celsius: z.number() }),
      run: ({ city }) => ({ city, celsius: 21 }),
    }),
    defineTool({
      name: 'bad_output',
      description: 'Breaks its output schema',
      output: z.object({ celsius: z.number() }),
      run: () => ({ celsius: 'warm' }),
    }),
    defineTool({
      name: 'untyped_object',
      description: 'Returns an object without an output schema',
      run: () => ({ a: 1 }),
    }),
    progressTool,
    contextTool,
  ],
  resources: [
    defineResource({
      name: 'readme',
      uri: 'catalog://readme',
      title: 'Read me',
      description: 'How the catalog works',
      mimeType: 'text/markdown',
      read: () => '# Catalog',
    }),
    defineResource({
      name: 'logo',
      uri: 'catalog://logo',
      mimeType: 'image/png',
      size: 3,
      read: () => new Uint8Array([1, 2, 3]),
    }),
    defineResourceTemplate({
      name: 'product',
      uriTemplate: 'catalog://products/{sku}',
      description: 'One product',
      mimeType: 'application/json',
      list: () => [
        { uri: 'catalog://products/A1', name: 'Anvil' },
        { uri: 'catalog://products/B2', name: 'Bucket' },
      ],
      complete: { sku: (value) => ['A1', 'A2', 'B2'].filter((sku) => sku.startsWith(value)) },
      read: (uri, variables) => JSON.stringify({ uri: uri.href, sku: variables.sku }),
    }),
  ],
  prompts: [
    definePrompt({
      name: 'review',
      title: 'Review a product',
      description: 'Write a review',
      args: z.object({
        sku: completable(z.string().describe('Product SKU'), (value) =>
          ['A1', 'A2', 'B2'].filter((sku) => sku.startsWith(value)),
        ),
        tone: z.string().optional(),
      }),
      get: ({ sku, tone }) => `Review ${sku} in a ${tone ?? 'neutral'} tone.`,
    }),
    definePrompt({
      name: 'hello',
      get: () => [
        { role: 'user', content: { type: 'text', text: 'Hi' } },
        { role: 'assistant', content: { type: 'text', text: 'Hello!' } },
      ],
    }),
  ],
});

describe.each(['legacy', 'modern'] as const)('a %s client', (era) => {
  let connection: Connection;

  beforeAll(async () => {
    connection = await connectInProcess(app, { era });
  });

  afterAll(async () => {
    await connection.close();
  });

  test('negotiates the expected era and sees name, title and version', () => {
    expect(connection.client.getProtocolEra()).toBe(era);
    expect(connection.client.getServerVersion()).toMatchObject({
      name: 'catalog',
      version: '2.3.4',
      title: 'Catalog Server',
    });
  });

  test('tools/list exposes the zod input schema as JSON Schema, plus title and annotations', async () => {
    const { tools } = await connection.client.listTools();
    expect(tools.map((listed) => listed.name)).toEqual([
      'search',
      'weather',
      'bad_output',
      'untyped_object',
      'progress',
      'context',
    ]);
    const search = tools[0]!;
    expect(search.title).toBe('Search the catalog');
    expect(search.description).toBe('Finds products');
    expect(search.annotations).toEqual({ readOnlyHint: true });
    expect(search.inputSchema).toMatchObject({
      type: 'object',
      properties: {
        query: { type: 'string', description: 'What to look for' },
        limit: { type: 'integer', minimum: 1, maximum: 50, default: 10 },
      },
      required: ['query'],
    });
    expect(tools[2]!.inputSchema).toMatchObject({ type: 'object', properties: {} });
  });

  test('an output schema is listed and an object result becomes structuredContent plus JSON text', async () => {
    const { tools } = await connection.client.listTools();
    expect(tools[1]!.outputSchema).toMatchObject({
      type: 'object',
      properties: { city: { type: 'string' }, celsius: { type: 'number' } },
      required: ['city', 'celsius'],
    });
    const result = await connection.client.callTool({ name: 'weather', arguments: { city: 'Oslo' } });
    expect(result.structuredContent).toEqual({ city: 'Oslo', celsius: 21 });
    expect(result.content).toEqual([{ type: 'text', text: JSON.stringify({ city: 'Oslo', celsius: 21 }, null, 2) }]);
  });

  test('a result that breaks the output schema is an error result', async () => {
    const result = await connection.client.callTool({ name: 'bad_output', arguments: {} });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain('celsius');
  });

  test('an object result without an output schema is JSON text only', async () => {
    const result = await connection.client.callTool({ name: 'untyped_object', arguments: {} });
    expect(result.structuredContent).toBeUndefined();
    expect(result.content).toEqual([{ type: 'text', text: '{\n  "a": 1\n}' }]);
  });

  test('defaults from the input schema reach the handler', async () => {
    const result = await connection.client.callTool({ name: 'search', arguments: { query: 'nails' } });
    expect(result.content).toEqual([{ type: 'text', text: 'nails:10' }]);
  });

  test('lists fixed resources with their metadata and template resources from list()', async () => {
    const { resources } = await connection.client.listResources();
    expect(resources).toEqual([
      {
        name: 'readme',
        uri: 'catalog://readme',
        title: 'Read me',
        description: 'How the catalog works',
        mimeType: 'text/markdown',
      },
      { name: 'logo', uri: 'catalog://logo', mimeType: 'image/png', size: 3 },
      expect.objectContaining({ uri: 'catalog://products/A1', name: 'Anvil' }),
      expect.objectContaining({ uri: 'catalog://products/B2', name: 'Bucket' }),
    ]);
  });

  test('reads text and binary resources', async () => {
    expect((await connection.client.readResource({ uri: 'catalog://readme' })).contents).toEqual([
      { uri: 'catalog://readme', mimeType: 'text/markdown', text: '# Catalog' },
    ]);
    expect((await connection.client.readResource({ uri: 'catalog://logo' })).contents).toEqual([
      { uri: 'catalog://logo', mimeType: 'image/png', blob: 'AQID' },
    ]);
  });

  test('lists resource templates and reads one with its variables', async () => {
    const { resourceTemplates } = await connection.client.listResourceTemplates();
    expect(resourceTemplates).toEqual([
      {
        name: 'product',
        uriTemplate: 'catalog://products/{sku}',
        description: 'One product',
        mimeType: 'application/json',
      },
    ]);
    const { contents } = await connection.client.readResource({ uri: 'catalog://products/Z9' });
    expect(contents).toEqual([
      {
        uri: 'catalog://products/Z9',
        mimeType: 'application/json',
        text: JSON.stringify({ uri: 'catalog://products/Z9', sku: 'Z9' }),
      },
    ]);
  });

  test('completes resource template variables', async () => {
    const { completion } = await connection.client.complete({
      ref: { type: 'ref/resource', uri: 'catalog://products/{sku}' },
      argument: { name: 'sku', value: 'A' },
    });
    expect(completion.values).toEqual(['A1', 'A2']);
  });

  test('lists prompts with their arguments and gets them', async () => {
    const { prompts } = await connection.client.listPrompts();
    expect(prompts).toEqual([
      {
        name: 'review',
        title: 'Review a product',
        description: 'Write a review',
        arguments: [
          { name: 'sku', description: 'Product SKU', required: true },
          { name: 'tone', required: false },
        ],
      },
      { name: 'hello' },
    ]);
    const review = await connection.client.getPrompt({ name: 'review', arguments: { sku: 'A1', tone: 'warm' } });
    expect(review.description).toBe('Write a review');
    expect(review.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Review A1 in a warm tone.' } }]);
    const hello = await connection.client.getPrompt({ name: 'hello' });
    expect(hello.messages).toHaveLength(2);
  });

  test('a prompt with missing required arguments is refused with -32602', async () => {
    const error = await connection.client
      .getPrompt({ name: 'review', arguments: {} })
      .catch((caught: unknown) => caught as { code: unknown });
    expect(error.code).toBe(-32602);
  });

  test('completes a completable prompt argument', async () => {
    const { completion } = await connection.client.complete({
      ref: { type: 'ref/prompt', name: 'review' },
      argument: { name: 'sku', value: 'B' },
    });
    expect(completion.values).toEqual(['B2']);
  });

  test('progress notifications reach onprogress when the client asks for progress', async () => {
    const updates: unknown[] = [];
    const result = await connection.client.callTool(
      { name: 'progress', arguments: {} },
      { onprogress: (update) => void updates.push(update) },
    );
    expect(result.content).toEqual([{ type: 'text', text: 'done' }]);
    expect(updates).toEqual([{ progress: 1, total: 3, message: 'one' }, { progress: 2 }]);
  });

  test('the handler sees method, name, era and a fresh request id per call', async () => {
    const first = await connection.client.callTool({ name: 'context', arguments: {} });
    const second = await connection.client.callTool({ name: 'context', arguments: {} });
    const a = first.structuredContent ?? JSON.parse((first.content[0] as { text: string }).text);
    const b = JSON.parse((second.content[0] as { text: string }).text) as { requestId: string };
    expect(a).toEqual({
      requestId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      method: 'tools/call',
      name: 'context',
      era,
      authInfo: null,
      aborted: false,
    });
    expect(b.requestId).not.toBe((a as { requestId: string }).requestId);
  });

  test('setup runs for the instances built for this client with its era', () => {
    expect(setupCalls.some((context) => context.era === era)).toBe(true);
  });
});

test('instructions and capabilities reach a 2025-era client', async () => {
  const withCapabilities = createServer({
    name: 'caps',
    version: '1.0.0',
    instructions: 'Be brief.',
    logger: silent,
    capabilities: { experimental: { 'dev.example/flag': {} } },
    tools: [tool('noop')],
  });
  const connection = await connectInProcess(withCapabilities);
  try {
    expect(connection.client.getInstructions()).toBe('Be brief.');
    expect(connection.client.getServerCapabilities()).toMatchObject({
      logging: {},
      tools: {},
      experimental: { 'dev.example/flag': {} },
    });
  } finally {
    await connection.close();
  }
});

test('clientLog reaches a 2025-era client as notifications/message from the server', async () => {
  const connection = await connectInProcess(app, { protocolVersion: '2025-06-18' });
  try {
    const messages: unknown[] = [];
    connection.client.setNotificationHandler('notifications/message', (notification) => {
      messages.push(notification.params);
    });
    await connection.client.callTool({ name: 'context', arguments: {} });
    expect(messages).toEqual([{ level: 'info', logger: 'catalog', data: { note: 'from the tool' } }]);
  } finally {
    await connection.close();
  }
});

test('clientLog respects the level the client set', async () => {
  const connection = await connectInProcess(app);
  try {
    const messages: unknown[] = [];
    connection.client.setNotificationHandler('notifications/message', (notification) => {
      messages.push(notification.params);
    });
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the 2025-era way to filter server logs
    await connection.client.setLoggingLevel('error');
    const result = await connection.client.callTool({ name: 'context', arguments: {} });
    expect(result.isError).toBeUndefined();
    expect(messages).toEqual([]);
  } finally {
    await connection.close();
  }
});

test('progress without a progress token sends nothing', async () => {
  const { result, notifications } = await invokeTool(app, 'progress', {});
  expect(result.content).toEqual([{ type: 'text', text: 'done' }]);
  expect(notifications).toEqual([]);
  const withToken = await invokeTool(app, 'progress', {}, { progressToken: 'tok' });
  expect(withToken.notifications[0]).toEqual({
    method: 'notifications/progress',
    params: { progressToken: 'tok', progress: 1, total: 3, message: 'one' },
  });
});

describe('request ids over HTTP', () => {
  let handle: HttpHandle;
  const httpApp = createServer({ name: 'ids', version: '1.0.0', logger: silent, tools: [contextTool] });

  beforeAll(async () => {
    handle = await serveHttp(httpApp, { port: 0 });
  });

  afterAll(async () => {
    await handle.close({ graceMs: 0 });
  });

  async function requestIdWith(headers: Record<string, string>, era: 'legacy' | 'modern'): Promise<string> {
    const client = new Client(
      { name: 'ids-test', version: '1.0.0' },
      era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {},
    );
    await client.connect(new StreamableHTTPClientTransport(new URL(handle.url), { requestInit: { headers } }));
    try {
      const result = await client.callTool({ name: 'context', arguments: {} });
      return (JSON.parse((result.content[0] as { text: string }).text) as { requestId: string }).requestId;
    } finally {
      await client.close();
    }
  }

  test.each(['legacy', 'modern'] as const)('X-Request-ID becomes the request id (%s client)', async (era) => {
    expect(await requestIdWith({ 'X-Request-ID': 'trace-01:ab.c_d-e' }, era)).toBe('trace-01:ab.c_d-e');
  });

  test.each([
    ['absent', {}],
    ['unsafe characters', { 'X-Request-ID': 'a b<script>' }],
    ['too long', { 'X-Request-ID': 'x'.repeat(129) }],
  ])('a fresh uuid is used when X-Request-ID is %s', async (_label, headers) => {
    expect(await requestIdWith(headers, 'legacy')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/);
  });
});
