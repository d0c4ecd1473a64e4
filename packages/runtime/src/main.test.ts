import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { bundleFixture, type BundledFixture } from './__fixtures__/process.js';

import { defineTool } from './define.js';
import { ConfigError } from './errors.js';
import { createLogger } from './logger.js';
import { runMain } from './main.js';
import { createServer } from './server.js';
import { connectHttp, connectStdio, startServerProcess } from './testing/index.js';

let server: string;

let fixture: BundledFixture;

beforeAll(async () => {
  fixture = await bundleFixture('stdio-server.mjs');
  server = fixture.file;
});

afterAll(async () => {
  await fixture.remove();
});

type Json = Record<string, unknown>;

/** A spawned fixture server spoken to in raw JSON-RPC lines. */
interface Proc {
  readonly child: ChildProcessWithoutNullStreams;
  /** Every line written to stdout, unparsed. */
  readonly stdoutLines: string[];
  stdout(): string;
  stderr(): string;
  send(message: unknown): void;
  /** The first stdout message with this id (a response) or, for an array, containing it. */
  response(id: number | string): Promise<Json>;
  /** Resolves once stderr contains `text`. */
  stderrContains(text: string): Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

function spawnServer(args: string[] = [], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [server, ...args], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const stdoutLines: string[] = [];
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const listener of [...listeners]) listener();
  };
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    const parts = stdout.split('\n');
    stdoutLines.splice(0, stdoutLines.length, ...parts.slice(0, -1));
    notify();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    notify();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() }));
  });
  const until = <T>(check: () => T | undefined): Promise<T> =>
    new Promise((resolve, reject) => {
      const run = (): void => {
        const value = check();
        if (value === undefined) return;
        listeners.delete(run);
        resolve(value);
      };
      listeners.add(run);
      void exited.then(() => {
        run();
        if (listeners.delete(run)) reject(new Error(`server exited; stdout:\n${stdout}\nstderr:\n${stderr}`));
      });
      run();
    });
  return {
    child,
    stdoutLines,
    stdout: () => stdout,
    stderr: () => stderr,
    send: (message) => child.stdin.write(`${typeof message === 'string' ? message : JSON.stringify(message)}\n`),
    response: (id) =>
      until(() => {
        for (const line of stdoutLines) {
          const value = JSON.parse(line) as Json | Json[];
          if (Array.isArray(value) ? value.some((item) => item.id === id) : value.id === id) return value as Json;
        }
        return undefined;
      }),
    stderrContains: (text) => until(() => (stderr.includes(text) ? true : undefined)).then(() => undefined),
    exited,
  };
}

function initialize(id: number, protocolVersion = '2025-11-25'): Json {
  return {
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: { protocolVersion, capabilities: {}, clientInfo: { name: 'raw', version: '1.0.0' } },
  };
}

async function handshake(proc: Proc, protocolVersion = '2025-11-25'): Promise<void> {
  proc.send(initialize(0, protocolVersion));
  expect(await proc.response(0)).toMatchObject({ result: { protocolVersion } });
  proc.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
}

function callTool(id: number, name: string, args: Json = {}): Json {
  return { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } };
}

function expectOnlyJsonRpcOnStdout(proc: Proc): void {
  expect(proc.stdout().endsWith('\n') || proc.stdout() === '').toBe(true);
  for (const line of proc.stdoutLines) {
    const value = JSON.parse(line) as Json | Json[];
    for (const message of Array.isArray(value) ? value : [value]) expect(message.jsonrpc).toBe('2.0');
  }
}

describe('a stdio server process', () => {
  test('writes nothing but JSON-RPC to stdout, even when a tool writes to stdout', async () => {
    const proc = spawnServer();
    await handshake(proc);
    proc.send(callTool(1, 'noisy'));
    expect(await proc.response(1)).toMatchObject({ result: { content: [{ type: 'text', text: 'noisy done' }] } });
    proc.send(callTool(2, 'echo', { text: 'after' }));
    expect(await proc.response(2)).toMatchObject({ result: { content: [{ type: 'text', text: 'after' }] } });
    proc.child.stdin.end();
    expect((await proc.exited).code).toBe(0);
    expectOnlyJsonRpcOnStdout(proc);
    expect(proc.stdout()).not.toContain('stray');
    expect(proc.stderr()).toContain('stray console.log\n');
    expect(proc.stderr()).toContain('stray stdout.write\n');
    const warnings = proc.stderr().match(/something wrote to stdout, which carries the MCP protocol/g) ?? [];
    expect(warnings).toHaveLength(1);
  });

  test('answers malformed JSON with -32700 and serves a batch under 2025-03-26 as one array', async () => {
    const proc = spawnServer();
    proc.send('{not json');
    await proc.stderrContains('server started');
    // The heap growth cap is for HTTP servers only.
    expect(proc.stderr()).not.toContain('heapGrowingPercent');
    await handshake(proc, '2025-03-26');
    proc.send([callTool(1, 'echo', { text: 'a' }), { jsonrpc: '2.0', id: 2, method: 'ping' }]);
    const batch = (await proc.response(1)) as unknown as Json[];
    expect(Array.isArray(batch)).toBe(true);
    expect(batch.map((item) => item.id).sort()).toEqual([1, 2]);
    proc.child.stdin.end();
    await proc.exited;
    expect(JSON.parse(proc.stdoutLines[0]!)).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: 'Parse error: the line is not valid JSON. Send one JSON-RPC message per line.' },
    });
    expectOnlyJsonRpcOnStdout(proc);
  });

  test('exits 0 when stdin ends', async () => {
    const proc = spawnServer();
    await handshake(proc);
    proc.child.stdin.end();
    const exit = await proc.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(proc.stderr()).toContain('"reason":"stdin closed"');
  });

  test.each(['SIGTERM', 'SIGINT'] as const)(
    '%s lets the call in flight finish within the grace period and exits 0',
    async (signal) => {
      const proc = spawnServer(['--shutdown-grace', '10000']);
      await handshake(proc);
      proc.send(callTool(1, 'sleep', { ms: 300 }));
      await proc.stderrContains('tool started');
      const sentAt = performance.now();
      proc.child.kill(signal);
      expect(await proc.response(1)).toMatchObject({ result: { content: [{ type: 'text', text: 'slept 300' }] } });
      const exit = await proc.exited;
      expect(exit).toMatchObject({ code: 0, signal: null });
      expect(exit.at - sentAt).toBeLessThan(5000);
      expect(proc.stderr()).toContain(`"reason":"${signal}"`);
      expectOnlyJsonRpcOnStdout(proc);
    },
  );

  test('cancels calls still running past --shutdown-grace and exits within grace plus a bound', async () => {
    const proc = spawnServer(['--shutdown-grace', '300']);
    await handshake(proc);
    proc.send(callTool(1, 'sleep', { ms: 60_000 }));
    proc.send(callTool(2, 'stubborn'));
    await proc.stderrContains('"tool":"sleep"');
    await proc.stderrContains('"tool":"stubborn"');
    const sentAt = performance.now();
    proc.child.kill('SIGTERM');
    const exit = await proc.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - sentAt).toBeGreaterThanOrEqual(290);
    expect(exit.at - sentAt).toBeLessThan(300 + 3000);
    for (const id of [1, 2]) {
      expect(await proc.response(id)).toMatchObject({
        result: { isError: true, _meta: { 'dev.mcp-factory/error': { code: 'CANCELLED' } } },
      });
    }
    expectOnlyJsonRpcOnStdout(proc);
  });

  test('serves the official client over stdio, 2025-era and 2026-07-28', async () => {
    for (const era of ['legacy', 'modern'] as const) {
      const connection = await connectStdio(process.execPath, [server], { era, env: { LOG_LEVEL: 'warn' } });
      try {
        expect(connection.client.getProtocolEra()).toBe(era);
        const result = await connection.client.callTool({ name: 'echo', arguments: { text: era } });
        expect(result.content).toEqual([{ type: 'text', text: era }]);
      } finally {
        await connection.close();
      }
    }
  });

  test('serves HTTP with --transport http --port 0 and stops on SIGTERM', async () => {
    const proc = await startServerProcess(process.execPath, [server, '--transport', 'http', '--port', '0'], {
      waitForHttp: true,
    });
    try {
      expect(proc.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      const connection = await connectHttp(proc.url!);
      const result = await connection.client.callTool({ name: 'echo', arguments: { text: 'over http' } });
      expect(result.content).toEqual([{ type: 'text', text: 'over http' }]);
      await connection.close();
    } finally {
      expect(await proc.stop('SIGTERM')).toBe(0);
    }
    expect(proc.stdout()).toBe('');
  });
});

describe('the command line of a server process', () => {
  test('--help prints the usage on stdout and exits 0', async () => {
    const proc = spawnServer(['--help']);
    expect((await proc.exited).code).toBe(0);
    expect(proc.stdout()).toMatch(/^Usage: fixture \[options\]\n/);
    expect(proc.stdout()).toContain('--shutdown-grace <ms>');
    expect(proc.stderr()).toBe('');
  });

  test('--version prints the version on stdout and exits 0', async () => {
    const proc = spawnServer(['--version']);
    expect((await proc.exited).code).toBe(0);
    expect(proc.stdout()).toBe('9.8.7\n');
  });

  test.each([
    [['--nope'], {}, "fixture: Unknown option '--nope'. Run with --help for the options.\n"],
    [[], { MCP_TRANSPORT: 'http', PORT: 'abc' }, 'fixture: PORT must be a whole number, got "abc".\n'],
    [[], { MCP_TRANSPORT: 'tcp' }, 'fixture: --transport (or MCP_TRANSPORT) must be "stdio" or "http", got "tcp".\n'],
    [
      [],
      { MCP_TRANSPORT: 'http', MCP_HEAP_GROWING_PERCENT: 'lots' },
      'fixture: MCP_HEAP_GROWING_PERCENT must be a whole number from 0 to 1000, not "lots".\n',
    ],
  ])('%j with env %j exits 2 with a clear message and nothing on stdout', async (args, env, message) => {
    const proc = spawnServer(args, env);
    expect((await proc.exited).code).toBe(2);
    expect(proc.stdout()).toBe('');
    expect(proc.stderr()).toBe(message);
  });

  test('a port in use exits 1 with a hint', async () => {
    const blocker = await listen();
    try {
      const port = (blocker.address() as { port: number }).port;
      const proc = spawnServer(['--transport', 'http', '--port', String(port)]);
      expect((await proc.exited).code).toBe(1);
      expect(proc.stdout()).toBe('');
      expect(proc.stderr()).toContain(
        `fixture: cannot start: port ${port} is in use; pick another with --port or PORT\n`,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('runMain in process', () => {
  const app = createServer({
    name: 'inproc',
    version: '0.0.1',
    logger: createLogger({ level: 'silent' }),
    tools: [defineTool({ name: 'noop', description: 'Does nothing', run: () => undefined })],
  });

  function capture() {
    const out: string[] = [];
    const err: string[] = [];
    const codes: number[] = [];
    return {
      out,
      err,
      codes,
      options: {
        print: (text: string) => void out.push(text),
        printError: (text: string) => void err.push(text),
        exit: (code: number) => void codes.push(code),
      },
    };
  }

  test('prints help with the bin name and returns without serving', async () => {
    const io = capture();
    await expect(runMain(app, { ...io.options, argv: ['--help'], env: {}, bin: 'my-bin' })).resolves.toBeUndefined();
    expect(io.out.join('')).toMatch(/^Usage: my-bin \[options\]/);
    expect(io.codes).toEqual([]);
  });

  test('prints the app version', async () => {
    const io = capture();
    await runMain(app, { ...io.options, argv: ['-v'], env: {} });
    expect(io.out).toEqual(['0.0.1\n']);
  });

  test('--config layers a settings file under the environment before the app is built', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runmain-config-'));
    try {
      const file = join(dir, 'server.env');
      await writeFile(file, 'API_BASE_URL=http://127.0.0.1:9\nMCP_JOURNAL=off\nLOG_LEVEL=debug\n');
      const io = capture();
      const env: NodeJS.ProcessEnv = { LOG_LEVEL: 'warn' };
      let seen: string | undefined;
      await runMain(
        () => {
          seen = env.API_BASE_URL;
          return app;
        },
        { ...io.options, argv: ['--config', file, '--help'], env },
      );
      expect(seen).toBe('http://127.0.0.1:9');
      expect(env).toMatchObject({ MCP_JOURNAL: 'off', LOG_LEVEL: 'warn' });
      expect(io.codes).toEqual([]);
      await writeFile(file, 'MCP_RATE_LIMITS=5/s\n');
      const bad = capture();
      await runMain(app, { ...bad.options, argv: ['--config', file], env: {} });
      expect(bad.codes).toEqual([2]);
      expect(bad.err).toEqual([`server: ${file}: unknown setting MCP_RATE_LIMITS (did you mean MCP_RATE_LIMIT?).\n`]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('caps V8 heap growth for HTTP (MCP_HEAP_GROWING_PERCENT) and says so in the start line', async () => {
    const lines: Record<string, unknown>[] = [];
    const logged = createServer({
      name: 'heap',
      version: '0.0.1',
      logger: createLogger({
        level: 'info',
        destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
      }),
      metrics: false,
      journal: false,
      tools: [defineTool({ name: 'noop', description: 'Does nothing', run: () => undefined })],
    });
    const flags: string[] = [];
    const io = capture();
    const running = await runMain(logged, {
      ...io.options,
      argv: ['--transport', 'http', '--port', '0'],
      env: { MCP_HEAP_GROWING_PERCENT: '40' },
      setV8Flags: (flag) => void flags.push(flag),
    });
    expect(flags).toEqual(['--heap-growing-percent=40']);
    expect(lines.find((line) => line.msg === 'server started')).toMatchObject({ heapGrowingPercent: 40 });
    await running?.handle.close({ graceMs: 0 });

    await logged.close();
  });

  test('exits 2 on a bad flag, naming the app', async () => {
    const io = capture();
    await runMain(app, { ...io.options, argv: ['--port', '99999'], env: {} });
    expect(io.codes).toEqual([2]);
    expect(io.err).toEqual(['inproc: --port must be between 0 and 65535, got 99999.\n']);
    expect(io.out).toEqual([]);
  });

  test('exits 2 when building the app throws a ConfigError, without a stack', async () => {
    const io = capture();
    await runMain(
      () => {
        throw new ConfigError('WEATHER_API_KEY is not set; get a key at https://example.com.');
      },
      { ...io.options, argv: [], env: {}, bin: 'weather' },
    );
    expect(io.codes).toEqual([2]);
    expect(io.err).toEqual(['weather: WEATHER_API_KEY is not set; get a key at https://example.com.\n']);
  });

  test('accepts an async app factory', async () => {
    const io = capture();
    await runMain(async () => app, { ...io.options, argv: ['--version'], env: {} });
    expect(io.out).toEqual(['0.0.1\n']);
  });
});

function listen(): Promise<NetServer> {
  return new Promise((resolve, reject) => {
    const blocker = createNetServer();
    blocker.once('error', reject);
    blocker.listen(0, '127.0.0.1', () => resolve(blocker));
  });
}
