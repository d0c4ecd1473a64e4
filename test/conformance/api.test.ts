// The official conformance suite against the built `api` template (stateful HTTP, API client
// pointed at the template's fake upstream). Scenarios that need the reference server's fixtures
// are listed, with reasons, in api-baseline.yml; the CLI must exit 0 with it, so a regression and a
// stale baseline entry fail alike.
import { join } from 'node:path';

import type { FakeUpstream } from '@mcp-factory/runtime/fake';
import { startServerProcess, type ServerProcess } from '@mcp-factory/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FAKE_API_KEY, startFakeApi } from '../../templates/api/fake/upstream.js';
import {
  buildServer,
  checksWithStatus,
  describeProblems,
  nonPassingScenarios,
  readBaseline,
  removeRun,
  REPO,
  runConformance,
  SERVER_SCENARIO_COUNT,
  type BuiltServer,
  type ConformanceRun,
} from './helpers.js';

const TEMPLATE = join(REPO, 'templates', 'api');
const BASELINE = join(REPO, 'test', 'conformance', 'api-baseline.yml');

describe('api, stateful HTTP', () => {
  let built: BuiltServer;
  let fake: FakeUpstream;
  let server: ServerProcess;
  let run: ConformanceRun;
  let baseline: string[];
  beforeAll(async () => {
    baseline = await readBaseline(BASELINE);
    built = await buildServer(TEMPLATE);
    fake = await startFakeApi();
    server = await startServerProcess(
      process.execPath,
      [built.bin, '--transport', 'http', '--stateful', '--port', '0'],
      {
        env: { API_BASE_URL: fake.url, API_KEY: FAKE_API_KEY },
        waitForHttp: true,
      },
    );
    run = await runConformance({ url: server.url!, suite: 'all', expectedFailures: BASELINE });
  }, 400_000);
  afterAll(async () => {
    await server?.stop();
    await fake?.close();
    await removeRun(run);
    await built?.remove();
  });

  it('runs every server scenario', () => {
    expect(run.scenarios).toHaveLength(SERVER_SCENARIO_COUNT);
  });

  it('fails exactly the baseline scenarios, which all need the reference fixtures', () => {
    expect(nonPassingScenarios(run).sort(), describeProblems(run)).toEqual([...baseline].sort());
  });

  it('passes the scenarios that need no fixtures without a failure or a warning', () => {
    const passing = run.scenarios
      .filter(({ scenario }) => !baseline.includes(scenario))
      .map(({ scenario }) => scenario);
    expect(passing.sort()).toEqual([
      'dns-rebinding-protection',
      'logging-set-level',
      'ping',
      'prompts-list',
      'resources-list',
      'server-initialize',
      'server-sse-multiple-streams',
      'tools-list',
    ]);
    const problems = [...checksWithStatus(run, 'FAILURE'), ...checksWithStatus(run, 'WARNING')];
    expect(problems.filter(({ scenario }) => passing.includes(scenario))).toEqual([]);
  });

  it('exits 0 with the baseline (no unexpected failure, no stale entry)', () => {
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
  });
});
