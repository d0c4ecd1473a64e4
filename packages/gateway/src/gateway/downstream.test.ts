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

describe('Downstream', () => {
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
