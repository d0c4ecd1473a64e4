// `mcp-factory gateway` in its default `--expose meta` mode, over real stdio with real fixture
// subprocesses: lazy start, search, calls, the journal, env passing, stderr logs, allow/deny.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { readJournal, type JournalRecord } from '@mcp-factory/runtime';
import type { StdioConnection } from '@mcp-factory/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  callJson,
  callWithProgress,
  CLI,
  fixtureEntry,
  gatewayDir,
  matchRows,
  startGateway,
  textOf,
} from './helpers.js';

const run = promisify(execFile);

describe('gateway --expose meta', () => {
  let gw: StdioConnection;
  let dir: string;
  let state: string;
  beforeAll(async () => {
    ({ dir, state } = await gatewayDir({
      alpha: fixtureEntry('alpha', { FIXTURE_SECRET: 's3cret-alpha' }),
      beta: fixtureEntry('beta', { FIXTURE_PROGRESS: '1' }),
      denied: fixtureEntry('denied'),
    }));
    gw = await startGateway(dir, ['--deny-server', 'denied', '--deny-tool', 'beta/crash'], {
      MCP_JOURNAL_DIR: join(dir, 'journal'),
    });
  });
  afterAll(async () => gw?.close());

  it('lists only the meta-tools, with tight descriptions', async () => {
    const { tools } = await gw.client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(
      [
        'call_tool',
        'install_server',
        'list_servers',
        'load_server',
        'reload_server',
        'search_tools',
        'unload_server',
      ].sort(),
    );
    for (const tool of tools) expect(tool.description!.length).toBeLessThan(160);
  });

  it('starts no downstream before it is used', async () => {
    const { servers } = await callJson(gw.client, 'list_servers');
    expect(servers.map((s) => [s.name, s.state])).toEqual([
      ['alpha', 'stopped'],
      ['beta', 'stopped'],
      ['denied', 'stopped'],
    ]);
  });

  it('finds a tool from a description of the task and returns its input schema', async () => {
    const matches = matchRows(
      await callJson(gw.client, 'search_tools', { query: 'repeat my text back to me', limit: 3 }),
    );
    expect(matches[0]?.tool).toBe('echo');
    expect(['alpha', 'beta']).toContain(matches[0]?.server);
    expect(matches[0]?.inputSchema.properties?.text?.type).toBe('string');
    expect(matches.length).toBeLessThanOrEqual(3);
  });

  it('answers compactly: matches grouped by server, lean schemas, and call_tool takes what it names', async () => {
    const answer = await callJson(gw.client, 'search_tools', { query: 'repeat my text back to me', limit: 4 });
    for (const [i, group] of answer.matches.entries()) {
      // Consecutive matches of one server share a group: neighbours are of different servers.
      if (i > 0) expect(group.server).not.toBe(answer.matches[i - 1]?.server);
      for (const about of Object.values(group.tools)) {
        expect(about.inputSchema).not.toHaveProperty('$schema');
        expect(about.inputSchema).not.toHaveProperty('type');
        expect(about.inputSchema).not.toHaveProperty('additionalProperties');
        if (about.inputSchema.required !== undefined) expect(about.inputSchema.required.length).toBeGreaterThan(0);
      }
    }
    const [best] = matchRows(answer);
    expect(best?.inputSchema.required).toEqual(['text']);
    const called = await gw.client.callTool({
      name: 'call_tool',
      arguments: { server: best?.server, tool: best?.tool, arguments: { text: 'found' } },
    });
    expect(textOf(called)).toBe(`${best?.server}: found`);
  });

  it('never offers tools of a denied server or a denied tool', async () => {
    const matches = matchRows(
      await callJson(gw.client, 'search_tools', { query: 'exit the server process abruptly crash', limit: 20 }),
    );
    const found = matches.map((m) => `${m.server}/${m.tool}`);
    expect(found).toContain('alpha/crash');
    expect(found).not.toContain('beta/crash');
    expect(found.some((name) => name.startsWith('denied/'))).toBe(false);
    const refused = await gw.client.callTool({ name: 'call_tool', arguments: { server: 'beta', tool: 'crash' } });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/excluded by the gateway's allow\/deny lists/);
    const deniedServer = await gw.client.callTool({
      name: 'call_tool',
      arguments: { server: 'denied', tool: 'echo', arguments: { text: 'x' } },
    });
    expect(deniedServer.isError).toBe(true);
    expect(textOf(deniedServer)).toMatch(/server "denied" is excluded/);
  });

  it('calls a downstream tool and passes the configured env to it', async () => {
    const echo = await gw.client.callTool({
      name: 'call_tool',
      arguments: { server: 'beta', tool: 'echo', arguments: { text: 'hi' } },
    });
    expect(textOf(echo)).toBe('beta: hi');
    const who = await callJson(gw.client, 'call_tool', { server: 'alpha', tool: 'whoami' });
    expect(who).toEqual({ name: 'alpha', secret: 's3cret-alpha' });
  });

  it("passes a downstream's progress on to the call_tool caller, also what the server wrote with its result", async () => {
    const call = { server: 'beta', tool: 'count_up', arguments: { steps: 4 } };
    expect(await callWithProgress(gw.client, 'call_tool', call)).toEqual({
      text: 'beta: counted 4',
      progress: [1, 2, 3, 4],
    });
  });

  it('explains an unknown server or tool', async () => {
    const unknown = await gw.client.callTool({ name: 'call_tool', arguments: { server: 'nope', tool: 'echo' } });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toMatch(/no server "nope" is configured \(servers: alpha, beta, denied\)/);
    const badTool = await gw.client.callTool({ name: 'call_tool', arguments: { server: 'alpha', tool: 'nope' } });
    expect(badTool.isError).toBe(true);
    expect(textOf(badTool)).toMatch(/nope/); // A name past the limit is refused as such, not echoed back in full.
    const long = await gw.client.callTool({
      name: 'call_tool',
      arguments: { server: 'x'.repeat(10_000), tool: 'echo' },
    });
    expect(long.isError).toBe(true);
    expect(textOf(long)).toMatch(/server/);
    expect(textOf(long).length).toBeLessThan(1000);
  });

  it("captures each downstream's stderr in its own log file", async () => {
    const { servers } = await callJson(gw.client, 'list_servers');
    const alpha = servers.find((s) => s.name === 'alpha');
    expect(alpha?.log).toBe(join(state, 'gateway', 'logs', 'alpha.log'));
    expect(await readFile(alpha?.log ?? '', 'utf8')).toMatch(/fixture alpha started/);
    expect(gw.stderr()).not.toMatch(/fixture alpha started/);
  });

  it('journals which downstream served each call, and never the secrets of its env', async () => {
    await gw.client.callTool({
      name: 'call_tool',
      arguments: { server: 'beta', tool: 'echo', arguments: { text: 'journal me' } },
    });
    let record: JournalRecord | undefined;
    for (let attempt = 0; attempt < 50 && record === undefined; attempt += 1) {
      const records = [];
      for await (const item of readJournal(join(dir, 'journal'))) records.push(item);
      record = records.find((r) => JSON.stringify(r.args).includes('journal me'));
      if (record === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(record?.name).toBe('call_tool');
    expect(record?.exchanges?.[0]).toMatchObject({ upstream: 'beta', url: 'mcp://beta/echo', status: 200 });
    expect(gw.stderr()).not.toContain('s3cret-alpha');
    // `mcp-factory logs` finds it by the downstream server and tool, and says where it went.
    const { stdout } = await run(process.execPath, [
      CLI,
      'logs',
      join(dir, 'journal'),
      '--server',
      'beta',
      '--tool',
      'echo',
    ]);
    const lines = stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.includes('call_tool → beta/echo'))).toBe(true);
    expect(lines.some((line) => line.includes(record?.requestId ?? 'missing'))).toBe(true);
  });

  it('unloads and reloads a server on request', async () => {
    expect(await callJson(gw.client, 'unload_server', { name: 'alpha' })).toEqual({
      server: 'alpha',
      state: 'stopped',
    });
    const { servers } = await callJson(gw.client, 'list_servers');
    expect(servers.find((s) => s.name === 'alpha')?.state).toBe('stopped');
    const loaded = await callJson(gw.client, 'load_server', { name: 'alpha' });
    expect(loaded).toEqual({ server: 'alpha', state: 'running', tools: 6 });
    const reloaded = await callJson(gw.client, 'reload_server', { name: 'beta' });
    // beta: the five it shares with alpha, less the denied crash, plus count_up.
    expect(reloaded).toEqual({ server: 'beta', state: 'running', tools: 6 });
  });
});
