import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createLogger, openJournal, type Journal, type JournalEntry } from '@mcp-factory/runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { CliError } from '../errors.js';
import type { Io } from '../io.js';
import { main } from '../main.js';
import type { Prompter } from '../prompter.js';
import { formatRecord, parseLogsArgs, parseSince } from './logs.js';

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'cli-logs-test-'));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

const NOW = Date.parse('2026-05-01T12:00:00Z');

function journalAt(dir: string, options: { now?: () => number; maxSegmentBytes?: number } = {}): Journal {
  return openJournal({
    dir,
    fsync: 'off',
    metrics: false,
    logger: createLogger({ level: 'silent' }),
    retainSegments: 0,
    ...options,
  });
}

function call(overrides: Partial<JournalEntry> = {}): JournalEntry {
  return { method: 'tools/call', name: 'search', requestId: 'req-1', durationMs: 12.4, status: 'ok', ...overrides };
}

/** A journal with three calls, one minute apart, the second one failed. */
async function sampleJournal(dir: string): Promise<void> {
  let now = NOW - 3 * 60_000;
  const journal = journalAt(dir, { now: () => now });
  await journal.append(call({ requestId: 'r1' }));
  now += 60_000;
  await journal.append(
    call({
      name: 'get_item',
      requestId: 'r2',
      durationMs: 1520,
      status: 'error',
      error: { code: 'TOOL_FAILED', message: 'Item not found:\n  check the id' },
    }),
  );
  now += 60_000;
  await journal.append(call({ method: 'resources/read', name: 'readme', uri: 'docs://readme', requestId: 'r3' }));
  await journal.close();
}

function harness(signal?: AbortSignal) {
  let out = '';
  let err = '';
  const io: Io = {
    out: (text) => (out += text),
    err: (text) => (err += text),
    interactive: false,
    cwd,
    env: { MCP_FACTORY_STATE_HOME: join(cwd, 'state') },
  };
  const prompter = {} as Prompter;
  const run = (...argv: string[]) => main(argv, { io, prompter, ...(signal === undefined ? {} : { signal }) });
  return { run, out: () => out, err: () => err };
}

describe('mcp-factory logs: arguments', () => {
  it('parses flags, defaulting the directory to .', () => {
    expect(parseLogsArgs([], NOW)).toEqual({
      dir: '.',
      follow: false,
      tool: undefined,
      server: undefined,
      since: undefined,
      errors: false,
      json: false,
      help: false,
    });
    expect(
      parseLogsArgs(['srv', '-f', '--tool', 'x', '--server', 'beta', '--since', '10m', '--errors', '--json'], NOW),
    ).toEqual({
      dir: 'srv',
      follow: true,
      tool: 'x',
      server: 'beta',
      since: new Date(NOW - 600_000),
      errors: true,
      json: true,
      help: false,
    });
  });

  it('reads --since as an ISO time or an age in s, m, h or d', () => {
    expect(parseSince('2026-01-02T10:00:00Z', NOW).toISOString()).toBe('2026-01-02T10:00:00.000Z');
    expect(parseSince('2026-01-02', NOW).toISOString()).toBe('2026-01-02T00:00:00.000Z');
    expect(parseSince('30s', NOW).getTime()).toBe(NOW - 30_000);
    expect(parseSince('2h', NOW).getTime()).toBe(NOW - 7_200_000);
    expect(parseSince('1d', NOW).getTime()).toBe(NOW - 86_400_000);
    expect(() => parseSince('yesterday', NOW)).toThrow(CliError);
    expect(() => parseLogsArgs(['--server', ''], NOW)).toThrow(/--server wants a name/);
    expect(() => parseLogsArgs(['--tool', ' '], NOW)).toThrow(/--tool wants a name/);
    expect(() => parseSince('10 minutes', NOW)).toThrow(/an age \(30s, 10m, 2h, 1d\)/);
  });

  it('refuses a --since no date can hold, or a day the calendar lacks, instead of matching nothing', () => {
    expect(() => parseSince('99999999999d', NOW)).toThrow(/reaches back further than a date can/);
    expect(() => parseSince('2026-02-30', NOW)).toThrow(/2026-02-30 is not a day of the calendar/);
    expect(() => parseSince('2026-13-01T00:00Z', NOW)).toThrow(CliError);
    expect(parseSince('2024-02-29', NOW).toISOString()).toBe('2024-02-29T00:00:00.000Z');
  });

  it('refuses a flag given twice', () => {
    expect(() => parseLogsArgs(['--tool', 'a', '--tool', 'b'], NOW)).toThrow(
      '--tool was given twice; give it once. See "mcp-factory logs --help".',
    );
  });

  it('formats a record on one line: time, name, status, duration, request id, error', () => {
    expect(
      formatRecord({
        ...call({ status: 'error', error: { code: 'TIMEOUT', message: 'took\ntoo long' }, durationMs: 30_000 }),
        seq: 1,
        ts: '2026-05-01T12:00:00.000Z',
      }),
    ).toBe(`2026-05-01T12:00:00.000Z  search                    error    30.0 s  req-1  TIMEOUT: took too long\n`);
  });

  it('names where a gateway relayed a call', () => {
    const record = { ...call({ name: 'call_tool' }), seq: 1, ts: '2026-05-01T12:00:00.000Z' };
    expect(formatRecord(record, { server: 'beta', name: 'echo' })).toBe(
      `2026-05-01T12:00:00.000Z  call_tool → beta/echo     ok        12 ms  req-1\n`,
    );
    expect(formatRecord({ ...record, name: 'load_server' }, { server: 'beta', name: '' })).toMatch(
      /^\S+ {2}load_server → beta {8}ok {8}12 ms/,
    );
    expect(formatRecord({ ...record, name: 'echo' }, { server: 'relay', name: 'echo' })).toMatch(
      /^\S+ {2}echo → relay {14}ok/,
    );
  });
});

describe('mcp-factory logs', () => {
  it('prints every call of a journal directory, oldest first', async () => {
    await sampleJournal(join(cwd, 'journal'));
    const h = harness();
    expect(await h.run('logs', 'journal')).toBe(0);
    expect(h.out().split('\n')).toEqual([
      '2026-05-01T11:57:00.000Z  search                    ok        12 ms  r1',
      '2026-05-01T11:58:00.000Z  get_item                  error     1.5 s  r2  TOOL_FAILED: Item not found: check the id',
      '2026-05-01T11:59:00.000Z  docs://readme             ok        12 ms  r3',
      '',
    ]);
    expect(h.err()).toBe('');
  });

  it("takes a segment's own path as its folder", async () => {
    await sampleJournal(join(cwd, 'journal'));
    const h = harness();
    expect(await h.run('logs', join('journal', 'journal-000001.jsonl'))).toBe(0);
    expect(h.out().split('\n')).toHaveLength(4);
  });

  it('finds the journal/ folder of a project directory, the working directory by default', async () => {
    await sampleJournal(join(cwd, 'journal'));
    const h = harness();
    expect(await h.run('logs')).toBe(0);
    expect(h.out().split('\n')).toHaveLength(4);
  });

  it('filters by tool, time and failure, and prints JSON with --json', async () => {
    await sampleJournal(join(cwd, 'journal'));
    const h = harness();
    expect(await h.run('logs', '--errors', '--json')).toBe(0);
    const lines = h.out().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ seq: 2, name: 'get_item', status: 'error', requestId: 'r2' });
    const byTool = harness();
    expect(await byTool.run('logs', '--tool', 'search')).toBe(0);
    expect(byTool.out()).toMatch(/^\S+ {2}search .* r1\n$/);
    const recent = harness();
    expect(await recent.run('logs', '--since', '2026-05-01T11:58:30Z')).toBe(0);
    expect(recent.out()).toMatch(/ r3\n$/);
    expect(recent.out().split('\n')).toHaveLength(2);
  });

  it('reports lines that are not valid records on stderr and goes on', async () => {
    const dir = join(cwd, 'journal');
    await sampleJournal(dir);
    const segment = join(dir, 'journal-000001.jsonl');
    const [first, ...rest] = (await readFile(segment, 'utf8')).split('\n');
    await writeFile(segment, [first, 'not a record', ...rest].join('\n'));
    const h = harness();
    expect(await h.run('logs', dir)).toBe(0);
    expect(h.out().trim().split('\n')).toHaveLength(3);
    expect(h.err()).toBe(
      `mcp-factory logs: skipped journal-000001.jsonl line 2 (byte ${first!.length + 1}): no checksum\n`,
    );
  });

  it('finds the default journal of a server in the state directory, by name or from its project folder', async () => {
    await sampleJournal(join(cwd, 'state', 'journals', 'acme__weather'));
    const byName = harness();
    expect(await byName.run('logs', '@acme/weather')).toBe(0);
    expect(byName.out().split('\n')).toHaveLength(4);
    await mkdir(join(cwd, 'weather'));
    await writeFile(join(cwd, 'weather', 'package.json'), JSON.stringify({ name: '@acme/weather' }));
    const byProject = harness();
    expect(await byProject.run('logs', 'weather')).toBe(0);
    expect(byProject.out()).toBe(byName.out());
  });

  it('fails with exit 1 and says where it looked when there is no journal', async () => {
    const h = harness();
    expect(await h.run('logs', './nowhere')).toBe(1);
    expect(h.err()).toBe(`mcp-factory: No journal at ${join(cwd, 'nowhere')}: no such directory.\n`);
    const byName = harness();
    expect(await byName.run('logs', 'nowhere')).toBe(1);
    expect(byName.err()).toContain(`looked in ${join(cwd, 'state', 'journals', 'nowhere')}.`);
    await mkdir(join(cwd, 'project'));
    const empty = harness();
    expect(await empty.run('logs', 'project')).toBe(1);
    expect(empty.err()).toContain(`looked in ${join(cwd, 'project')}, ${join(cwd, 'project', 'journal')}.`);
  });

  it('refuses bad usage with exit 2', async () => {
    const h = harness();
    expect(await h.run('logs', '--nope')).toBe(2);
    expect(h.err()).toMatch(/Unknown option '--nope'/);
    expect(await h.run('logs', '--since', 'soon')).toBe(2);
    expect(await h.run('logs', 'a', 'b')).toBe(2);
    expect(await h.run('logs', '--help')).toBe(0);
    expect(h.out()).toMatch(/Usage: mcp-factory logs \[dir\] \[options\]/);
  });

  it('--follow prints existing calls, then new ones across rotations, until stopped', async () => {
    const dir = join(cwd, 'journal');
    await sampleJournal(dir);
    const controller = new AbortController();
    const h = harness(controller.signal);
    const running = h.run('logs', dir, '--follow', '--tool', 'search');
    const journal = journalAt(dir, { maxSegmentBytes: 1024 });
    for (let index = 0; index < 12; index++) {
      await journal.append(call({ requestId: `live-${index}` }));
      await journal.append(call({ name: 'other', requestId: `other-${index}` }));
    }
    await journal.close();
    const deadline = Date.now() + 10_000;
    while (!h.out().includes('live-11') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    expect(await running).toBe(0);
    const ids = h
      .out()
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/).at(-1));
    expect(ids).toEqual(['r1', ...Array.from({ length: 12 }, (_, index) => `live-${index}`)]);
  });
});
