import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { configFileSource, parseClientConfig } from './config-source.js';
import { GatewayErrorCode } from './errors.js';

describe('client config files', () => {
  it('reads the mcpServers shape (Claude Code, Claude Desktop, Cursor): stdio and HTTP entries', () => {
    const specs = parseClientConfig(
      JSON.stringify({
        mcpServers: {
          fs: { command: 'npx', args: ['-y', 'server-fs', '/tmp'], env: { TOKEN: 'x' }, cwd: 'sub' },
          remote: { type: 'http', url: 'https://example.com/mcp', headers: { Authorization: 'Bearer t' } },
        },
      }),
      '/home/me/.mcp.json',
    );
    expect(specs).toEqual([
      {
        name: 'fs',
        kind: 'stdio',
        command: 'npx',
        args: ['-y', 'server-fs', '/tmp'],
        env: { TOKEN: 'x' },
        cwd: '/home/me/sub',
      },
      { name: 'remote', kind: 'http', url: 'https://example.com/mcp', headers: { Authorization: 'Bearer t' } },
    ]);
  });

  it("reads VS Code's servers shape with comments", () => {
    const specs = parseClientConfig(
      '{ // vs code\n "servers": { "a": { "type": "stdio", "command": "node", }, }, }',
      'mcp.json',
    );
    expect(specs).toEqual([{ name: 'a', kind: 'stdio', command: 'node', args: [], env: {} }]);
  });

  it.each([
    ['{"mcpServers": {"a b": {"command": "x"}}}', /server name "a b"/],
    ['{"mcpServers": {"a": {"args": []}}}', /needs a "command"/],
    ['{"mcpServers": {"a": {"command": "x", "args": "y"}}}', /"args" must be an array of strings/],
    ['{"mcpServers": {"a": {"command": "x", "env": {"K": 1}}}}', /a\.env\.K must be a string/],
    ['{"mcpServers": {"a": {"url": "not a url"}}}', /is not a valid URL/],
    ['{"mcpServers": {"a": {"type": "sse", "url": "http://x/sse"}}}', /legacy SSE transport/],
    ['{"other": {}}', /expected an object with "mcpServers"/],
    ['{oops', /not valid JSON/],
    ['{"mcpServers": {"a": {"url": "file:///etc/passwd"}}}', /must be http\(s\)/],
    ['{"mcpServers": {"a": {"command": "x"}, "a": {"command": "y"}}}', /the key "a" appears twice/],
  ])('refuses %s with a clear error', (text, message) => {
    expect(() => parseClientConfig(text, 'f.json')).toThrow(message);
  });

  it('explains a missing default .mcp.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gw-config-'));
    await expect(configFileSource(undefined, dir).list()).rejects.toMatchObject({
      code: GatewayErrorCode.ConfigInvalid,
      message: expect.stringMatching(/no such file \(pass --config FILE, or create \.mcp\.json here\)/) as unknown,
    });
    await writeFile(join(dir, '.mcp.json'), '{"mcpServers": {"a": {"command": "node"}}}');
    expect(await configFileSource(undefined, dir).list()).toHaveLength(1);
  });
});
