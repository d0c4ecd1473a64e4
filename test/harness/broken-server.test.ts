// The harness against a server that breaks the rules on purpose (test/fixtures/broken-server):
// each fault must be caught by the check that matches it, with the reason and the evidence.
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { idsWith, junitProblems, REPO, result, runTest, type TestRun } from './helpers.js';

const SERVER = join(REPO, 'test', 'fixtures', 'broken-server', 'server.mjs');

describe('mcp-factory test against the broken fixture server', () => {
  let run: TestRun;
  beforeAll(async () => {
    run = await runTest(['--call', '--', process.execPath, SERVER]);
  });

  it('exits 1 and fails exactly the checks that match its faults', () => {
    expect(run.code).toBe(1);
    expect(idsWith(run.report, 'fail')).toEqual([
      'errors.invalid-request',
      'errors.parse-error',
      'errors.unknown-method',
      'lifecycle.exit-on-sigterm',
      'lifecycle.stdout-purity',
      'listings.input-schemas',
      'listings.tool-names',
    ]);
  });

  it('shows the bytes it logged to stdout', () => {
    const purity = result(run.report, 'lifecycle.stdout-purity');
    expect(purity.reason).toContain('broken-server: starting up <v1> & \\"ready\\"');
    expect(purity.evidence).toContain('calling echo');
  });

  it('names the wrong error code and the crash on bad frames', () => {
    expect(result(run.report, 'errors.unknown-method').reason).toMatch(
      /should be answered with -32601; got error -32000/,
    );
    expect(result(run.report, 'errors.parse-error').reason).toMatch(/-32700.*the server exited \(crashed\)/);
    expect(result(run.report, 'errors.invalid-request').reason).toMatch(/-32600.*the server exited \(crashed\)/);
  });

  it('names the invalid schema, the 70-character name and the ignored SIGTERM', () => {
    expect(result(run.report, 'listings.input-schemas').reason).toMatch(/bad_schema: schema is invalid/);
    expect(result(run.report, 'listings.tool-names').reason).toMatch(/"tool_x{65}" is 70 characters \(max 64\)/);
    expect(result(run.report, 'lifecycle.exit-on-sigterm').reason).toMatch(/still running 5000 ms after SIGTERM/);
  });

  it('keeps what passes passing: initialize, ping, the burst, exit on EOF', () => {
    for (const id of ['lifecycle.initialize', 'lifecycle.ping', 'errors.concurrent-burst', 'lifecycle.exit-on-eof']) {
      expect(result(run.report, id).status, id).toBe('pass');
    }
  });

  it('captures the server stderr into the report', () => {
    expect(run.report.stderr).toContain('broken-server: cannot parse a frame, crashing');
    expect(run.text).toMatch(/server stderr \(\d+ lines/);
  });

  it('writes a JSON report with totals and a valid, escaped JUnit report', () => {
    expect(run.report.passed).toBe(false);
    expect(run.report.totals.fail).toBe(7);
    expect(junitProblems(run.junit, run.report)).toEqual([]);
    expect(run.junit).toContain('starting up &lt;v1&gt; &amp; \\&quot;ready\\&quot;');
    expect(run.junit).toMatch(/<testsuite name="mcp-factory test errors" tests="\d+" failures="3"/);
  });

  it('prints a grouped text report with totals', () => {
    expect(run.text).toMatch(/^lifecycle$/m);
    expect(run.text).toMatch(/FAIL {2}tool names are at most 64 characters and unique/);
    expect(run.text).toMatch(/\d+ passed, 7 failed, \d+ warnings, \d+ skipped/);
  });
});
