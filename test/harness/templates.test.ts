// The harness against every factory template, built the way the conformance suites build them
// (their own `npm run build`, dist copied out so other suites' rebuilds do not interfere).
import { join } from 'node:path';

import type { FakeUpstream } from '@mcp-factory/runtime/fake';
import { startServerProcess, type ServerProcess } from '@mcp-factory/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FAKE_API_KEY, startFakeApi } from '../../templates/api/fake/upstream.js';
import { buildServer, type BuiltServer } from '../conformance/helpers.js';
import { idsWith, problems, REPO, result, runTest, type TestRun } from './helpers.js';

const STATELESS_BASELINE = join(REPO, 'test', 'conformance', 'everything-stateless-baseline.yml');

describe('templates/everything', () => {
  let built: BuiltServer;
  beforeAll(async () => {
    built = await buildServer(join(REPO, 'templates', 'everything'));
  }, 300_000);
  afterAll(() => built?.remove());

  it('over stdio, with --call: every check passes, including 2026-07-28 server/discover', async () => {
    const run = await runTest(['--call', '--', process.execPath, built.bin]);
    expect(run.code, problems(run)).toBe(0);
    expect(idsWith(run.report, 'fail')).toEqual([]);
    expect(idsWith(run.report, 'warn'), problems(run)).toEqual([]);
    expect(result(run.report, 'lifecycle.server-discover').status).toBe('pass');
    expect(result(run.report, 'errors.parse-error').status).toBe('pass');
    expect(result(run.report, 'errors.invalid-request').status).toBe('pass');
  });

  describe('over stateless HTTP', () => {
    let server: ServerProcess;
    let run: TestRun;
    beforeAll(async () => {
      server = await startServerProcess(process.execPath, [built.bin, '--transport', 'http', '--port', '0'], {
        waitForHttp: true,
      });
      run = await runTest([server.url!, '--baseline', STATELESS_BASELINE]);
    });
    afterAll(() => server?.stop());

    it('passes every harness check, refuses a foreign Origin and Host, and fails only baselined scenarios', () => {
      expect(run.code, problems(run)).toBe(0);
      expect(idsWith(run.report, 'fail')).toEqual([]);
      expect(result(run.report, 'http.foreign-origin').status).toBe('pass');
      expect(result(run.report, 'http.foreign-host').status).toBe('pass');
      const baselined = run.report.results.filter((item) => item.baselined === true).map((item) => item.id);
      expect(
        baselined.every((id) => id.startsWith('conformance.')),
        baselined.join(', '),
      ).toBe(true);
      expect(run.report.results.filter((item) => item.group === 'conformance')).toHaveLength(32);
    });
  });
});

describe('templates/api, against its fake upstream', () => {
  let built: BuiltServer;
  let fake: FakeUpstream;
  beforeAll(async () => {
    built = await buildServer(join(REPO, 'templates', 'api'));
    fake = await startFakeApi();
  }, 300_000);
  afterAll(async () => {
    await fake?.close();
    await built?.remove();
  });

  it('over stdio, with --call: every check passes', async () => {
    const run = await runTest([
      '--call',
      '--env',
      `API_BASE_URL=${fake.url}`,
      '--env',
      `API_KEY=${FAKE_API_KEY}`,
      '--',
      process.execPath,
      built.bin,
    ]);
    expect(run.code, problems(run)).toBe(0);
    expect(idsWith(run.report, 'fail')).toEqual([]);
    expect(idsWith(run.report, 'warn'), problems(run)).toEqual([]);
  });
});
