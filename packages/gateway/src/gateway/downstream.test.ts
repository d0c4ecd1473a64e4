import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { Downstream } from './downstream.js';
import { GatewayErrorCode } from './errors.js';

let logDir: string;
beforeEach(async () => {
  logDir = await mkdtemp(join(tmpdir(), 'gw-downstream-'));
});
afterEach(async () => {
  await rm(logDir, { recursive: true, force: true });
});

/** A stdio server that answers initialize only after `delayMs` (a slow start). */
const SLOW_SERVER = `
setTimeout(() => {
  let buffer = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => {
    buffer += chunk;
    for (let end = buffer.indexOf('\\n'); end >= 0; end = buffer.indexOf('\\n')) {
      const message = JSON.parse(buffer.slice(0, end));
      buffer = buffer.slice(end + 1);
      if (message.method === 'initialize')
        process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: {
          protocolVersion: message.params.protocolVersion, capabilities: { tools: {} },
          serverInfo: { name: 'slow', version: '1.0.0' } } }) + '\\n');
    }
  });
}, 400);
`;

/** A downstream over {@link SLOW_SERVER}. */
function slowDownstream(): Downstream {
  return new Downstream(
    { name: 'slow', kind: 'stdio', command: process.execPath, args: ['-e', SLOW_SERVER], env: {} },
    { logDir, idleMs: 0 },
  );
}

describe('Downstream', () => {
  it('a stop that comes while the server is starting leaves it stopped, not running', async () => {
    const downstream = slowDownstream();
    const loading = downstream.connect();
    await downstream.stop();
    await expect(loading).rejects.toMatchObject({
      code: GatewayErrorCode.Unavailable,
      message: 'server "slow" was stopped while it was starting',
    });
    expect(downstream.state).toBe('stopped');
    // A later load starts it afresh.
    await downstream.connect();
    expect(downstream.state).toBe('running');
    await downstream.stop();
  });

  it('a connect after a stop that overtook a start (reload_server during a load) starts it anew', async () => {
    const downstream = slowDownstream();
    const loading = downstream.connect();
    await downstream.stop();
    const reloaded = downstream.connect();
    // A call arriving meanwhile shares that start: one server, not two.
    const alongside = downstream.connect();
    await expect(loading).rejects.toMatchObject({ code: GatewayErrorCode.Unavailable });
    const [first, second] = await Promise.all([reloaded, alongside]);
    expect(second).toBe(first);
    expect(downstream.state).toBe('running');
    await downstream.stop();
  });

  it('names a missing working folder instead of blaming the command (spawn says ENOENT for both)', async () => {
    const missing = join(logDir, 'no-such-folder');
    const downstream = new Downstream(
      { name: 'x', kind: 'stdio', command: process.execPath, args: ['-e', '0'], env: {}, cwd: missing },
      { logDir, idleMs: 0 },
    );
    try {
      await expect(downstream.list()).rejects.toMatchObject({
        code: GatewayErrorCode.StartFailed,
        message: expect.stringContaining(`its working folder (cwd) ${missing} does not exist`),
      });
    } finally {
      await downstream.stop();
    }
  });
});
