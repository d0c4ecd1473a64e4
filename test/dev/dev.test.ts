// `mcp-factory dev`: the official client connected once to the real CLI over stdio, a copy of the
// everything template edited underneath it. One connection lives through every test of the first
// block; the later blocks start their own sessions for settings the first one does not use.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

import { ProtocolError } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  connectDev,
  copyTemplate,
  editFile,
  eventually,
  firstText,
  processesWithMarker,
  type DevConnection,
} from './helpers.js';

const RELOADING = -32050;

describe('mcp-factory dev keeps one client connection across reloads', () => {
  const marker = `dev-test-${randomUUID()}`;
  let dir: string;
  let dev: DevConnection;
  let grandchild: number;

  beforeAll(async () => {
    dir = await copyTemplate('everything');
    dev = await connectDev(dir, [], { DEV_TEST_MARKER: marker });
  });

  afterAll(async () => {
    await dev?.close();
  });

  const simpleText = (): Promise<string> =>
    dev.client.callTool({ name: 'test_simple_text', arguments: {} }).then(firstText);

  it('serves the server and lists the reload meta-tool after its tools', async () => {
    const { tools } = await dev.client.listTools();
    const names = tools.map((tool) => tool.name);
    expect(names).toContain('test_simple_text');
    expect(names.at(-1)).toBe('mcp_factory_dev_reload');
    expect(await simpleText()).toBe('This is a simple text response for testing.');
  });

  it('an edited tool serves new code and list_changed arrives on the same connection', async () => {
    const changedBefore = dev.listChanged.tools ?? 0;
    const from = dev.stderr().length;
    await editFile(join(dir, 'src', 'tools', 'simple-text.ts'), (text) =>
      text
        .replace('This is a simple text response for testing.', 'Edited: the new code answers.')
        .replace("description: 'Returns a fixed sentence", "description: 'Returns an edited sentence"),
    );
    await dev.waitForStderr('reloaded (change)', from);
    expect(await simpleText()).toBe('Edited: the new code answers.');
    expect(await eventually(() => (dev.listChanged.tools ?? 0) > changedBefore)).toBe(true);
    const { tools } = await dev.client.listTools(undefined, { cacheMode: 'refresh' });
    expect(tools.find((tool) => tool.name === 'test_simple_text')?.description).toMatch(/^Returns an edited sentence/);
  });

  it('progress notifications reach the client through the proxy', async () => {
    const progress: number[] = [];
    const result = await dev.client.callTool(
      { name: 'test_tool_with_progress', arguments: {} },
      { onprogress: (update) => progress.push(update.progress) },
    );
    expect(firstText(result)).toMatch(/reported 0, 50 and 100/);
    // All three, also the last one the server writes right before its result (the client is
    // connected with deliverProgressBeforeResults, see typescript-sdk#2580).
    expect(progress).toEqual([0, 50, 100]);
  });

  it('a call in flight when the code changes is finished by the old server', async () => {
    const from = dev.stderr().length;
    const slow = dev.client.callTool({ name: 'dev_slow_echo', arguments: { ms: 1500 } });
    await dev.waitForStderr('dev_slow_echo v1 started (1500 ms)', from);
    await editFile(join(dir, 'src', 'tools', 'dev-fixtures.ts'), (text) =>
      text.replace("VERSION = 'v1'", "VERSION = 'v2'"),
    );
    await dev.waitForStderr('reloaded (change)', from);
    expect(firstText(await slow)).toBe('slow done v1');
    expect(firstText(await dev.client.callTool({ name: 'dev_slow_echo', arguments: { ms: 0 } }))).toBe('slow done v2');
  });

  it('requests sent while the new server starts are queued and answered by it', async () => {
    const from = dev.stderr().length;
    // The new server takes a while to load, so the calls below surely arrive during the swap.
    await editFile(join(dir, 'src', 'tools', 'dev-fixtures.ts'), (text) =>
      text.replace(
        "export const VERSION = 'v2';",
        "export const VERSION = 'v3';\nconst until = Date.now() + 700;\nwhile (Date.now() < until);",
      ),
    );
    await dev.waitForStderr(/starting server generation \d+ \(change\)/, from);
    const calls = Array.from({ length: 10 }, () =>
      dev.client.callTool({ name: 'dev_slow_echo', arguments: { ms: 0 } }).then(firstText),
    );
    expect(await Promise.all(calls)).toEqual(Array.from({ length: 10 }, () => 'slow done v3'));
  });

  it('a build error is logged to the client and the old code keeps serving', async () => {
    const logsBefore = dev.logs.length;
    const from = dev.stderr().length;
    await editFile(join(dir, 'src', 'tools', 'simple-text.ts'), (text) =>
      text.replace("run: () => 'Edited: the new code answers.',", "run: () => 'broken' +,"),
    );
    await dev.waitForStderr('build failed', from);
    expect(
      await eventually(() =>
        dev.logs.slice(logsBefore).some((log) => log.level === 'error' && String(log.data).includes('build failed')),
      ),
    ).toBe(true);
    expect(dev.logs.slice(logsBefore).find((log) => log.level === 'error')?.data).toMatch(/simple-text\.ts:\d+:\d+/);
    expect(await simpleText()).toBe('Edited: the new code answers.');
    const fixed = dev.stderr().length;
    await editFile(join(dir, 'src', 'tools', 'simple-text.ts'), (text) =>
      text.replace("run: () => 'broken' +,", "run: () => 'Fixed after a build error.',"),
    );
    await dev.waitForStderr('reloaded (change)', fixed);
    expect(await simpleText()).toBe('Fixed after a build error.');
  });

  it('a server that crashes on start is reported and the old one keeps serving', async () => {
    const logsBefore = dev.logs.length;
    const from = dev.stderr().length;
    await editFile(join(dir, 'src', 'index.ts'), (text) =>
      text.replace(
        'void runMain(',
        "if (process.env.MCP_FACTORY_DEV === '1') throw new Error('boom at start');\nvoid runMain(",
      ),
    );
    await dev.waitForStderr('failed to start', from);
    expect(
      await eventually(() =>
        dev.logs.slice(logsBefore).some((log) => log.level === 'error' && String(log.data).includes('failed to start')),
      ),
    ).toBe(true);
    expect(await simpleText()).toBe('Fixed after a build error.');
    const fixed = dev.stderr().length;
    await editFile(join(dir, 'src', 'index.ts'), (text) =>
      text.replace("if (process.env.MCP_FACTORY_DEV === '1') throw new Error('boom at start');\n", ''),
    );
    // Back to the code that serves: nothing to restart.
    await dev.waitForStderr('build output unchanged', fixed);
    expect(await simpleText()).toBe('Fixed after a build error.');
  });

  it('a server that crashes later is restarted, and the next call is served', async () => {
    const logsBefore = dev.logs.length;
    const from = dev.stderr().length;
    expect(firstText(await dev.client.callTool({ name: 'dev_crash_soon', arguments: {} }))).toBe('crashing');
    await dev.waitForStderr('exited unexpectedly', from);
    expect(
      await eventually(() =>
        dev.logs.slice(logsBefore).some((log) => String(log.data).includes('exited unexpectedly')),
      ),
    ).toBe(true);
    // Sent during the backoff: queued for the restarted server.
    expect(await simpleText()).toBe('Fixed after a build error.');
    await dev.waitForStderr('reloaded (crash)', from);
  });

  it('the reload meta-tool rebuilds, restarts and says what changed', async () => {
    const result = await dev.client.callTool({ name: 'mcp_factory_dev_reload', arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(firstText(result)).toMatch(/^Reloaded in \d+ ms \(server generation \d+\)\.\ntools: unchanged/);
    expect(result.structuredContent).toMatchObject({ ok: true, reason: 'tool' });
    expect(await simpleText()).toBe('Fixed after a build error.');
  });

  it('a save that changes no code does not restart the server', async () => {
    const from = dev.stderr().length;
    await editFile(join(dir, 'src', 'tools', 'simple-text.ts'), (text) => `// A comment only.\n${text}`);
    await dev.waitForStderr('build output unchanged', from);
    expect(dev.stderr().slice(from)).not.toMatch(/starting server generation/);
    expect(await simpleText()).toBe('Fixed after a build error.');
  });

  it('kills every process it started, grandchildren included, when the client goes away', async () => {
    grandchild = Number(firstText(await dev.client.callTool({ name: 'dev_spawn_grandchild', arguments: {} })));
    const running = await processesWithMarker(marker);
    expect(running).toContain(grandchild);
    expect(running.length).toBeGreaterThanOrEqual(3); // the proxy, its server, the grandchild (and a spare)
    await dev.close();
    expect(await eventually(async () => (await processesWithMarker(marker)).length === 0)).toBe(true);
  });
});

describe('mcp-factory dev with a short grace period', () => {
  it('answers a call the old server could not finish with a retryable error', async () => {
    const dir = await copyTemplate('everything');
    const dev = await connectDev(dir, ['--grace', '200']);
    try {
      const from = dev.stderr().length;
      const slow = dev.client.callTool({ name: 'dev_slow_echo', arguments: { ms: 20_000 } });
      await dev.waitForStderr('dev_slow_echo v1 started (20000 ms)', from);
      await editFile(join(dir, 'src', 'tools', 'dev-fixtures.ts'), (text) =>
        text.replace("VERSION = 'v1'", "VERSION = 'v2'"),
      );
      await dev.waitForStderr('reloaded (change)', from);
      const error = await slow.then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as ProtocolError).code).toBe(RELOADING);
      expect((error as ProtocolError).data).toMatchObject({ retryable: true, reason: 'reload' });
      expect(firstText(await dev.client.callTool({ name: 'dev_slow_echo', arguments: { ms: 0 } }))).toBe(
        'slow done v2',
      );
    } finally {
      await dev.close();
    }
  });
});

describe('mcp-factory dev relays server-to-client requests', () => {
  it('a sampling request from the server reaches the client and its answer goes back, across a reload', async () => {
    const dir = await copyTemplate('everything');
    const dev = await connectDev(dir, [], {}, { sampling: {} });
    const prompts: unknown[] = [];
    dev.client.setRequestHandler('sampling/createMessage', async (request) => {
      prompts.push(request.params.messages[0]?.content);
      return { role: 'assistant', content: { type: 'text', text: `answer ${prompts.length}` }, model: 'test-model' };
    });
    try {
      const sample = (): Promise<string> =>
        dev.client.callTool({ name: 'test_sampling', arguments: { prompt: 'hello' } }).then(firstText);
      expect(await sample()).toBe('LLM response: answer 1');
      const reload = await dev.client.callTool({ name: 'mcp_factory_dev_reload', arguments: {} });
      expect(reload.isError).toBeFalsy();
      expect(await sample()).toBe('LLM response: answer 2');
      expect(prompts).toEqual([
        { type: 'text', text: 'hello' },
        { type: 'text', text: 'hello' },
      ]);
    } finally {
      await dev.close();
    }
  });
});

describe('mcp-factory dev on the api template', () => {
  it('an edited tool description reaches the client through list_changed', async () => {
    const dir = await copyTemplate('api');
    const dev = await connectDev(dir);
    try {
      const before = await dev.client.listTools();
      expect(before.tools.find((tool) => tool.name === 'get_item')?.description).toMatch(/^Fetch one item by its id/);
      const from = dev.stderr().length;
      await editFile(join(dir, 'src', 'tools', 'get-item.ts'), (text) =>
        text.replace("description: 'Fetch one item by its id", "description: 'Fetch a single item by its id"),
      );
      await dev.waitForStderr(/reloaded \(change\).*tools: changed get_item/, from);
      expect(await eventually(() => (dev.listChanged.tools ?? 0) > 0)).toBe(true);
      const after = await dev.client.listTools(undefined, { cacheMode: 'refresh' });
      expect(after.tools.find((tool) => tool.name === 'get_item')?.description).toMatch(
        /^Fetch a single item by its id/,
      );
    } finally {
      await dev.close();
    }
  });
});

describe('mcp-factory dev usage errors', () => {
  it('refuses a folder without an entry with a clear message and exit code 2', async () => {
    const { runCommand, CLI, tempDir } = await import('../helpers/index.js');
    const empty = await tempDir('dev-empty');
    const result = await runCommand(process.execPath, [CLI, 'dev', empty], { cwd: empty, env: process.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no entry .*src\/index\.ts: pass the project folder, or --entry <file>/);
    expect(result.stdout).toBe('');
  });
});

describe('mcp-factory dev when its parent dies', () => {
  it('exits, with its server, when the parent is killed and stdin stays open', async () => {
    const { spawn, spawnSync } = await import('node:child_process');
    const { closeSync, openSync, writeSync } = await import('node:fs');
    const { CLI } = await import('../helpers/index.js');
    const dir = await copyTemplate('everything');
    const marker = `dev-parent-${randomUUID()}`;
    // dev's stdin is a FIFO the test keeps open for writing (Node would close a pipe of its own
    // when the parent exits), so no EOF comes when the parent dies: only the parent watch can end it.
    const fifo = join(dir, 'stdin.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const stdin = openSync(fifo, 'r+');
    const parentScript = `
      const { spawn } = require('node:child_process');
      spawn(process.execPath, [${JSON.stringify(CLI)}, 'dev', ${JSON.stringify(dir)}], { stdio: 'inherit' });
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ['-e', parentScript], {
      stdio: [stdin, 'pipe', 'ignore'],
      env: { ...process.env, LOG_LEVEL: 'warn', MCP_JOURNAL: 'off', DEV_TEST_MARKER: marker },
    });
    let stdout = '';
    parent.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    try {
      const initialize = {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
      };
      writeSync(stdin, `${JSON.stringify(initialize)}\n`);
      expect(await eventually(() => stdout.includes('"id":1'), 30_000)).toBe(true);
      expect((await processesWithMarker(marker)).length).toBeGreaterThanOrEqual(3); // parent, proxy, server
      parent.kill('SIGKILL');
      expect(await eventually(async () => (await processesWithMarker(marker)).length === 0, 15_000)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
      closeSync(stdin);
    }
  });
});
