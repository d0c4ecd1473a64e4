import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { discoverClientConfigs } from './client-configs.js';
import { discoverFactoryProjects } from './factory-projects.js';
import { discover } from './index.js';
import { discoverNpmPackages } from './npm-packages.js';
import { discoverServerJson } from './server-json.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'registry-discovery-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function put(path: string, content: unknown): Promise<string> {
  const file = join(root, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

const SERVER_JSON = {
  name: 'io.github.acme/weather',
  description: 'Weather forecasts',
  version: '1.2.0',
  packages: [
    {
      registryType: 'npm',
      identifier: '@acme/weather-mcp',
      version: '1.2.0',
      transport: { type: 'stdio' },
      packageArguments: [{ type: 'named', name: '--units', value: 'metric' }],
      environmentVariables: [{ name: 'WEATHER_API_KEY', description: 'API key', isRequired: true, isSecret: true }],
    },
  ],
  remotes: [
    {
      type: 'streamable-http',
      url: 'https://weather.example.com/mcp',
      headers: [{ name: 'X-Api-Key', isSecret: true }],
    },
  ],
};

describe('server.json source', () => {
  it('turns packages and remotes into transports and config names', async () => {
    const file = await put('server.json', SERVER_JSON);
    const { servers, problems } = await discoverServerJson([file, join(root, 'missing.json')]);
    expect(problems).toEqual([]);
    expect(servers).toEqual([
      expect.objectContaining({
        name: 'weather',
        version: '1.2.0',
        registryName: 'io.github.acme/weather',
        transports: [
          {
            type: 'stdio',
            command: 'npx',
            args: ['-y', '@acme/weather-mcp@1.2.0', '--units', 'metric'],
            env: ['WEATHER_API_KEY'],
          },
          { type: 'http', url: 'https://weather.example.com/mcp', headers: [{ name: 'X-Api-Key', env: 'X_API_KEY' }] },
        ],
        config: [
          { name: 'WEATHER_API_KEY', description: 'API key', required: true, secret: true },
          expect.objectContaining({ name: 'X_API_KEY', secret: true }),
        ],
      }),
    ]);
  });

  it('reports bad JSON and wrong shapes per file', async () => {
    const bad = await put('a/server.json', '{ nope');
    const wrong = await put('b/server.json', { packages: 'x' });
    const good = await put('c/server.json', SERVER_JSON);
    const { servers, problems } = await discoverServerJson([bad, wrong, good]);
    expect(servers.map((s) => s.name)).toEqual(['weather']);
    expect(problems).toEqual([
      { path: bad, reason: expect.stringMatching(/not valid JSON/) },
      { path: wrong, reason: expect.stringMatching(/not a server.json.*name/) },
    ]);
  });
});

describe('npm packages source', () => {
  it('finds packages with mcpName or server.json, and reports one without its entry file', async () => {
    await put('node_modules/@acme/tool/package.json', {
      name: '@acme/tool',
      version: '2.0.0',
      mcpName: 'io.github.acme/tool',
      bin: { tool: 'dist/index.js' },
    });
    await put('node_modules/@acme/tool/dist/index.js', '');
    await put('node_modules/plain/package.json', { name: 'plain', main: 'index.js' });
    await put('node_modules/with-json/package.json', { name: 'with-json', version: '1.0.0', main: 'main.js' });
    await put('node_modules/with-json/main.js', '');
    await put('node_modules/with-json/server.json', { ...SERVER_JSON, name: 'io.github.acme/with-json' });
    const broken = await put('node_modules/broken/package.json', {
      name: 'broken',
      mcpName: 'io.github.x/broken',
      bin: 'dist/cli.js',
    });
    const { servers, problems } = await discoverNpmPackages([join(root, 'node_modules')]);
    expect(servers.map((s) => s.name).sort()).toEqual(['@acme/tool', 'with-json']);
    const tool = servers.find((s) => s.name === '@acme/tool')!;
    expect(tool.transports).toEqual([
      { type: 'stdio', command: 'node', args: [join(root, 'node_modules/@acme/tool/dist/index.js')], env: [] },
    ]);
    expect(tool.package).toMatchObject({ registryType: 'npm', identifier: '@acme/tool', version: '2.0.0' });
    const withJson = servers.find((s) => s.name === 'with-json')!;
    expect(withJson.transports[0]).toEqual({
      type: 'stdio',
      command: 'node',
      args: [join(root, 'node_modules/with-json/main.js'), '--units', 'metric'],
      env: ['WEATHER_API_KEY'],
    });
    expect(problems).toEqual([{ path: broken, reason: expect.stringMatching(/entry file dist\/cli.js is missing/) }]);
  });

  it('refuses an entry that points outside the package', async () => {
    const file = await put('node_modules/evil/package.json', { name: 'evil', mcpName: 'x', bin: '../../etc/passwd' });
    const { servers, problems } = await discoverNpmPackages([join(root, 'node_modules')]);
    expect(servers).toEqual([]);
    expect(problems).toEqual([{ path: file, reason: expect.stringMatching(/outside the package/) }]);
  });
});

describe('factory projects source', () => {
  it('registers a built project and reports an unbuilt or broken one', async () => {
    await put('built/.mcp-factory.json', { template: 'api' });
    await put('built/package.json', { name: 'my-api', version: '0.1.0', bin: { 'my-api': 'dist/index.cjs' } });
    await put('built/dist/index.cjs', '');
    await put('unbuilt/.mcp-factory.json', { template: 'everything' });
    const unbuilt = await put('unbuilt/package.json', { name: 'unbuilt', bin: { unbuilt: 'dist/index.cjs' } });
    const bad = await put('bad/.mcp-factory.json', '{');
    const dirs = ['built', 'unbuilt', 'bad', 'not-a-project'].map((d) => join(root, d));
    const { servers, problems } = await discoverFactoryProjects(dirs);
    expect(servers).toEqual([
      expect.objectContaining({
        name: 'my-api',
        description: 'generated from the api template',
        transports: [
          {
            type: 'stdio',
            command: 'node',
            args: [join(root, 'built/dist/index.cjs')],
            env: [],
            cwd: join(root, 'built'),
          },
        ],
        origin: { source: 'factory-project', path: join(root, 'built/.mcp-factory.json') },
      }),
    ]);
    expect(problems).toEqual([
      { path: unbuilt, reason: expect.stringMatching(/missing.*npm run build/) },
      { path: bad, reason: expect.stringMatching(/not valid JSON/) },
    ]);
  });
});

describe('client configs source', () => {
  it('reads mcpServers (JSONC, per-project Claude Code scope) and VS Code servers, keeping names not values', async () => {
    const mcpJson = await put(
      '.mcp.json',
      `{
        // a comment
        "mcpServers": {
          "Memory Server": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"], "env": { "MEMORY_FILE": "/secret/path" } },
          "remote": { "type": "http", "url": "http://127.0.0.1:3000/mcp", "headers": { "Authorization": "Bearer sk-live" } },
          "broken": { "args": [] },
        },
      }`,
    );
    const vscode = await put('.vscode/mcp.json', {
      servers: { fs: { type: 'stdio', command: 'node', args: ['fs.js'] } },
    });
    const claude = await put('home/.claude.json', {
      projects: { [root]: { mcpServers: { local: { command: 'local-cmd' } } } },
    });
    const desktop = await put('home/claude_desktop_config.json', '{ "mcpServers": ');
    const { servers, problems } = await discoverClientConfigs(
      [
        { client: 'mcp-json', path: mcpJson },
        { client: 'vscode', path: vscode },
        { client: 'claude-code', path: claude },
        { client: 'claude-desktop', path: desktop },
        { client: 'cursor', path: join(root, 'missing.json') },
      ],
      root,
    );
    expect(servers.map((s) => s.name)).toEqual(['memory-server', 'remote', 'fs', 'local']);
    expect(servers[0]!.transports[0]).toEqual({
      type: 'stdio',
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-memory'],
      env: ['MEMORY_FILE'],
    });
    expect(servers[1]!.transports[0]).toEqual({
      type: 'http',
      url: 'http://127.0.0.1:3000/mcp',
      headers: [{ name: 'Authorization', env: 'AUTHORIZATION' }],
    });
    expect(JSON.stringify(servers)).not.toMatch(/sk-live|secret\/path/);
    expect(servers[2]!.origin).toEqual({ source: 'client-config', path: vscode, client: 'vscode' });
    expect(problems).toEqual([
      { path: mcpJson, reason: expect.stringMatching(/"broken".*neither a "command" nor a "url"/) },
      { path: desktop, reason: expect.stringMatching(/not valid JSON\(C\)/) },
    ]);
  });
});

describe('discover', () => {
  it('runs every source, reports each one separately and keeps the first owner of a name', async () => {
    await put('server.json', '{ broken');
    await put('.mcp.json', { mcpServers: { 'with-json': { command: 'other' }, extra: { command: 'x' } } });
    await put('node_modules/with-json/package.json', {
      name: 'with-json',
      mcpName: 'io.github.a/with-json',
      main: 'main.js',
    });
    await put('node_modules/with-json/main.js', '');
    const result = await discover({ cwd: root, home: join(root, 'home') });
    expect(result.servers.map((s) => s.name)).toEqual(['with-json', 'extra']);
    const bySource = Object.fromEntries(result.reports.map((r) => [r.source, r]));
    expect(bySource['npm-packages']!.found).toEqual(['with-json']);
    expect(bySource['server-json']!.problems).toEqual([
      { path: join(root, 'server.json'), reason: expect.stringMatching(/not valid JSON/) },
    ]);
    expect(bySource['client-configs']!.found).toEqual(['extra']);
    expect(bySource['client-configs']!.problems[0]!.reason).toMatch(/already provided by npm-packages/);
  });
});
