import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parse } from 'jsonc-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { RegistryErrorCode } from './errors.js';
import { renderExport, writeExport } from './export.js';
import type { ServerEntry } from './schema.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'registry-export-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const base = { origin: { source: 'manual' as const }, pins: {}, changes: [], addedAt: '', updatedAt: '' };
const memory: ServerEntry = {
  ...base,
  name: 'memory',
  version: '2026.8.31',
  transports: [{ type: 'stdio', command: 'node', args: ['/x/memory.js'], env: ['MEMORY_FILE_PATH'] }],
  config: [{ name: 'API_TOKEN', required: true, secret: true }],
  package: {
    registryType: 'npm',
    identifier: '@modelcontextprotocol/server-memory',
    version: '2026.8.31',
    arguments: [],
  },
};
const remote: ServerEntry = {
  ...base,
  name: 'remote',
  transports: [
    { type: 'http', url: 'http://127.0.0.1:3000/mcp', headers: [{ name: 'Authorization', env: 'REMOTE_TOKEN' }] },
  ],
  config: [],
};

describe('renderExport', () => {
  it('writes variable references, never values, in each client format', () => {
    expect(renderExport([memory, remote], 'claude-code').document).toEqual({
      mcpServers: {
        memory: {
          type: 'stdio',
          command: 'node',
          args: ['/x/memory.js'],
          env: { MEMORY_FILE_PATH: '${MEMORY_FILE_PATH}', API_TOKEN: '${API_TOKEN}' },
        },
        remote: { type: 'http', url: 'http://127.0.0.1:3000/mcp', headers: { Authorization: '${REMOTE_TOKEN}' } },
      },
    });
    expect(renderExport([remote], 'cursor').servers.remote).toEqual({
      url: 'http://127.0.0.1:3000/mcp',
      headers: { Authorization: '${env:REMOTE_TOKEN}' },
    });
    const vscode = renderExport([memory], 'vscode');
    expect(vscode.document).toEqual({
      inputs: [{ type: 'promptString', id: 'API_TOKEN', description: 'API_TOKEN for memory', password: true }],
      servers: {
        memory: {
          type: 'stdio',
          command: 'node',
          args: ['/x/memory.js'],
          env: { MEMORY_FILE_PATH: '${env:MEMORY_FILE_PATH}', API_TOKEN: '${input:API_TOKEN}' },
        },
      },
    });
    const desktop = renderExport([memory, remote], 'claude-desktop');
    expect(desktop.servers.remote).toMatchObject({
      command: 'npx',
      args: ['-y', 'mcp-remote', 'http://127.0.0.1:3000/mcp', '--header', 'Authorization:${REMOTE_TOKEN}'],
    });
    expect(desktop.warnings.join('\n')).toMatch(/placeholder of API_TOKEN/);
  });

  it('renders server.json for a published package and refuses a local command', () => {
    expect(renderExport([memory], 'server-json').document).toMatchObject({
      name: 'io.github.your-org/memory',
      version: '2026.8.31',
      packages: [
        {
          registryType: 'npm',
          identifier: '@modelcontextprotocol/server-memory',
          transport: { type: 'stdio' },
          environmentVariables: [{ name: 'API_TOKEN', isRequired: true, isSecret: true }],
        },
      ],
    });
    expect(renderExport([remote], 'server-json').document).toMatchObject({
      remotes: [{ type: 'streamable-http', url: 'http://127.0.0.1:3000/mcp' }],
    });
    const local = { ...memory, package: undefined };
    expect(() => renderExport([local], 'server-json')).toThrow(
      expect.objectContaining({ code: RegistryErrorCode.NotExportable }),
    );
  });
});

describe('writeExport', () => {
  it('merges into an existing JSONC file, keeping comments and other entries', async () => {
    const file = join(dir, '.cursor', 'mcp.json');
    await writeExport(renderExport([remote], 'cursor'), file);
    const existing = `{
  // my servers
  "mcpServers": {
    "github": { "command": "gh-mcp" }, // keep me
    "memory": { "command": "old" }
  },
  "other": true
}
`;
    await writeFile(file, existing);
    // The file's own "memory" has other settings: refused, file untouched, unless replace.
    await expect(writeExport(renderExport([memory], 'cursor'), file)).rejects.toMatchObject({
      code: RegistryErrorCode.ExportTarget,
      message: expect.stringContaining('already has "memory" with other settings; pass --replace'),
    });
    expect(await readFile(file, 'utf8')).toBe(existing);
    const text = await writeExport(renderExport([memory], 'cursor'), file, { replace: true });
    expect(text).toContain('// my servers');
    expect(text).toContain('// keep me');
    const parsed = parse(text);
    expect(parsed.other).toBe(true);
    expect(parsed.mcpServers.github).toEqual({ command: 'gh-mcp' });
    expect(parsed.mcpServers.memory.command).toBe('node');
    expect(await readFile(file, 'utf8')).toBe(text);
  });

  it('exporting the same server again is no change, not a conflict', async () => {
    const file = join(dir, 'again', 'mcp.json');
    const first = await writeExport(renderExport([memory], 'cursor'), file);
    expect(await writeExport(renderExport([memory], 'cursor'), file)).toBe(first);
  });

  it('merges VS Code inputs by id and refuses to touch an unparseable file', async () => {
    const file = join(dir, 'mcp.json');
    await writeFile(
      file,
      JSON.stringify({ inputs: [{ id: 'OTHER', type: 'promptString' }], servers: { a: { command: 'a' } } }),
    );
    const parsed = parse(await writeExport(renderExport([memory], 'vscode'), file)) as {
      inputs: Array<{ id: string }>;
      servers: Record<string, unknown>;
    };
    expect(parsed.inputs.map((input) => input.id)).toEqual(['OTHER', 'API_TOKEN']);
    expect(Object.keys(parsed.servers)).toEqual(['a', 'memory']);
    await writeFile(file, '{ "servers": ');
    await expect(writeExport(renderExport([memory], 'vscode'), file)).rejects.toMatchObject({
      code: RegistryErrorCode.ExportTarget,
    });
    expect(await readFile(file, 'utf8')).toBe('{ "servers": ');
  });
});
