// The factory over MCP: with --factory, an agent creates a server from a template (generated,
// installed from the npm cache and built by the gateway, argv only), tests it with the harness and
// calls it, all over the one connection it already has.
import type { StdioConnection } from '@mcp-factory/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { callJson, fixtureEntry, gatewayDir, startGateway, textOf } from './helpers.js';

interface Created {
  server: string;
  dir: string;
  template: string;
}

interface Tested {
  server: string;
  passed: boolean;
  totals: { pass: number; fail: number };
  problems: { check: string; status: string; reason?: string }[];
}

describe('gateway --factory: create_server and test_server', () => {
  let gw: StdioConnection;
  beforeAll(async () => {
    const { dir } = await gatewayDir({ alpha: fixtureEntry('alpha') });
    gw = await startGateway(dir, ['--factory']);
  });
  afterAll(async () => gw?.close());

  const json = async <T>(
    name: string,
    args: Record<string, unknown>,
  ): Promise<{ isError: boolean; value: T; text: string }> => {
    const result = await gw.client.callTool({ name, arguments: args }, { timeout: 900_000 });
    const text = textOf(result);
    return {
      isError: result.isError === true,
      value: (result.isError === true ? undefined : JSON.parse(text)) as T,
      text,
    };
  };

  it('offers both tools next to the meta-tools', async () => {
    const names = (await gw.client.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['create_server', 'test_server', 'search_tools', 'call_tool']));
  });

  it('refuses a bad name or an unknown template, saying why and listing the choices', async () => {
    const bad = await json('create_server', { template: 'everything', name: '../evil' });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/invalid name/);
    const unknown = await json('create_server', { template: 'nope', name: 'fine' });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toMatch(/everything/);
    expect(unknown.text).toMatch(/api/);
  });

  it('creates a server from the everything template, tests it clean and calls it', async () => {
    const created = await json<Created>('create_server', { template: 'everything', name: 'made' });
    expect(created.isError, created.text).toBe(false);
    expect(created.value).toMatchObject({ server: 'made', template: 'everything' });

    const { servers } = await callJson(gw.client, 'list_servers');
    expect(servers.map((server) => server.name)).toContain('made');

    const tested = await json<Tested>('test_server', { name: 'made' });
    expect(tested.isError, tested.text).toBe(false);
    expect(tested.value.passed, JSON.stringify(tested.value.problems)).toBe(true);
    expect(tested.value.totals.pass).toBeGreaterThan(5);

    const called = await gw.client.callTool({
      name: 'call_tool',
      arguments: { server: 'made', tool: 'test_simple_text', arguments: {} },
    });
    expect(called.isError).not.toBe(true);
    expect(textOf(called).length).toBeGreaterThan(0);

    const again = await json('create_server', { template: 'everything', name: 'made' });
    expect(again.isError).toBe(true);
    expect(again.text).toMatch(/already exists/);
  });

  it('test_server reports a failing check of a server it did not make', async () => {
    const tested = await json<Tested>('test_server', { name: 'alpha' });
    expect(tested.isError, tested.text).toBe(false);
    expect(tested.value.server).toBe('alpha');
    // The fixture is a plain SDK server: like the reference servers, it drops unreadable frames unanswered.
    expect(tested.value.passed).toBe(false);
    expect(tested.value.problems.map((problem) => problem.check)).toContain('errors.parse-error');
    const unknown = await json('test_server', { name: 'ghost' });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toMatch(/ghost/);
  });
});
