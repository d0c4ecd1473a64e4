import { ProtocolError } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { defineResource, defineResourceTemplate, definePrompt, defineTool } from '../define.js';
import {
  ErrorCode,
  InvalidParamsError,
  McpFactoryError,
  ResourceNotFoundError,
  TimeoutError,
  ToolError,
  UnauthorizedError,
} from '../errors.js';
import { createLogger } from '../logger.js';
import { ERROR_META_KEY } from '../results.js';
import { createServer } from '../server.js';
import { connectInProcess, invokeTool, type Connection } from '../testing/index.js';
import { CallAttribute, composePolicies, type Call, type Policy } from './chain.js';
import { errorBoundary, toFactoryError } from './error-boundary.js';

const SECRET = 'db password hunter2 at /srv/app/db.ts:12';

const app = createServer({
  name: 'boundary',
  version: '1.0.0',
  logger: createLogger({ level: 'silent' }),
  tools: [
    defineTool({
      name: 'tool_error',
      description: 'Fails with advice',
      run: () => {
        throw new ToolError('City not found: try a larger nearby town');
      },
    }),
    defineTool({
      name: 'crash',
      description: 'Fails unexpectedly',
      run: () => {
        throw new Error(SECRET);
      },
    }),
    defineTool({
      name: 'reject_async',
      description: 'Rejects asynchronously',
      run: () => Promise.reject(new Error(SECRET)),
    }),
    defineTool({
      name: 'unauthorized',
      description: 'Refuses',
      run: () => {
        throw new UnauthorizedError('Sign in first');
      },
    }),
  ],
  resources: [
    defineResource({ name: 'readme', uri: 'test://readme', read: () => 'hello' }),
    defineResource({
      name: 'broken',
      uri: 'test://broken',
      read: () => {
        throw new Error(SECRET);
      },
    }),
    defineResource({
      name: 'slow',
      uri: 'test://slow',
      timeoutMs: 50,
      read: (_uri, ctx) =>
        new Promise<string>((_resolve, reject) =>
          ctx.signal.addEventListener('abort', () => reject(new Error('aborted'))),
        ),
    }),
    defineResourceTemplate({
      name: 'notes',
      uriTemplate: 'notes://{id}',
      read: (uri, variables) => {
        if (variables.id !== '1') throw new ResourceNotFoundError(uri.href);
        return 'note 1';
      },
    }),
  ],
  prompts: [
    definePrompt({
      name: 'private',
      get: () => {
        throw new UnauthorizedError('This prompt needs the admin role.');
      },
    }),
    definePrompt({
      name: 'crashing',
      get: () => {
        throw new Error(SECRET);
      },
    }),
    definePrompt({
      name: 'picky',
      get: () => {
        throw new InvalidParamsError('topic must be one of a, b');
      },
    }),
  ],
});

describe('toFactoryError', () => {
  const call = { kind: 'tool', name: 'search', requestId: 'req-1' } as const;

  test('passes runtime errors through unchanged', () => {
    const error = new TimeoutError('late');
    expect(toFactoryError(error, call)).toBe(error);
  });

  test.each([
    [-32700, ErrorCode.ParseError],
    [-32600, ErrorCode.InvalidRequest],
    [-32601, ErrorCode.MethodNotFound],
    [-32602, ErrorCode.InvalidParams],
    [-32000, ErrorCode.Internal],
  ])('maps an SDK ProtocolError %i to %s, keeping its message', (code, expected) => {
    const error = toFactoryError(new ProtocolError(code, 'from the SDK'), call);
    expect(error.code).toBe(expected);
    expect(error.message).toBe('from the SDK');
    expect(error.cause).toBeInstanceOf(ProtocolError);
  });

  test.each([
    ['tool', 'Tool'],
    ['resource', 'Resource'],
    ['prompt', 'Prompt'],
  ] as const)('hides an unknown %s error behind the request id', (kind, label) => {
    const original = new Error(SECRET);
    const error = toFactoryError(original, { kind, name: 'search', requestId: 'req-42' });
    expect(error.code).toBe(ErrorCode.Internal);
    expect(error.message).toBe(
      `${label} "search" failed unexpectedly (request id req-42). The server log has the details.`,
    );
    expect(error.cause).toBe(original);
  });

  test('hides thrown non-errors too', () => {
    expect(toFactoryError('raw string', call).message).not.toContain('raw string');
    expect(toFactoryError(undefined, call).code).toBe(ErrorCode.Internal);
  });
});

describe('errorBoundary in the chain', () => {
  function callFor(name: string): Call {
    const definition = app.tools.find((tool) => tool.name === name)!;
    const sdk = { mcpReq: { id: 1, method: 'tools/call', signal: new AbortController().signal } };
    return app.createCall({ definition, args: {}, sdk: sdk as never, era: 'legacy' });
  }

  test('records the error code and the original error for the outer policies', async () => {
    const original = new Error(SECRET);
    const seen: { code?: unknown; error?: unknown } = {};
    const outer: Policy = async (call, next) => {
      const outcome = await next();
      seen.code = call.attributes.get(CallAttribute.ErrorCode);
      seen.error = call.attributes.get(CallAttribute.Error);
      return outcome;
    };
    const chain = composePolicies([outer, errorBoundary], () => Promise.reject(original));
    const outcome = await chain(callFor('crash'));
    expect(outcome).toMatchObject({ isError: true });
    expect(seen).toEqual({ code: ErrorCode.Internal, error: original });
  });

  test('leaves successful outcomes and attributes alone', async () => {
    const call = callFor('crash');
    const chain = composePolicies([errorBoundary], async () => ({ content: [] }));
    await expect(chain(call)).resolves.toEqual({ content: [] });
    expect(call.attributes.size).toBe(0);
  });

  test('rethrows a resource failure as a JSON-RPC ProtocolError with the mapped code and data', async () => {
    // The call itself, not a copy: a RuntimeCall's accessors (attributes, controller) live on its prototype.
    const call = Object.assign(callFor('crash'), { kind: 'resource' as const });
    const chain = composePolicies([errorBoundary], () =>
      Promise.reject(new TimeoutError('late', { data: { timeoutMs: 5 } })),
    );
    const error = await chain(call).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ code: -32001, message: 'late', data: { timeoutMs: 5 } });
  });
});

describe('tool failures become isError results', () => {
  test('a ToolError’s message reaches the model, with code and request id in _meta', async () => {
    const { result } = await invokeTool(app, 'tool_error', {});
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([{ type: 'text', text: 'City not found: try a larger nearby town' }]);
    const meta = result._meta?.[ERROR_META_KEY] as { code: string; requestId: string };
    expect(meta.code).toBe(ErrorCode.ToolFailed);
    expect(meta.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test.each(['crash', 'reject_async'])(
    'an unexpected failure (%s) hides its message and stack behind the request id',
    async (name) => {
      const { result } = await invokeTool(app, name, {});
      const meta = result._meta?.[ERROR_META_KEY] as { code: string; requestId: string };
      expect(meta.code).toBe(ErrorCode.Internal);
      const text = JSON.stringify(result);
      expect(text).not.toContain('hunter2');
      expect(text).not.toMatch(/\bat .*:\d+:\d+/);
      expect(result.content).toEqual([
        {
          type: 'text',
          text: `Tool "${name}" failed unexpectedly (request id ${meta.requestId}). The server log has the details.`,
        },
      ]);
    },
  );

  test('other runtime errors keep their code', async () => {
    const { result } = await invokeTool(app, 'unauthorized', {});
    expect(result.content).toEqual([{ type: 'text', text: 'Sign in first' }]);
    expect(result._meta?.[ERROR_META_KEY]).toMatchObject({ code: ErrorCode.Unauthorized });
  });
});

describe.each(['legacy', 'modern'] as const)('through a real %s client', (era) => {
  let connection: Connection;

  beforeAll(async () => {
    connection = await connectInProcess(app, { era });
  });

  afterAll(async () => {
    await connection.close();
  });

  async function rpcError(promise: Promise<unknown>): Promise<{ code: unknown; message: string; data: unknown }> {
    const error = await promise.then(
      () => {
        throw new Error('expected the request to fail');
      },
      (caught: unknown) => caught as { code: unknown; message: string; data: unknown },
    );
    return { code: error.code, message: error.message, data: error.data };
  }

  test('a tool failure arrives as an isError result with _meta, not a JSON-RPC error', async () => {
    const result = await connection.client.callTool({ name: 'crash', arguments: {} });
    expect(result.isError).toBe(true);
    const meta = result._meta?.[ERROR_META_KEY] as { code: string; requestId: string };
    expect(meta.code).toBe(ErrorCode.Internal);
    expect(JSON.stringify(result.content)).toContain(`request id ${meta.requestId}`);
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  test('a resource miss arrives as -32602 with data {uri}', async () => {
    const error = await rpcError(connection.client.readResource({ uri: 'test://missing' }));
    expect(error.code).toBe(-32602);
    expect(error.data).toEqual({ uri: 'test://missing' });
  });

  test('a ResourceNotFoundError from a template reader arrives as -32602 with data {uri}', async () => {
    await expect(connection.client.readResource({ uri: 'notes://1' })).resolves.toMatchObject({
      contents: [{ uri: 'notes://1', text: 'note 1' }],
    });
    const error = await rpcError(connection.client.readResource({ uri: 'notes://2' }));
    expect(error.code).toBe(-32602);
    expect(error.data).toEqual({ uri: 'notes://2' });
  });

  test('an unexpected resource failure arrives as -32603 without its message', async () => {
    const error = await rpcError(connection.client.readResource({ uri: 'test://broken' }));
    expect(error.code).toBe(-32603);
    expect(error.message).toMatch(/Resource "broken" failed unexpectedly \(request id [0-9a-f-]{36}\)/);
    expect(JSON.stringify(error)).not.toContain('hunter2');
  });

  test('a resource past its deadline arrives as -32001 with the budget in data', async () => {
    const error = await rpcError(connection.client.readResource({ uri: 'test://slow' }));
    expect(error.code).toBe(-32001);
    expect(error.message).toContain('"slow" did not finish within its 50 ms time budget');
    expect(error.data).toEqual({ timeoutMs: 50 });
  });

  test('an UnauthorizedError from a prompt arrives as -32003 with its message', async () => {
    const error = await rpcError(connection.client.getPrompt({ name: 'private' }));
    expect(error.code).toBe(-32003);
    expect(error.message).toContain('This prompt needs the admin role.');
  });

  test('an InvalidParamsError from a prompt arrives as -32602', async () => {
    const error = await rpcError(connection.client.getPrompt({ name: 'picky' }));
    expect(error.code).toBe(-32602);
    expect(error.message).toContain('topic must be one of a, b');
  });

  test('an unexpected prompt failure arrives as -32603 naming the request id only', async () => {
    const error = await rpcError(connection.client.getPrompt({ name: 'crashing' }));
    expect(error.code).toBe(-32603);
    expect(error.message).toMatch(/Prompt "crashing" failed unexpectedly \(request id [0-9a-f-]{36}\)/);
    expect(JSON.stringify(error)).not.toContain('hunter2');
  });
});

test('McpFactoryError subclasses thrown by tools are not rewrapped', async () => {
  const custom = new McpFactoryError(ErrorCode.MethodNotFound, 'no such thing');
  const only = createServer({
    name: 'custom',
    version: '1.0.0',
    logger: createLogger({ level: 'silent' }),
    tools: [
      defineTool({
        name: 'custom',
        description: 'Throws a custom code',
        run: () => {
          throw custom;
        },
      }),
    ],
  });
  const { result } = await invokeTool(only, 'custom', {});
  expect(result.content).toEqual([{ type: 'text', text: 'no such thing' }]);
  expect(result._meta?.[ERROR_META_KEY]).toMatchObject({ code: ErrorCode.MethodNotFound });
});
