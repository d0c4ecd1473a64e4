import { describe, expect, it } from 'vitest';

import { RegistryErrorCode } from './errors.js';
import { missingConfig, resolveEntry, resolveServer } from './resolve.js';
import type { ServerEntry } from './schema.js';

const base = { origin: { source: 'manual' as const }, pins: {}, changes: [], addedAt: '', updatedAt: '' };

describe('resolveEntry', () => {
  it('passes only the declared variables of the caller environment to a stdio server', () => {
    const entry: ServerEntry = {
      ...base,
      name: 'svc',
      transports: [{ type: 'stdio', command: 'node', args: ['server.js'], env: ['API_KEY'], cwd: '/srv' }],
      config: [{ name: 'REGION', required: true, secret: false }],
    };
    const target = resolveEntry(entry, { env: { API_KEY: 'k', REGION: 'eu', HOME: '/root', SECRET: 'no' } });
    expect(target).toEqual({
      kind: 'stdio',
      command: 'node',
      args: ['server.js'],
      env: { API_KEY: 'k', REGION: 'eu' },
      cwd: '/srv',
    });
    expect(missingConfig(entry, {})).toEqual(['REGION']);
    expect(missingConfig(entry, { REGION: 'x' })).toEqual([]);
  });

  it('fills HTTP headers from their variables and honours the preferred transport', () => {
    const entry: ServerEntry = {
      ...base,
      name: 'svc',
      config: [],
      transports: [
        { type: 'stdio', command: 'node', args: [], env: [] },
        { type: 'http', url: 'http://127.0.0.1:9/mcp', headers: [{ name: 'Authorization', env: 'AUTHORIZATION' }] },
      ],
    };
    expect(resolveEntry(entry).kind).toBe('stdio');
    expect(resolveEntry(entry, { prefer: 'http', env: { AUTHORIZATION: 'Bearer t' } })).toEqual({
      kind: 'http',
      url: 'http://127.0.0.1:9/mcp',
      headers: { Authorization: 'Bearer t' },
    });
  });

  it('resolveServer fails with NOT_FOUND for an unknown name', async () => {
    await expect(
      resolveServer('ghost', { catalog: { userStore: '/nonexistent/u.json', projectStore: '/nonexistent/p.json' } }),
    ).rejects.toMatchObject({ code: RegistryErrorCode.NotFound });
  });
});
