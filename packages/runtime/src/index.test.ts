/**
 * The public API, checked on the built package: what each entry exposes by name, and that the root
 * entry needs nothing beyond the runtime's own dependencies. A new export must be added to the
 * lists below on purpose.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const packageRoot = fileURLToPath(new URL('../', import.meta.url));
const repoRoot = resolve(packageRoot, '../..');

const ROOT_EXPORTS = [
  'CIRCUIT_STATE',
  'HealthRegistry',
  'OPERATIONAL_PATHS',
  'createRuntimeMetrics',
  'metricsPolicy',
  'runtimeHealth',
  'runtimeMetrics',
  'serveMetricsPort',
  'serveOperationalEndpoint',
  'AuthFailure',
  'DEFAULT_JWT_ALGORITHMS',
  'constantTimeEqual',
  'createAuthenticator',
  'createMemoryRateLimiter',
  'createRedisRateLimiter',
  'missingScopes',
  'parseRate',
  'parseTokenList',
  'Journal',
  'JournalError',
  'followJournal',
  'journalOptionsFromEnv',
  'applyConfigFile',
  'configFilePath',
  'readConfigFile',
  'RUNTIME_VARIABLES',
  'defaultJournalDir',
  'factoryStateHome',
  'journalFolderName',
  'journalPolicy',
  'openJournal',
  'readJournal',
  'relayTarget',
  'BATCH_REVISIONS',
  'CallAttribute',
  'CancelledError',
  'ConfigError',
  'DEFAULT_TIMEOUT_MS',
  'ERROR_META_KEY',
  'ErrorCode',
  'InMemoryEventStore',
  'InflightRegistry',
  'InvalidParamsError',
  'JsonRpcStdioTransport',
  'LOG_LEVELS',
  'LOOPBACK_HOSTNAMES',
  'McpFactoryError',
  'McpServer',
  'RPC_CODES',
  'ResourceNotFoundError',
  'ResourceTemplate',
  'ResourceUpdates',
  'TimeoutError',
  'ToolError',
  'UPSTREAM_DEFAULTS',
  'UnauthorizedError',
  'UpstreamError',
  'acceptedContent',
  'allowedHostnames',
  'batchAllowed',
  'checkHost',
  'isSecretQueryKey',
  'checkOrigin',
  'completable',
  'composePolicies',
  'createHttpListener',
  'createHttpSecurity',
  'createLogger',
  'createServer',
  'createUpstreamClient',
  'definePrompt',
  'defineResource',
  'defineResourceTemplate',
  'defineTool',
  'deliverProgressBeforeResults',
  'expectShape',
  'inputRequired',
  'inputResponse',
  'isMcpFactoryError',
  'parseCommandLine',
  'parseRetryAfter',
  'redactArgs',
  'redactUrl',
  'runMain',
  'capHeapGrowth',
  'heapGrowingFlag',
  'DEFAULT_HEAP_GROWING_PERCENT',
  'HEAP_GROWING_PERCENT_VARIABLE',
  'sendJsonRpcError',
  'serve',
  'serveHttp',
  'serveOptionsFrom',
  'serveStdio',
  'toFactoryError',
  'toPromptResult',
  'toResourceResult',
  'toToolResult',
  'toolErrorResult',
  'upstreamErrorFromStatus',
  'upstreamSettingsFromEnv',
  'usage',
  'z',
];

const SUBPATH_EXPORTS: Record<string, string[]> = {
  './testing': [
    'connectHttp',
    'connectInProcess',
    'connectStdio',
    'createReplayFetch',
    'invokeTool',
    'startServerProcess',
  ],
  './fake': ['runFakeUpstreamMain', 'startFakeUpstream'],
  './build': ['LAUNCHER_SOURCE', 'buildServer'],
};

/** What the root entry may import: the runtime's dependencies (ioredis, an optional peer, only through a dynamic import when REDIS_URL is set). */
const ROOT_MAY_IMPORT =
  /^(node:.+|zod|pino|prom-client|cockatiel|jose|ioredis|@modelcontextprotocol\/server(\/stdio)?|@modelcontextprotocol\/node)$/;

let outDir: string;
let packageJson: { exports: Record<string, string | { types: string; default: string }> };

beforeAll(async () => {
  // Inside the repository, so the built files resolve the dependencies from its node_modules.
  await mkdir(join(repoRoot, '.tmp'), { recursive: true });
  outDir = await mkdtemp(join(repoRoot, '.tmp', 'runtime-api-test-'));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await promisify(execFile)(process.execPath, [
    tsc,
    '-p',
    join(packageRoot, 'tsconfig.build.json'),
    '--outDir',
    outDir,
    '--declaration',
    'false',
    '--declarationMap',
    'false',
    '--sourceMap',
    'false',
    // Same JavaScript as `npm run build`; type errors are the type-check step's job, and skipping it halves the time.
    '--noCheck',
  ]);
  packageJson = JSON.parse(await readFile(join(packageRoot, 'package.json'), 'utf8')) as typeof packageJson;
}, 120_000);

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

/** The built file behind a package.json export, in the temporary build. */
function builtFile(subpath: string): string {
  const target = packageJson.exports[subpath];
  const file = typeof target === 'string' ? target : target!.default;
  expect(file.startsWith('./dist/')).toBe(true);
  return join(outDir, file.slice('./dist/'.length));
}

async function exportedNames(subpath: string): Promise<string[]> {
  const module = (await import(pathToFileURL(builtFile(subpath)).href)) as Record<string, unknown>;
  return Object.keys(module).sort();
}

describe('the built package', () => {
  test('declares exactly the root entry and the testing, fake and build subpaths', () => {
    expect(Object.keys(packageJson.exports).sort()).toEqual(['.', './build', './fake', './package.json', './testing']);
  });

  test('the root entry exposes exactly the listed names', async () => {
    expect(await exportedNames('.')).toEqual([...ROOT_EXPORTS].sort());
  });

  test.each(Object.entries(SUBPATH_EXPORTS))('%s exposes exactly the listed names', async (subpath, names) => {
    expect(await exportedNames(subpath)).toEqual([...names].sort());
  });

  test('the root entry imports only the runtime’s dependencies (no client, no esbuild)', async () => {
    const seen = new Set<string>();
    const bare = new Set<string>();
    const queue = [builtFile('.')];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const source = await readFile(file, 'utf8');
      for (const match of source.matchAll(/(?:from|import\()\s*['"]([^'"]+)['"]/g)) {
        const specifier = match[1]!;
        if (specifier.startsWith('.')) queue.push(resolve(dirname(file), specifier));
        else bare.add(specifier);
      }
    }
    expect([...seen].some((file) => file.includes(join(outDir, 'testing')))).toBe(false);
    expect([...bare].filter((specifier) => !ROOT_MAY_IMPORT.test(specifier))).toEqual([]);
    expect(bare.has('@modelcontextprotocol/server')).toBe(true);
  });

  test('every export that the package publishes was built', async () => {
    for (const subpath of ['.', ...Object.keys(SUBPATH_EXPORTS)]) {
      await expect(readFile(builtFile(subpath), 'utf8')).resolves.toContain('export');
    }
  });
});
