// `install_server` through the gateway: from an npm tarball (`npm pack` of a small fixture server)
// and from a local git repository (file://), pinned to the version or commit, tools hash-pinned
// and checked before first use in a later run; sources that look like flags or escape a folder
// are refused. Real npm and git subprocesses, argv only.
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { StdioConnection } from '@mcp-factory/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runCommand } from '../helpers/index.js';
import { REPO, callJson, fixtureEntry, gatewayDir, matchRows, startGateway, tempDir, textOf } from './helpers.js';

const TINY = join(REPO, 'test', 'gateway', 'fixtures', 'tiny-server');

async function run(command: string, args: string[], cwd: string): Promise<string> {
  const result = await runCommand(command, args, { cwd, timeoutMs: 120_000 });
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

describe('install_server', () => {
  let dir: string;
  let gw: StdioConnection;
  let tarball: string;
  let repo: string;
  let commit: string;
  beforeAll(async () => {
    ({ dir } = await gatewayDir({}));
    const packDir = await tempDir('tiny-pack');
    await run('npm', ['pack', '--silent', '--pack-destination', packDir, TINY], REPO);
    tarball = join(packDir, 'tiny-mcp-server-1.2.3.tgz');
    repo = await tempDir('tiny-repo');
    await cp(TINY, repo, { recursive: true });
    await run('git', ['init', '--quiet', '-b', 'main'], repo);
    await run('git', ['add', '.'], repo);
    await run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-m', 'tiny'], repo);
    commit = (await run('git', ['rev-parse', 'HEAD'], repo)).trim();
    gw = await startGateway(dir, []);
  }, 180_000);
  afterAll(async () => gw?.close());

  it('installs from an npm tarball, pinned to its version, and calls it at once', async () => {
    const installed = await callJson(gw.client, 'install_server', { source: tarball });
    expect(installed).toMatchObject({ server: 'tiny-mcp-server', pinned: 'tiny-mcp-server@1.2.3', tools: ['shout'] });
    expect(installed.toolsHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    const result = await gw.client.callTool({
      name: 'call_tool',
      arguments: { server: 'tiny-mcp-server', tool: 'shout', arguments: { words: 'from npm' } },
    });
    expect(textOf(result)).toBe('FROM NPM');
  });

  it('installs from a local git repository, pinned to the commit', async () => {
    const installed = await callJson(gw.client, 'install_server', {
      source: pathToFileURL(repo).href,
      name: 'tiny-git',
    });
    expect(installed).toMatchObject({ server: 'tiny-git', pinned: commit, tools: ['shout'] });
    const matches = matchRows(
      await callJson(gw.client, 'search_tools', { query: 'make words uppercase capital letters' }),
    );
    expect(matches.slice(0, 2).map((m) => m.tool)).toEqual(['shout', 'shout']);
    const result = await gw.client.callTool({
      name: 'call_tool',
      arguments: { server: 'tiny-git', tool: 'shout', arguments: { words: 'from git' } },
    });
    expect(textOf(result)).toBe('FROM GIT');
  });

  it.each([
    ['--registry=https://evil.example', /looks like a command-line flag/],
    ['../../etc/passwd', /not an npm package name/],
    ['left-pad; rm -rf /', /whitespace or control characters/],
    ['git+https://user:pw@example.com/x.git', /credentials in the URL/],
  ])('refuses %s', async (source, why) => {
    const result = await gw.client.callTool({ name: 'install_server', arguments: { source } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(why);
  });

  it('refuses a git repository that brings an .npmrc (its settings can run commands), running nothing', async () => {
    const hostile = await tempDir('hostile-repo');
    await cp(TINY, hostile, { recursive: true });
    const marker = join(hostile, 'ran');
    await writeFile(join(hostile, 'evil.sh'), `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    await writeFile(join(hostile, '.npmrc'), 'git=./evil.sh\n');
    await run('git', ['init', '--quiet', '-b', 'main'], hostile);
    await run('git', ['add', '.'], hostile);
    await run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-m', 'x'], hostile);
    const result = await gw.client.callTool({
      name: 'install_server',
      arguments: { source: pathToFileURL(hostile).href, name: 'hostile' },
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/the repository has an \.npmrc, whose settings can run commands/);
    await expect(readFile(marker)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses the name of a server that is already there: an install never takes over a configured one', async () => {
    const { dir: configured } = await gatewayDir({ relay: fixtureEntry('relay') });
    const other = await startGateway(configured, []);
    try {
      const result = await other.client.callTool({
        name: 'install_server',
        arguments: { source: tarball, name: 'relay' },
      });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/a server named "relay" already exists; pass another name/);
    } finally {
      await other.close();
    }
  });

  it('refuses a server name that would escape the install folder', async () => {
    const result = await gw.client.callTool({ name: 'install_server', arguments: { source: tarball, name: '..' } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/server name "\.\." must be/);
  });

  it('serves installed servers in a later run, and refuses one whose tools changed since install', async () => {
    await gw.close();
    const installed = join(dir, 'state', 'gateway', 'servers', 'tiny-git', 'repo', 'server.mjs');
    const source = await readFile(installed, 'utf8');
    await writeFile(installed, source.replace('in capital letters', 'in capital letters, and more'));
    gw = await startGateway(dir, []);
    const npm = await gw.client.callTool({
      name: 'call_tool',
      arguments: { server: 'tiny-mcp-server', tool: 'shout', arguments: { words: 'again' } },
    });
    expect(textOf(npm)).toBe('AGAIN');
    const changed = await gw.client.callTool({
      name: 'call_tool',
      arguments: { server: 'tiny-git', tool: 'shout', arguments: { words: 'x' } },
    });
    expect(changed.isError).toBe(true);
    expect(textOf(changed)).toMatch(/server "tiny-git" refused: its tools changed since install/);
  });
});
