import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Io } from '../io.js';
import { main } from '../main.js';
import type { Prompter } from '../prompter.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-registry-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const prompter = {} as Prompter;

function cli() {
  let out = '';
  let err = '';
  const io: Io = {
    out: (text) => (out += text),
    err: (text) => (err += text),
    interactive: false,
    cwd: dir,
    env: { HOME: dir, MCP_FACTORY_STATE_HOME: join(dir, 'state') },
  };
  const run = async (...argv: string[]) => {
    out = '';
    err = '';
    return main(argv, { io, prompter });
  };
  return { run, out: () => out, err: () => err };
}

describe('registry commands in process', () => {
  it('adds, lists, shows and removes entries; project entries go to ./.mcp-factory', async () => {
    const c = cli();
    expect(await c.run('list')).toBe(0);
    expect(c.out()).toMatch(/No servers registered/);
    expect(await c.run('add', 'tool', '--secret', 'API_KEY', '--', 'node', 'server.js', '--flag')).toBe(0);
    expect(
      await c.run('add', 'local', '--project', '--url', 'http://127.0.0.1:9/mcp', '--header', 'Authorization=MY_TOKEN'),
    ).toBe(0);
    expect(await c.run('list')).toBe(0);
    expect(c.out()).toMatch(/local\s+http\s+manual\s+-\s+-\s+not inspected\s+http:\/\/127\.0\.0\.1:9\/mcp/);
    expect(c.out()).toMatch(/tool\s+stdio\s+manual\s+-\s+-\s+not inspected\s+node server\.js --flag/);
    const project = JSON.parse(await readFile(join(dir, '.mcp-factory', 'registry.json'), 'utf8'));
    expect(project.servers.local.transports[0].headers).toEqual([{ name: 'Authorization', env: 'MY_TOKEN' }]);
    expect(await c.run('info', 'tool')).toBe(0);
    expect(c.out()).toMatch(/API_KEY \(required, secret\)/);
    expect(c.out()).toMatch(/Not inspected yet/);
    expect(await c.run('remove', 'tool')).toBe(0);
    expect(c.out()).toBe('Removed tool from the user registry.\n');
    expect(await c.run('info', 'tool')).toBe(1);
    expect(c.err()).toMatch(/no server called "tool".*known: local/);
  });

  it('treats usage mistakes as exit 2 with a message', async () => {
    const c = cli();
    expect(await c.run('add', 'x', '--url', 'not a url')).toBe(2);
    expect(c.err()).toMatch(/is not a URL/);
    expect(await c.run('add', 'x', '--env', 'A=b', '--', 'node')).toBe(2);
    expect(c.err()).toMatch(/values are never stored/);
    expect(await c.run('export', 'x', '--to', 'emacs')).toBe(2);
    expect(c.err()).toMatch(/--to must be one of claude-desktop, claude-code, cursor, vscode, server-json/);
    expect(await c.run('run', 'x', '--port', '3000')).toBe(2);
    for (const port of ['', '0x10', '1e3', '70000']) {
      expect(await c.run('run', 'x', '--http', '--port', port)).toBe(2);
      expect(c.err()).toMatch(/is not a port number/);
    }
    expect(await c.run('discover', '--inspect', '--dry-run')).toBe(2);
    expect(await c.run('list', '--bogus')).toBe(2);
    expect(await c.run('list', 'extra')).toBe(2);
    expect(c.err()).toMatch(/list: unexpected argument "extra"/);
    expect(await c.run('export', 'a', 'b', '--to', 'server-json')).toBe(2);
    expect(c.err()).toMatch(/server-json describes one server; got 2/);
    expect(await c.run('export', 'a', '--to', 'cursor', '--file', '')).toBe(2);
    expect(c.err()).toMatch(/--file needs a path/);
    expect(await c.run('info', 'Bad/Name')).toBe(2);
    expect(c.err()).toMatch(/invalid server name/);
    expect(await c.run('add', 'x', '--', '')).toBe(2);
    expect(c.err()).toMatch(/the command after `--` is empty/);
    expect(await c.run('add', 'x', '--secret', '', '--', 'node')).toBe(2);
    expect(c.err()).toMatch(/--secret "" is not a variable name/);
  });

  it('refuses credentials in an HTTP URL: the registry stores names, never values', async () => {
    const c = cli();
    expect(await c.run('add', 'x', '--url', 'http://user:pass@127.0.0.1:9/mcp')).toBe(2);
    expect(c.err()).toMatch(/carries credentials \(user:password@\)/);
    expect(await c.run('add', 'x', '--url', 'http://127.0.0.1:9/mcp?region=eu&Api_Key=abc')).toBe(2);
    expect(c.err()).toMatch(/credential in its query \(Api_Key\)/);
    expect(await c.run('list')).toBe(0);
    expect(c.out()).toMatch(/No servers registered/);
    expect(await c.run('add', 'x', '--url', 'http://127.0.0.1:9/mcp?region=eu')).toBe(0);
  });

  it('export refuses to overwrite a server of the same name with other settings, unless --replace', async () => {
    const c = cli();
    expect(await c.run('add', 'mine', '--', 'node', 'server.js')).toBe(0);
    const file = join(dir, 'cursor.json');
    const own = `{ "mcpServers": { "mine": { "command": "mine", "args": ["keep"] } } }\n`;
    await writeFile(file, own);
    expect(await c.run('export', 'mine', '--to', 'cursor', '--file', file)).toBe(1);
    expect(c.err()).toMatch(/already has "mine" with other settings; pass --replace/);
    expect(await readFile(file, 'utf8')).toBe(own);
    expect(await c.run('export', 'mine', '--to', 'cursor', '--file', file, '--replace')).toBe(0);
    expect(JSON.parse(await readFile(file, 'utf8')).mcpServers.mine.command).toBe('node');
    // The same export again changes nothing and is no conflict.
    expect(await c.run('export', 'mine', '--to', 'cursor', '--file', file)).toBe(0);
  });

  it('keeps a hand-added entry when discovery finds the same name elsewhere', async () => {
    const c = cli();
    expect(await c.run('add', 'svc', '--', 'my-own-command')).toBe(0);
    await writeFile(
      join(dir, '.mcp.json'),
      JSON.stringify({ mcpServers: { svc: { command: 'other' }, fresh: { command: 'x' } } }),
    );
    expect(await c.run('discover')).toBe(0);
    expect(c.out()).toMatch(/added 1, updated 0, kept 1/);
    expect(await c.run('discover')).toBe(0);
    expect(c.out()).toMatch(/added 0, updated 1, kept 1/);
    expect(await c.run('list', '--json')).toBe(0);
    const entries = JSON.parse(c.out()) as Array<{ name: string; transports: Array<{ command: string }> }>;
    expect(entries.find((entry) => entry.name === 'svc')!.transports[0]!.command).toBe('my-own-command');
  });

  it('prints help for a registry command', async () => {
    const c = cli();
    expect(await c.run('export', '--help')).toBe(0);
    expect(c.out()).toMatch(/^Usage: mcp-factory export <name…> --to <format>/);
  });
});
