/**
 * The journal in a real server process: enabled by `MCP_JOURNAL_DIR`, fed by every call, flushed
 * and closed by the graceful shutdown of `runMain` (SIGTERM with a call still running).
 */
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, expect, test } from 'vitest';

import { bundleFixture, type BundledFixture } from '../__fixtures__/process.js';

import { collect } from './__fixtures__/helpers.js';
import { openJournal } from './journal.js';
import { readJournal } from './reader.js';

let tmp: string;
let server: string;

let fixture: BundledFixture;

beforeAll(async () => {
  fixture = await bundleFixture('stdio-server.mjs');
  tmp = fixture.dir;
  server = fixture.file;
});

afterAll(async () => {
  await fixture.remove();
});

test('a server started with MCP_JOURNAL_DIR journals its calls and closes the journal on SIGTERM', async () => {
  const dir = join(tmp, 'journal');
  const child = spawn(process.execPath, [server, '--shutdown-grace', '10000'], {
    env: { PATH: process.env.PATH ?? '', MCP_JOURNAL_DIR: dir, MCP_JOURNAL_FSYNC: 'interval', LOG_LEVEL: 'info' },
  });
  let stdout = '';
  let stderr = '';
  const responses = new Map<number, unknown>();
  const waiters = new Map<number, (value: unknown) => void>();
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    for (let newline = stdout.indexOf('\n'); newline !== -1; newline = stdout.indexOf('\n')) {
      const message = JSON.parse(stdout.slice(0, newline)) as { id?: number };
      stdout = stdout.slice(newline + 1);
      if (typeof message.id === 'number') {
        responses.set(message.id, message);
        waiters.get(message.id)?.(message);
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const send = (message: unknown): void => void child.stdin.write(`${JSON.stringify(message)}\n`);
  const response = (id: number): Promise<unknown> =>
    responses.has(id) ? Promise.resolve(responses.get(id)) : new Promise((resolve) => waiters.set(id, resolve));

  send({
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
  });
  await response(0);
  send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text: 'one' } } });
  await response(1);
  send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'sleep', arguments: { ms: 300 } } });
  while (!stderr.includes('tool started')) await new Promise((resolve) => setTimeout(resolve, 10));
  child.kill('SIGTERM');
  expect(await response(2)).toMatchObject({ result: { content: [{ type: 'text', text: 'slept 300' }] } });
  expect(await exited).toBe(0);
  expect(stderr).not.toMatch(/journal: /);

  const records = await collect(readJournal(dir));
  expect(records.map((record) => [record.seq, record.name, record.status, record.args])).toEqual([
    [1, 'echo', 'ok', { text: 'one' }],
    [2, 'sleep', 'ok', { ms: 300 }],
  ]);
  expect((await stat(dir)).mode & 0o777).toBe(0o700);
  const reopened = openJournal({ dir, metrics: false });
  expect(reopened.recovery).toMatchObject({ lastSeq: 2, droppedBytes: 0, corrupt: [] });
  await reopened.close();
});
