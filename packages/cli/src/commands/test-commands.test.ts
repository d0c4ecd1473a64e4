import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Report, RunOptions, Target } from '@mcp-factory/harness';
import { describe, expect, it } from 'vitest';

import type { CommandContext } from '../command.js';
import { CliError } from '../errors.js';
import { parseTestArgs } from './test-args.js';
import { createTestCommands } from './test-commands.js';

const REPORT: Report = {
  target: 't',
  transport: 'stdio',
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 10,
  results: [{ id: 'lifecycle.ping', group: 'lifecycle', title: 'ping', status: 'pass', reason: 'ok' }],
  stderr: [],
};

function context() {
  let out = '';
  let err = '';
  const ctx: CommandContext = {
    io: { out: (text) => (out += text), err: (text) => (err += text), interactive: false, cwd: '/work/here', env: {} },
    stdin: process.stdin,
    stdout: process.stdout,
    factoryVersion: '0.0.0',
  };
  return { ctx, out: () => out, err: () => err };
}

describe('parseTestArgs', () => {
  it('refuses a timeout, load or duration past its bound instead of passing it to a timer', () => {
    expect(() => parseTestArgs(['--timeout', '1e20', 'x'])).toThrow('--timeout must be at most 3600000, got 1e20.');
    expect(() => parseTestArgs(['--duration', '100000', 'x'])).toThrow('--duration must be at most 86400');
    expect(parseTestArgs(['--timeout', '3600000', 'x']).timeoutMs).toBe(3_600_000);
  });

  it('reads a command after --, a URL or a name', () => {
    expect(parseTestArgs(['--', 'node', 'server.js', '--flag']).subject).toEqual({
      kind: 'command',
      command: 'node',
      args: ['server.js', '--flag'],
    });
    expect(parseTestArgs(['http://127.0.0.1:3000/mcp']).subject).toEqual({
      kind: 'url',
      url: 'http://127.0.0.1:3000/mcp',
    });
    expect(parseTestArgs(['memory']).subject).toEqual({ kind: 'name', name: 'memory' });
  });

  it('reads reporters, groups, baseline, load and limits', () => {
    const args = parseTestArgs([
      'x',
      '--reporter',
      'json=out/r.json',
      '--reporter=junit=r.xml',
      '--reporter',
      'text',
      '--only',
      'errors,http',
      '--call',
      '--baseline',
      'b.yml',
      '--load',
      '8',
      '--duration',
      '1.5',
      '--tool',
      'echo',
      '--args',
      '{"a":1}',
      '--timeout=2000',
      '--token-warn',
      '500',
    ]);
    expect(args).toMatchObject({
      reporters: [{ format: 'json', file: 'out/r.json' }, { format: 'junit', file: 'r.xml' }, { format: 'text' }],
      only: ['errors', 'http'],
      call: true,
      baseline: 'b.yml',
      load: { concurrency: 8, durationS: 1.5, tool: 'echo', args: { a: 1 } },
      timeoutMs: 2000,
      tokenWarn: 500,
    });
  });

  it.each([
    [[], /test needs a server/],
    [['a', 'b'], /Expected one server/],
    [['a', '--', 'node'], /either a name\/URL or "-- command"/],
    [['--'], /must be followed by the command/],
    [['a', '--reporter', 'xml'], /--reporter must be text, json or junit/],
    [['a', '--reporter', 'json', '--reporter', 'text'], /Only one --reporter may write to stdout/],
    [['a', '--only', 'bogus'], /unknown: bogus/],
    [['a', '--load', '4'], /--load needs --duration and --tool/],
    [['a', '--load', '-1', '--duration', '1', '--tool', 't'], /--load needs a value|positive number/],
    [['a', '--args', '{"a":1}'], /--args goes with --load/],
    [['a', '--load', '1', '--duration', '1', '--tool', 't', '--args', '[1]'], /--args must be a JSON object/],
    [['a', '--timeout', 'soon'], /--timeout needs a positive number, got "soon"/],
    [['a', '--frobnicate'], /Unknown option "--frobnicate"/],
    [['http://x/mcp', '--env', 'A=1'], /--env applies to commands/],
    [['--header', 'Authorization: secret', '--', 'node'], /--header applies to URLs/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseTestArgs(argv)).toThrow(CliError);
    expect(() => parseTestArgs(argv)).toThrow(message);
  });
});

describe('mcp-factory test', () => {
  it('resolves a name through the injected registry, runs and prints; exit 0 when nothing fails', async () => {
    const seen: { target?: Target; options?: RunOptions } = {};
    const table = createTestCommands({
      resolveName: async (name) => ({ kind: 'stdio', command: 'node', args: [`${name}.js`] }),
      run: async (target, options) => {
        Object.assign(seen, { target, options });
        return REPORT;
      },
    });
    const c = context();
    expect(await table.test!.run(['memory', '--only', 'errors'], c.ctx)).toBe(0);
    expect(seen.target).toEqual({ kind: 'stdio', command: 'node', args: ['memory.js'] });
    expect(seen.options).toMatchObject({ only: ['errors'], call: false });
    expect(c.out()).toMatch(/1 passed, 0 failed/);
  });

  it('writes file reporters under the working directory and exits 1 on a failure', async () => {
    const written: Record<string, string> = {};
    const failing: Report = { ...REPORT, results: [{ ...REPORT.results[0]!, status: 'fail' }] };
    const table = createTestCommands({
      run: async () => failing,
      writeFile: async (path, text) => void (written[path] = text),
      pathKind: async (path) => (path === '/work/here' ? 'folder' : 'missing'),
    });
    const c = context();
    const code = await table.test!.run(
      ['--reporter', 'json=r.json', '--reporter', 'junit=r.xml', '--', 'node', 's.js'],
      c.ctx,
    );
    expect(code).toBe(1);
    expect(Object.keys(written).sort()).toEqual(['/work/here/r.json', '/work/here/r.xml']);
    expect(JSON.parse(written['/work/here/r.json']!)).toMatchObject({ passed: false });
    expect(c.out()).toBe('');
  });

  it('refuses a report file it could not write before running anything', async () => {
    let ran = false;
    const table = createTestCommands({
      run: async () => {
        ran = true;
        return REPORT;
      },
      pathKind: async (path) => (path === '/work/here' || path === '/work/here/out' ? 'folder' : 'missing'),
    });
    const c = context();
    await expect(table.test!.run(['--reporter', 'json=no/such/r.json', '--', 'node', 's.js'], c.ctx)).rejects.toThrow(
      '--reporter json: the folder /work/here/no/such does not exist',
    );
    await expect(table.test!.run(['--reporter', 'junit=out', '--', 'node', 's.js'], c.ctx)).rejects.toThrow(
      '--reporter junit: /work/here/out is a folder; name a file.',
    );
    expect(ran).toBe(false);
  });

  it('resolves a name through the registry; an unknown name is a clear usage error', async () => {
    const table = createTestCommands();
    const home = await mkdtemp(join(tmpdir(), 'test-cmd-'));
    try {
      const c = context();
      const ctx = { ...c.ctx, io: { ...c.ctx.io, cwd: home, env: { HOME: home, MCP_FACTORY_STATE_HOME: home } } };
      await expect(table.test!.run(['no-such-server'], ctx)).rejects.toThrow(/no-such-server/);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('reports a command that cannot start (exit 1), and a bad baseline as usage', async () => {
    const table = createTestCommands();
    const c = context();
    const code = await table.test!.run(['--', '/no/such/program-here'], {
      ...c.ctx,
      io: { ...c.ctx.io, cwd: process.cwd() },
    });
    expect(code).toBe(1);
    expect(c.err()).toMatch(/cannot start "\/no\/such\/program-here"/);
    await expect(table.test!.run(['--baseline', '/no/such/baseline.yml', '--', 'node'], c.ctx)).rejects.toThrow(
      /cannot read baseline/,
    );
  });
});
