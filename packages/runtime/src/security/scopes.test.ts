import { Client } from '@modelcontextprotocol/client';
import {
  InMemoryTransport,
  type AuthInfo,
  type CallToolResult,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { describe, expect, test } from 'vitest';

import { defineTool } from '../define.js';
import { ConfigError } from '../errors.js';
import { createLogger } from '../logger.js';
import { ERROR_META_KEY } from '../results.js';
import { createServer } from '../server.js';
import { missingScopes, toolAllowed } from './scopes.js';

const caller = (scopes: string[]): AuthInfo => ({ token: 't', clientId: 'c', scopes });

describe('missingScopes and toolAllowed', () => {
  test('a tool needs every scope it lists', () => {
    expect(missingScopes(caller(['read']), ['read', 'write'])).toEqual(['write']);
    expect(toolAllowed({ scopes: ['read', 'write'] }, caller(['write', 'read', 'x']))).toBe(true);
    expect(toolAllowed({ scopes: ['read', 'write'] }, caller(['read']))).toBe(false);
  });

  test('a tool without scopes is open to every caller', () => {
    expect(toolAllowed({}, caller([]))).toBe(true);
    expect(toolAllowed({ scopes: [] }, caller([]))).toBe(true);
  });

  test('without authentication (stdio, an open HTTP front) every tool is served', () => {
    expect(toolAllowed({ scopes: ['admin'] }, undefined)).toBe(true);
  });
});

describe('the toolScopes policy (defence in depth)', () => {
  const app = createServer({
    name: 'scopes-test',
    version: '1.0.0',
    logger: createLogger({ level: 'silent' }),
    metrics: false,
    tools: [defineTool({ name: 'admin', description: 'Needs admin', scopes: ['admin'], run: () => 'done' })],
  });

  /** Runs `admin` through the chain as if the SDK had served it to `authInfo`. */
  async function call(authInfo: AuthInfo | undefined): Promise<CallToolResult> {
    const sdk = {
      mcpReq: { id: 1, method: 'tools/call', signal: new AbortController().signal },
      ...(authInfo === undefined ? {} : { http: { authInfo } }),
    } as unknown as ServerContext;
    const definition = app.tools[0]!;
    return (await app.dispatch(app.createCall({ definition, args: {}, sdk, era: 'legacy' }))) as CallToolResult;
  }

  test('refuses a call whose tool needs scopes the caller lacks, as an UNAUTHORIZED isError result', async () => {
    const result = await call(caller(['read']));
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([{ type: 'text', text: 'Not allowed: tool "admin" needs the scope(s) admin.' }]);
    expect(result._meta?.[ERROR_META_KEY]).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  test('lets the call through when the caller has the scopes, or when nobody authenticated', async () => {
    expect((await call(caller(['admin']))).content).toEqual([{ type: 'text', text: 'done' }]);
    expect((await call(undefined)).content).toEqual([{ type: 'text', text: 'done' }]);
  });
});

describe('createServer', () => {
  test('refuses a tool scope that is not an OAuth scope token', () => {
    expect(() =>
      createServer({
        name: 'bad',
        version: '1.0.0',
        tools: [defineTool({ name: 't', description: 'd', scopes: ['has space'], run: () => '' })],
      }),
    ).toThrow(new ConfigError('Invalid server definition "bad": tool "t" has an invalid scope "has space"'));
  });

  test('the factory leaves out the tools the caller may not use, keeping the tools capability', async () => {
    const app = createServer({
      name: 'filter',
      version: '1.0.0',
      logger: createLogger({ level: 'silent' }),
      tools: [defineTool({ name: 'admin', description: 'Needs admin', scopes: ['admin'], run: () => '' })],
    });
    const listAs = async (authInfo: AuthInfo): Promise<{ tools: string[]; capability: boolean }> => {
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      const server = await app.factory({ era: 'legacy', authInfo });
      await server.connect(serverSide);
      const client = new Client({ name: 'scopes-test', version: '1.0.0' });
      await client.connect(clientSide);
      try {
        const tools = (await client.listTools()).tools.map((tool) => tool.name);
        return { tools, capability: client.getServerCapabilities()?.tools !== undefined };
      } finally {
        await client.close();
        await server.close();
      }
    };
    expect(await listAs(caller([]))).toEqual({ tools: [], capability: true });
    expect(await listAs(caller(['admin']))).toEqual({ tools: ['admin'], capability: true });
  });
});
