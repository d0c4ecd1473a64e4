// `mcp-factory run <name>`: the registered server on the CLI's own stdio (as a client would launch
// it), and served over Streamable HTTP on 127.0.0.1 through the bridge, each answering the
// official SDK client.
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';

import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CLI_DIST, REFERENCE, sandbox, show, type Sandbox } from './helpers.js';

let box: Sandbox;
beforeAll(async () => {
  box = await sandbox('registry-run');
  const added = await box.cli(['add', 'everything', '--', 'node', REFERENCE.everything, 'stdio']);
  expect(added.code, show(added)).toBe(0);
});
afterAll(async () => {
  await rm(box.root, { recursive: true, force: true });
});

describe('mcp-factory run', () => {
  it('serves a registered server on its own stdio', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI_DIST, 'run', 'everything'],
      env: box.env as Record<string, string>,
      cwd: box.cwd,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'registry-run-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toContain('echo');
      const result = await client.callTool({ name: 'echo', arguments: { message: 'via run' } });
      expect(result.content).toEqual([{ type: 'text', text: 'Echo: via run' }]);
    } finally {
      await client.close();
    }
  });

  it('serves it over Streamable HTTP on 127.0.0.1 with --http, refusing a foreign Origin', async () => {
    const child = spawn(process.execPath, [CLI_DIST, 'run', 'everything', '--http', '--port', '0'], {
      cwd: box.cwd,
      env: box.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          const match = /"url":"(http:\/\/127\.0\.0\.1:\d+\/mcp)"/.exec(stderr);
          if (match !== null) resolve(match[1]!);
        });
        child.once('exit', () => reject(new Error(`run exited before serving:\n${stderr}`)));
      });
      const client = new Client({ name: 'registry-run-http-test', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(url)));
      const { tools } = await client.listTools();
      expect(tools.length).toBeGreaterThan(5);
      const sums = await Promise.all(
        [1, 2, 3].map((n) => client.callTool({ name: 'get-sum', arguments: { a: n, b: 10 } })),
      );
      expect(sums.map((result) => (result.content as Array<{ text: string }>)[0]!.text)).toEqual([
        'The sum of 1 and 10 is 11.',
        'The sum of 2 and 10 is 12.',
        'The sum of 3 and 10 is 13.',
      ]);
      await client.close();
      const foreign = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'https://evil.example', accept: 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      });
      expect(foreign.status).toBe(403);
      expect(((await foreign.json()) as { error: { message: string } }).error.message).toMatch(
        /`mcp-factory run --http` answers loopback names only\.$/,
      );
      const post = (body: string, contentType = 'application/json') =>
        fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
      const plainText = await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }), 'text/plain');
      expect(plainText.status).toBe(415);
      for (const body of ['[]', '"x"', '42']) {
        const refused = await post(body);
        expect(refused.status, body).toBe(400);
        expect(((await refused.json()) as { error: { code: number } }).error.code, body).toBe(-32600);
      }
      const malformed = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{',
      });
      expect(malformed.status).toBe(400);
      expect(((await malformed.json()) as { error: { code: number } }).error.code).toBe(-32700);
      // The bridged server registered by URL: inspected and called over HTTP, the header's value from $X_API_KEY.
      const added = await box.cli(['add', 'remote', '--url', url, '--header', 'X-Api-Key']);
      expect(added.code, show(added)).toBe(0);
      const inspected = await box.cli(['inspect', 'remote'], { X_API_KEY: 'k' });
      expect(inspected.code, show(inspected)).toBe(0);
      expect(inspected.stdout).toMatch(/remote: mcp-servers\/everything .* — \d+ tools/);
      const called = await box.cli(['call', 'remote', 'echo', '--arg', 'message=over http'], { X_API_KEY: 'k' });
      expect(called.code, show(called)).toBe(0);
      expect(called.stdout).toBe('Echo: over http\n');
      const info = await box.cli(['info', 'remote']);
      expect(info.stdout).toMatch(
        /Transport:\s+http\s+http:\/\/127\.0\.0\.1:\d+\/mcp\n\s+header X-Api-Key ← \$X_API_KEY/,
      );
      expect(info.stdout).toMatch(/X_API_KEY \(required, secret\)/);
      // Nothing but the server's protocol traffic could go to stdout, and the bridge writes none there.
      expect(stdout).toBe('');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
