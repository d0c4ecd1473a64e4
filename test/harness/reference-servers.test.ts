// The harness against reference servers nobody here wrote, installed from npm: what passes and
// what fails for each, with the reason. These are findings about those servers (see README).
import { createRequire } from 'node:module';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { tempDir } from '../helpers/index.js';
import {
  freePort,
  idsWith,
  junitProblems,
  problems,
  result,
  runTest,
  startUntil,
  type Started,
  type TestRun,
} from './helpers.js';

const require = createRequire(import.meta.url);
const bin = (name: string): string => require.resolve(`@modelcontextprotocol/${name}/dist/index.js`);
const EVERYTHING = bin('server-everything');
const MEMORY = bin('server-memory');
const FILESYSTEM = bin('server-filesystem');

/** Over stdio, the SDK-based reference servers drop frames they cannot read without answering. */
const STDIO_BAD_FRAME_FAILURES = ['errors.invalid-request', 'errors.parse-error'];

function expectBadFramesUnanswered(run: TestRun): void {
  for (const id of STDIO_BAD_FRAME_FAILURES) {
    expect(result(run.report, id).reason, id).toMatch(/got no answer \(timed out\)$/);
  }
}

describe('server-everything over stdio, with --call', () => {
  let run: TestRun;
  beforeAll(async () => {
    run = await runTest(['--call', '--', process.execPath, EVERYTHING, 'stdio']);
  });

  it('fails only the two bad-frame checks: no answer to malformed JSON or an invalid request', () => {
    expect(run.code).toBe(1);
    expect(idsWith(run.report, 'fail'), problems(run)).toEqual(STDIO_BAD_FRAME_FAILURES);
    expect(idsWith(run.report, 'warn'), problems(run)).toEqual([]);
    expectBadFramesUnanswered(run);
  });

  it('passes lifecycle, listings, the burst and cancellation; no 2026-07-28 discover', () => {
    expect(run.report.server).toMatchObject({ name: 'mcp-servers/everything', protocolVersion: '2025-11-25' });
    for (const id of [
      'lifecycle.version-2025-06-18',
      'lifecycle.version-2025-11-25',
      'lifecycle.exit-on-eof',
      'lifecycle.exit-on-sigterm',
      'lifecycle.stdout-purity',
      'listings.input-schemas',
      'errors.concurrent-burst',
      'errors.cancellation',
    ]) {
      expect(result(run.report, id).status, id).toBe('pass');
    }
    expect(result(run.report, 'lifecycle.server-discover')).toMatchObject({ status: 'skip' });
    expect(result(run.report, 'lifecycle.server-discover').reason).toMatch(/-32601/);
    expect(result(run.report, 'listings.tools-tokens').reason).toMatch(/^\d+ tokens for \d+ tools/);
  });

  it('smoke-calls every listed tool with a well-formed answer', () => {
    const calls = run.report.results.filter((item) => item.group === 'smoke');
    expect(calls.length).toBeGreaterThan(10);
    expect(calls.filter((item) => item.status !== 'pass').map((item) => `${item.id}: ${item.reason}`)).toEqual([]);
  });

  it('writes valid JUnit', () => {
    expect(junitProblems(run.junit, run.report)).toEqual([]);
  });
});

describe('server-memory over stdio', () => {
  let dir: string;
  let run: TestRun;
  beforeAll(async () => {
    dir = await tempDir('memory');
    run = await runTest([
      '--call',
      '--env',
      `MEMORY_FILE_PATH=${join(dir, 'memory.jsonl')}`,
      '--',
      process.execPath,
      MEMORY,
    ]);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('fails only the two bad-frame checks; has nothing slow to cancel', () => {
    expect(run.code).toBe(1);
    expect(idsWith(run.report, 'fail'), problems(run)).toEqual(STDIO_BAD_FRAME_FAILURES);
    expect(idsWith(run.report, 'warn'), problems(run)).toEqual([]);
    expectBadFramesUnanswered(run);
    expect(result(run.report, 'errors.cancellation')).toMatchObject({ status: 'skip' });
    expect(result(run.report, 'listings.prompts').reason).toBe('the server declares no prompts capability');
    expect(
      run.report.results.filter((item) => item.group === 'smoke' && item.status === 'pass').length,
    ).toBeGreaterThan(5);
  });
});

describe('server-filesystem over stdio, on a temporary folder', () => {
  let dir: string;
  let run: TestRun;
  beforeAll(async () => {
    dir = await tempDir('filesystem');
    await writeFile(join(dir, 'hello.txt'), 'hello\n');
    run = await runTest(['--call', '--', process.execPath, FILESYSTEM, dir]);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('fails only the two bad-frame checks', () => {
    expect(run.code).toBe(1);
    expect(idsWith(run.report, 'fail'), problems(run)).toEqual(STDIO_BAD_FRAME_FAILURES);
    expect(idsWith(run.report, 'warn'), problems(run)).toEqual([]);
    expectBadFramesUnanswered(run);
    expect(run.report.stderr.join('\n')).toContain('Secure MCP Filesystem Server running on stdio');
  });
});

describe('server-everything over Streamable HTTP', () => {
  let server: Started;
  let url: string;
  let run: TestRun;
  let dir: string;
  beforeAll(async () => {
    const port = await freePort();
    server = await startUntil(process.execPath, [EVERYTHING, 'streamableHttp'], /listening on port/, {
      env: { ...process.env, PORT: String(port) },
    });
    url = `http://127.0.0.1:${port}/mcp`;
    dir = await tempDir('everything-http');
    run = await runTest([url]);
  });
  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers -32700 where -32600 is expected, accepts a foreign Origin (fail) and a foreign Host (warn)', () => {
    expect(run.code).toBe(1);
    const harnessFailures = idsWith(run.report, 'fail').filter((id) => !id.startsWith('conformance.'));
    expect(harnessFailures, problems(run)).toEqual(['errors.invalid-request', 'http.foreign-origin']);
    expect(result(run.report, 'errors.invalid-request').reason).toMatch(/-32600; got error -32700/);
    expect(result(run.report, 'errors.parse-error').status).toBe('pass');
    expect(result(run.report, 'http.foreign-origin').reason).toMatch(/answered 200, not 403/);
    expect(idsWith(run.report, 'warn')).toEqual(['http.foreign-host']);
  });

  it('folds in all 32 conformance scenarios: 11 pass, 21 fail', () => {
    const scenarios = run.report.results.filter((item) => item.group === 'conformance');
    expect(scenarios).toHaveLength(32);
    const passing = scenarios
      .filter((item) => item.status === 'pass')
      .map((item) => item.id.replace(/^conformance\./, ''));
    expect(passing.sort()).toEqual([
      'logging-set-level',
      'ping',
      'prompts-list',
      'resources-list',
      'resources-subscribe',
      'resources-unsubscribe',
      'server-initialize',
      'server-sse-multiple-streams',
      'tools-call-error',
      'tools-call-simple-text',
      'tools-list',
    ]);
    expect(result(run.report, 'conformance.dns-rebinding-protection').reason).toMatch(/Expected HTTP 4xx/);
    expect(result(run.report, 'conformance.tools-call-image').reason).toMatch(/No image content found/);
  });

  it('with a baseline of those failures exits 0; a stale entry fails the run', async () => {
    const failing = idsWith(run.report, 'fail');
    const baseline = join(dir, 'baseline.yml');
    const scenarios = failing
      .filter((id) => id.startsWith('conformance.'))
      .map((id) => id.slice('conformance.'.length));
    const harness = failing.filter((id) => !id.startsWith('conformance.'));
    const yaml = (extra: string[]): string =>
      `# known failures\nserver:\n${[...scenarios, ...extra].map((name) => `  - ${name}`).join('\n')}\nharness:\n${harness.map((id) => `  - ${id}`).join('\n')}\n`;
    await writeFile(baseline, yaml([]));
    const clean = await runTest([url, '--only', 'errors,http,conformance', '--baseline', baseline]);
    expect(clean.code, problems(clean)).toBe(0);
    expect(clean.report.results.filter((item) => item.baselined === true)).toHaveLength(failing.length);
    await writeFile(baseline, yaml(['ping']));
    const stale = await runTest([url, '--only', 'conformance', '--baseline', baseline]);
    expect(stale.code).toBe(1);
    // Only the conformance group ran: the errors/http entries are out of scope, not stale.
    expect(idsWith(stale.report, 'fail')).toEqual(['baseline.stale.conformance.ping']);
    expect(result(stale.report, 'baseline.stale.conformance.ping').reason).toMatch(/now passes: remove the entry/);
  });
});

describe('--load against server-everything over stdio', () => {
  it('reports p50/p95/p99, throughput and errors for N concurrent callers', async () => {
    const run = await runTest([
      '--only',
      'load',
      '--load',
      '4',
      '--duration',
      '2',
      '--tool',
      'echo',
      '--args',
      '{"message":"hi"}',
      '--',
      process.execPath,
      EVERYTHING,
      'stdio',
    ]);
    expect(run.code, problems(run)).toBe(0);
    const load = run.report.load!;
    expect(load).toMatchObject({ tool: 'echo', concurrency: 4, errors: 0 });
    expect(load.calls).toBeGreaterThan(0);
    expect(load.throughputPerS).toBeGreaterThan(0);
    expect(load.p50Ms).toBeLessThanOrEqual(load.p95Ms);
    expect(load.p95Ms).toBeLessThanOrEqual(load.p99Ms);
    expect(run.text).toMatch(
      /load: 4 callers × [\d.]+ s of echo: \d+ calls, [\d.]+\/s, errors 0, p50 [\d.]+ ms, p95 [\d.]+ ms, p99 [\d.]+ ms/,
    );
  });

  it('fails clearly for a tool the server does not have', async () => {
    const run = await runTest([
      '--only',
      'load',
      '--load',
      '1',
      '--duration',
      '1',
      '--tool',
      'nope',
      '--',
      process.execPath,
      EVERYTHING,
      'stdio',
    ]);
    expect(run.code).toBe(1);
    expect(result(run.report, 'load').reason).toMatch(/the server has no tool "nope"; it lists: echo/);
  });
});
