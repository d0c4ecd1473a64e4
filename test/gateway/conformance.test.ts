// The official conformance suite through `gateway --expose direct` over stateful HTTP, in front of
// the built `everything` template (itself on stateful HTTP), compared with the same suite run
// against the template directly in the same test. Scenarios the gateway does not relay yet are
// pinned, with reasons, in direct-baseline.yml: a new difference or a stale entry fails the test.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { startServerProcess, type ServerProcess } from '@mcp-factory/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  buildServer,
  describeProblems,
  nonPassingScenarios,
  readBaseline,
  removeRun,
  runConformance,
  SERVER_SCENARIO_COUNT,
  type BuiltServer,
  type ConformanceRun,
} from '../conformance/helpers.js';
import { CLI, REPO, tempDir } from './helpers.js';

const TEMPLATE = join(REPO, 'templates', 'everything');
const BASELINE = join(REPO, 'test', 'gateway', 'direct-baseline.yml');

describe('conformance through --expose direct', () => {
  let built: BuiltServer;
  let upstream: ServerProcess;
  let gateway: ServerProcess;
  let direct: ConformanceRun;
  let proxied: ConformanceRun;
  beforeAll(async () => {
    built = await buildServer(TEMPLATE);
    upstream = await startServerProcess(
      process.execPath,
      [built.bin, '--transport', 'http', '--stateful', '--port', '0'],
      {
        waitForHttp: true,
      },
    );
    const dir = await tempDir('gateway-conformance');
    const config = join(dir, 'mcp.json');
    await writeFile(config, JSON.stringify({ mcpServers: { everything: { type: 'http', url: upstream.url } } }));
    gateway = await startServerProcess(
      process.execPath,
      [CLI, 'gateway', '--config', config, '--expose', 'direct', '--http', '--stateful', '--port', '0'],
      { cwd: dir, env: { MCP_FACTORY_STATE_HOME: join(dir, 'state') }, waitForHttp: true },
    );
    direct = await runConformance({ url: upstream.url!, suite: 'all' });
    proxied = await runConformance({ url: gateway.url!, suite: 'all' });
  }, 600_000);
  afterAll(async () => {
    await gateway?.stop();
    await upstream?.stop();
    await removeRun(direct);
    await removeRun(proxied);
    await built?.remove();
  });

  it('runs every scenario both ways', () => {
    expect(direct.scenarios).toHaveLength(SERVER_SCENARIO_COUNT);
    expect(proxied.scenarios).toHaveLength(SERVER_SCENARIO_COUNT);
  });

  it('differs from the direct run exactly in the pinned scenarios', async () => {
    const baseline = await readBaseline(BASELINE);
    const directProblems = new Set(nonPassingScenarios(direct));
    const differences = nonPassingScenarios(proxied).filter((scenario) => !directProblems.has(scenario));
    expect(differences.sort(), describeProblems(proxied)).toEqual([...baseline].sort());
  });
});
