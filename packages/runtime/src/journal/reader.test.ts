import { mkdir, utimes } from 'node:fs/promises';
import { join } from 'node:path';

import { afterEach, describe, expect, test } from 'vitest';

import { collect, entry, open, removeTempDirs, segmentFiles, tempDir } from './__fixtures__/helpers.js';
import { JournalError } from './errors.js';
import { readJournal, relayTarget } from './reader.js';

afterEach(removeTempDirs);

/** A journal over several segments: calls of `search` and `fetch`, every third one failed, one per simulated minute. */
async function sampleJournal(): Promise<{ dir: string; start: number }> {
  const dir = await tempDir();
  const start = Date.parse('2026-03-01T10:00:00Z');
  let now = start;
  const journal = open(dir, { fsync: 'always', maxSegmentBytes: 1200, retainSegments: 0, now: () => now });
  for (let index = 0; index < 24; index++) {
    const failed = index % 3 === 2;
    await journal.append(
      entry({
        name: index % 2 === 0 ? 'search' : 'fetch',
        requestId: `r${index}`,
        status: failed ? 'error' : 'ok',
        ...(failed ? { error: { code: 'TOOL_FAILED', message: `failure ${index}` } } : {}),
      }),
    );
    now += 60_000;
  }
  await journal.close();
  return { dir, start };
}

describe('reading a journal', () => {
  test('returns every record across segments in order', async () => {
    const { dir } = await sampleJournal();
    expect((await segmentFiles(dir)).length).toBeGreaterThan(2);
    const records = await collect(readJournal(dir));
    expect(records.map((record) => record.seq)).toEqual(Array.from({ length: 24 }, (_, index) => index + 1));
    expect(records[2]).toMatchObject({ status: 'error', error: { code: 'TOOL_FAILED', message: 'failure 2' } });
    expect(records[0]).not.toHaveProperty('crc');
  });

  test('filters by name, time and failure, combined', async () => {
    const { dir, start } = await sampleJournal();
    const ids = async (filter: Parameters<typeof readJournal>[1]) =>
      (await collect(readJournal(dir, filter))).map((record) => record.requestId);
    expect(await ids({ name: 'fetch' })).toHaveLength(12);
    expect(await ids({ errorsOnly: true })).toEqual(['r2', 'r5', 'r8', 'r11', 'r14', 'r17', 'r20', 'r23']);
    expect(await ids({ since: new Date(start + 20 * 60_000) })).toEqual(['r20', 'r21', 'r22', 'r23']);
    expect(await ids({ since: start + 20 * 60_000, name: 'search', errorsOnly: true })).toEqual(['r20']);
    expect(await ids({ name: 'nothing' })).toEqual([]);
  });

  test('finds calls a gateway relayed by the downstream server and the name they reached there', async () => {
    const dir = await tempDir();
    const journal = open(dir, { fsync: 'off' });
    const relayed = (name: string, server: string, what: string, requestId: string) =>
      entry({
        name,
        requestId,
        exchanges: [
          {
            upstream: server,
            method: 'MCP',
            url: `mcp://${server}/${what}`,
            status: 200,
            attempt: 1,
            startedAt: 0,
            durationMs: 1,
          },
        ],
      });
    await journal.append(relayed('call_tool', 'beta', 'echo', 'meta'));
    await journal.append(relayed('alpha__echo', 'alpha', 'echo', 'all'));
    await journal.append(relayed('load_server', 'beta', '', 'load'));
    await journal.append(relayed('call_tool', 'beta', 'my tool', 'spaced'));
    // An HTTP upstream is not a relay, even one whose URL looks alike.
    await journal.append(
      entry({
        name: 'echo',
        requestId: 'own',
        exchanges: [
          {
            upstream: 'Acme',
            method: 'GET',
            url: 'https://acme.test/echo',
            status: 200,
            attempt: 1,
            startedAt: 0,
            durationMs: 1,
          },
        ],
      }),
    );
    await journal.close();
    const ids = async (filter: Parameters<typeof readJournal>[1]) =>
      (await collect(readJournal(dir, filter))).map((record) => record.requestId);
    expect(await ids({ name: 'echo' })).toEqual(['meta', 'all', 'own']);
    expect(await ids({ server: 'beta' })).toEqual(['meta', 'load', 'spaced']);
    expect(await ids({ server: 'beta', name: 'echo' })).toEqual(['meta']);
    expect(await ids({ name: 'my tool' })).toEqual(['spaced']);
    const records = await collect(readJournal(dir));
    expect(records.map(relayTarget)).toEqual([
      { server: 'beta', name: 'echo' },
      { server: 'alpha', name: 'echo' },
      { server: 'beta', name: '' },
      { server: 'beta', name: 'my tool' },
      undefined,
    ]);
  });

  test('skips whole segments last written before `since`', async () => {
    const { dir, start } = await sampleJournal();
    const files = await segmentFiles(dir);
    // Every segment but the last looks a day old: the reader must not open them for a recent `since`.
    const old = new Date(start - 86_400_000);
    for (const file of files.slice(0, -1)) await utimes(join(dir, file), old, old);
    const recent = await collect(readJournal(dir, { since: start - 3_600_000 }));
    const all = await collect(readJournal(dir));
    expect(recent.length).toBeLessThan(all.length);
    expect(recent.at(-1)?.seq).toBe(24);
  });

  test('throws a not_found JournalError for a missing directory, and reads an empty one as empty', async () => {
    const dir = await tempDir();
    await expect(collect(readJournal(join(dir, 'missing')))).rejects.toThrow(JournalError);
    await expect(collect(readJournal(join(dir, 'missing')))).rejects.toMatchObject({ failure: 'not_found' });
    expect(await collect(readJournal(dir))).toEqual([]);
  });

  test('a folder under a segment name is an open_failed JournalError naming it, not a raw EISDIR', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'journal-000002.jsonl'));
    await expect(collect(readJournal(dir))).rejects.toMatchObject({
      name: 'JournalError',
      failure: 'open_failed',
      message: `${join(dir, 'journal-000002.jsonl')} is a folder, not a journal segment; move it out of the journal directory.`,
    });
  });
});
