// The official conformance suite (all 32 server scenarios, active and pending) against the built
// `everything` template over Streamable HTTP: stateful (sessions, event store), where every scenario
// must pass, and stateless, where the scenarios that need a session are pinned in a baseline.
import { join } from 'node:path';

import { startServerProcess, type ServerProcess } from '@mcp-factory/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  buildServer,
  checksWithStatus,
  describeProblems,
  listServerScenarios,
  nonPassingScenarios,
  readBaseline,
  removeRun,
  REPO,
  runConformance,
  SERVER_SCENARIO_COUNT,
  type BuiltServer,
  type ConformanceRun,
} from './helpers.js';

const TEMPLATE = join(REPO, 'templates', 'everything');
const STATELESS_BASELINE = join(REPO, 'test', 'conformance', 'everything-stateless-baseline.yml');

/**
 * The only warnings tolerated in stateful mode. The scenario posts `test_reconnection` with
 * `MCP-Protocol-Version: 2025-03-26`; the SDK sends priming events (and allows closing the stream
 * mid-call) only to clients on 2025-11-25 or later, since older clients may choke on empty SSE
 * data. The scenario belongs to the CLI's pending suite. The template's own e2e test checks the
 * priming event, the mid-call close and the replay with a 2025-11-25 client.
 */
const STATEFUL_WARNINGS = [
  { scenario: 'server-sse-polling', id: 'server-sse-priming-event' },
  { scenario: 'server-sse-polling', id: 'server-sse-retry-field' },
];

let scenarios: string[];
let built: BuiltServer;
beforeAll(async () => {
  built = await buildServer(TEMPLATE);
  scenarios = await listServerScenarios();
}, 300_000);
afterAll(() => built?.remove());

it('the conformance CLI defines the expected number of server scenarios', () => {
  expect(scenarios).toHaveLength(SERVER_SCENARIO_COUNT);
});

describe('everything, stateful HTTP', () => {
  let server: ServerProcess;
  let run: ConformanceRun;
  beforeAll(async () => {
    server = await startServerProcess(
      process.execPath,
      [built.bin, '--transport', 'http', '--stateful', '--port', '0'],
      {
        waitForHttp: true,
      },
    );
    run = await runConformance({ url: server.url!, suite: 'all' });
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
    await removeRun(run);
  });

  it('runs every server scenario', () => {
    expect(run.scenarios.map(({ scenario }) => scenario)).toEqual([...scenarios].sort());
    expect(run.scenarios).toHaveLength(SERVER_SCENARIO_COUNT);
  });

  it('passes every scenario: the CLI exits 0 and no check fails', () => {
    expect(checksWithStatus(run, 'FAILURE'), describeProblems(run)).toEqual([]);
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    for (const { scenario, checks } of run.scenarios) {
      expect(
        checks.some((check) => check.status === 'SUCCESS' || check.status === 'INFO'),
        scenario,
      ).toBe(true);
    }
  }, 60_000);

  it('warns only where the SDK gates priming events by protocol version', () => {
    const warnings = checksWithStatus(run, 'WARNING').map(({ scenario, id }) => ({ scenario, id }));
    expect(warnings, describeProblems(run)).toEqual(STATEFUL_WARNINGS);
  });
});

describe('everything, stateless HTTP', () => {
  let server: ServerProcess;
  let run: ConformanceRun;
  let baseline: string[];
  beforeAll(async () => {
    baseline = await readBaseline(STATELESS_BASELINE);
    server = await startServerProcess(process.execPath, [built.bin, '--transport', 'http', '--port', '0'], {
      waitForHttp: true,
    });
    run = await runConformance({ url: server.url!, suite: 'all', expectedFailures: STATELESS_BASELINE });
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
    await removeRun(run);
  });

  it('runs every server scenario', () => {
    expect(run.scenarios).toHaveLength(SERVER_SCENARIO_COUNT);
  });

  it('differs from stateful mode exactly in the session-bound scenarios of the baseline', () => {
    expect(nonPassingScenarios(run).sort(), describeProblems(run)).toEqual([...baseline].sort());
  });

  it('exits 0 against the baseline (no unexpected failure, no stale entry)', () => {
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
  });
});
