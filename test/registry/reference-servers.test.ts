// The registry against servers nobody here wrote: the reference servers from npm, driven through
// the built CLI with a sandboxed HOME and state home.
import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { parse } from 'jsonc-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { REFERENCE, sandbox, show, type Sandbox } from './helpers.js';

let box: Sandbox;
let folder: string;
beforeAll(async () => {
  box = await sandbox('registry-ref');
  folder = join(box.root, 'files');
  await mkdir(folder);
  await writeFile(join(folder, 'hello.txt'), 'hello from the sandbox\n');
  for (const args of [
    [
      'add',
      'everything',
      '--description',
      'the reference everything server',
      '--',
      'node',
      REFERENCE.everything,
      'stdio',
    ],
    ['add', 'memory', '--env', 'MEMORY_FILE_PATH', '--', 'node', REFERENCE.memory],
    ['add', 'filesystem', '--', 'node', REFERENCE.filesystem, folder],
  ]) {
    const result = await box.cli(args);
    expect(result.code, show(result)).toBe(0);
  }
});
afterAll(async () => {
  await rm(box.root, { recursive: true, force: true });
});

describe('registry against the reference servers', () => {
  it('lists added servers as a table and as JSON', async () => {
    const table = await box.cli(['list']);
    expect(table.code, show(table)).toBe(0);
    expect(table.stdout).toMatch(/^NAME\s+TRANSPORT\s+SOURCE\s+TOOLS\s+TOKENS\s+STATUS/);
    expect(table.stdout).toMatch(/everything\s+stdio\s+manual\s+-\s+-\s+not inspected/);
    const json = await box.cli(['list', '--json']);
    const entries = JSON.parse(json.stdout) as Array<{ name: string; transports: Array<{ env: string[] }> }>;
    expect(entries.map((entry) => entry.name)).toEqual(['everything', 'filesystem', 'memory']);
    expect(entries[2]!.transports[0]!.env).toEqual(['MEMORY_FILE_PATH']);
    const stored = JSON.parse(await readFile(join(box.state, 'registry.json'), 'utf8'));
    expect(stored.version).toBe(1);
  });

  it('refuses a duplicate name, a bad name and a missing command with clear errors', async () => {
    const duplicate = await box.cli(['add', 'memory', '--', 'node', 'x.js']);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/already registered/);
    const traversal = await box.cli(['add', '../../etc', '--', 'node']);
    expect(traversal.code).toBe(2);
    expect(traversal.stderr).toMatch(/invalid server name/);
    const neither = await box.cli(['add', 'nothing']);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toMatch(/either `-- <command>/);
  });

  it.each([
    [
      'everything',
      /mcp-servers\/everything .*— 1\d tools, 7 resources, 2 resource templates, 4 prompts; tools\/list \d+ tokens/,
    ],
    ['memory', /memory-server .*— 9 tools, \d+ resources/],
    ['filesystem', /secure-filesystem-server .*— 1\d tools/],
  ])('inspects %s and caches its tools with hashes', async (name, summary) => {
    const result = await box.cli(['inspect', name]);
    expect(result.code, show(result)).toBe(0);
    expect(result.stdout).toMatch(summary);
    const info = await box.cli(['info', name, '--json']);
    const entry = JSON.parse(info.stdout) as {
      cache: { tools: Array<{ name: string; hash: string }>; toolsTokens: number };
      pins: Record<string, string>;
    };
    expect(entry.cache.toolsTokens).toBeGreaterThan(100);
    for (const tool of entry.cache.tools) {
      expect(tool.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(entry.pins[tool.name]).toBe(tool.hash);
    }
  });

  it('shows metadata, config, tools with input schemas and token size in info', async () => {
    const result = await box.cli(['info', 'everything']);
    expect(result.code, show(result)).toBe(0);
    expect(result.stdout).toContain('the reference everything server');
    expect(result.stdout).toMatch(/Transport:\s+stdio\s+node .*server-everything.*stdio/);
    expect(result.stdout).toMatch(/tools\/list: \d+ tokens \(cl100k_base\)/);
    expect(result.stdout).toMatch(/ {2}echo — Echoes back the input string\n\s+\{\n\s+"type": "object"/);
    expect(result.stdout).toMatch(/Prompts \(4\):/);
    const memory = await box.cli(['info', 'memory']);
    expect(memory.stdout).toMatch(/Config:\n {2}MEMORY_FILE_PATH \(optional\)/);
  });

  it('calls tools and prints results; --arg values are typed by the cached schema', async () => {
    const echo = await box.cli(['call', 'everything', 'echo', '--arg', 'message=42']);
    expect(echo.code, show(echo)).toBe(0);
    expect(echo.stdout).toBe('Echo: 42\n');
    const sum = await box.cli(['call', 'everything', 'get-sum', '--json', '{"a": 2}', '--arg', 'b=40']);
    expect(sum.code, show(sum)).toBe(0);
    expect(sum.stdout).toMatch(/The sum of 2 and 40 is 42/);
    const read = await box.cli(['call', 'filesystem', 'read_text_file', '--arg', `path=${join(folder, 'hello.txt')}`]);
    expect(read.code, show(read)).toBe(0);
    expect(read.stdout).toBe('hello from the sandbox\n');
  });

  it('passes declared variables to the server (memory writes where MEMORY_FILE_PATH says)', async () => {
    const file = join(box.root, 'memory.jsonl');
    const created = await box.cli(
      [
        'call',
        'memory',
        'create_entities',
        '--json',
        JSON.stringify({
          entities: [{ name: 'Ada', entityType: 'person', observations: ['wrote the first program'] }],
        }),
      ],
      { MEMORY_FILE_PATH: file, UNDECLARED_SECRET: 'must-not-leak' },
    );
    expect(created.code, show(created)).toBe(0);
    expect(await readFile(file, 'utf8')).toMatch(/"name":"Ada"/);
    const graph = await box.cli(['call', 'memory', 'read_graph', '--raw'], { MEMORY_FILE_PATH: file });
    expect(graph.code, show(graph)).toBe(0);
    expect(JSON.parse(graph.stdout).structuredContent.entities[0].name).toBe('Ada');
  });

  it('exits 1 when the tool returns isError, and 2 on malformed arguments', async () => {
    const outside = await box.cli(['call', 'filesystem', 'read_text_file', '--arg', 'path=/etc/passwd']);
    expect(outside.code).toBe(1);
    expect(outside.stdout).toMatch(/Access denied|outside allowed directories/);
    expect(outside.stderr).toMatch(/returned an error result \(isError\)/);
    const badJson = await box.cli(['call', 'everything', 'echo', '--json', '{nope']);
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toMatch(/--json is not valid JSON/);
    const unknown = await box.cli(['call', 'ghost', 'echo']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no server called "ghost".*known: everything, filesystem, memory/);
  });

  it('reports a server that does not start with its stderr tail', async () => {
    const added = await box.cli([
      'add',
      'dead',
      '--',
      'node',
      '-e',
      'console.error("fatal: DATABASE_URL is not set"); process.exit(3)',
    ]);
    expect(added.code, show(added)).toBe(0);
    const result = await box.cli(['inspect', 'dead']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/could not connect to dead/);
    expect(result.stderr).toMatch(/server stderr \(last lines\)[\s\S]*fatal: DATABASE_URL is not set/);
    expect((await box.cli(['remove', 'dead'])).code).toBe(0);
  });

  it('exports each client format, merging into existing files without losing entries', async () => {
    const cases = [
      ['claude-desktop', 'claude_desktop_config.json', 'mcpServers'],
      ['claude-code', '.mcp.json', 'mcpServers'],
      ['cursor', '.cursor/mcp.json', 'mcpServers'],
      ['vscode', '.vscode/mcp.json', 'servers'],
    ] as const;
    for (const [format, file, key] of cases) {
      const path = join(box.cwd, file);
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(path, `{\n  // kept\n  "${key}": { "mine": { "command": "my-server", "args": [] } }\n}\n`);
      const result = await box.cli(['export', 'everything', 'memory', '--to', format, '--file', file]);
      expect(result.code, show(result)).toBe(0);
      const text = await readFile(path, 'utf8');
      expect(text).toContain('// kept');
      const doc = parse(text) as Record<
        string,
        Record<string, { command: string; args: string[]; env?: Record<string, string> }>
      >;
      expect(Object.keys(doc[key]!).sort()).toEqual(['everything', 'memory', 'mine']);
      expect(doc[key]!.everything!.args).toEqual([expect.stringContaining('server-everything'), 'stdio']);
      // MEMORY_FILE_PATH was declared optional (--env): not exported, and the user is told.
      expect(doc[key]!.memory!.env).toBeUndefined();
      expect(result.stderr).toMatch(/optional variable MEMORY_FILE_PATH not exported/);
    }
    const secretive = await box.cli(['add', 'secretive', '--secret', 'API_TOKEN', '--', 'node', 'server.js']);
    expect(secretive.code, show(secretive)).toBe(0);
    const printed = await box.cli(['export', 'memory', 'secretive', '--to', 'claude-code'], {
      API_TOKEN: 'sk-never-written',
    });
    expect(printed.code, show(printed)).toBe(0);
    expect(JSON.parse(printed.stdout)).toEqual({
      mcpServers: {
        memory: { type: 'stdio', command: 'node', args: [expect.stringContaining('server-memory')] },
        secretive: { type: 'stdio', command: 'node', args: ['server.js'], env: { API_TOKEN: '${API_TOKEN}' } },
      },
    });
    expect(printed.stdout).not.toContain('sk-never-written');
    expect((await box.cli(['remove', 'secretive'])).code).toBe(0);
    const local = await box.cli(['export', 'memory', '--to', 'server-json']);
    expect(local.code).toBe(1);
    expect(local.stderr).toMatch(/server.json needs a published package/);
    const badTarget = join(box.cwd, 'broken.json');
    await writeFile(badTarget, '{ "mcpServers": ');
    const refused = await box.cli(['export', 'memory', '--to', 'cursor', '--file', 'broken.json']);
    expect(refused.code).toBe(1);
    expect(await readFile(badTarget, 'utf8')).toBe('{ "mcpServers": ');
  });

  it('keeps the store intact and names the file when it is corrupt', async () => {
    const file = join(box.state, 'registry.json');
    const before = await readFile(file, 'utf8');
    await writeFile(file, before.slice(0, 40));
    const result = await box.cli(['list']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toMatch(/not valid JSON/);
    expect(await readFile(file, 'utf8')).toBe(before.slice(0, 40));
    await writeFile(file, before);
  });
});
