import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { buildServer, type BuildResult } from './index.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const runtimeSource = fileURLToPath(new URL('../index.ts', import.meta.url));

const SERVER_SOURCE = `import { createServer, defineTool, runMain, z } from ${JSON.stringify(runtimeSource)};

const app = createServer({
  name: 'built-fixture',
  version: '4.5.6',
  tools: [
    defineTool({
      name: 'add',
      description: 'Adds two numbers',
      input: z.object({ a: z.number(), b: z.number() }),
      run: ({ a, b }) => String(a + b),
    }),
  ],
});

void runMain(app);
`;

const EXTRA_SOURCE = `process.stdout.write('extra entry ran\\n');\n`;

let root: string;
let result: BuildResult;

beforeAll(async () => {
  // Inside the repository, so that the bundler and the built server resolve its node_modules.
  await mkdir(join(repoRoot, '.tmp'), { recursive: true });
  root = await mkdtemp(join(repoRoot, '.tmp', 'runtime-build-test-'));
  await mkdir(join(root, 'src'));
  await writeFile(join(root, 'src', 'index.ts'), SERVER_SOURCE);
  await writeFile(join(root, 'src', 'extra.ts'), EXTRA_SOURCE);
  result = await buildServer({ root, extra: { 'extra-tool': 'src/extra.ts' } });
}, 120_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Runs the built launcher, sends `initialize`, and resolves with its answer once stdin is closed and it exited. */
function initializeOverStdio(): Promise<{ response: Record<string, unknown>; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'dist', 'index.cjs')], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn' },
    });
    let stdout = '';
    let stderr = '';
    let response: Record<string, unknown> | undefined;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const newline = stdout.indexOf('\n');
      if (newline !== -1 && response === undefined) {
        response = JSON.parse(stdout.slice(0, newline)) as Record<string, unknown>;
        child.stdin.end();
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (response === undefined) reject(new Error(`no answer; stderr:\n${stderr}`));
      else resolve({ response, code, stderr });
    });
    child.stdin.write(
      `${JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'build-test', version: '1' } },
      })}\n`,
    );
  });
}

describe('buildServer', () => {
  test('bundles the server into dist/server.cjs and reports its size', async () => {
    const server = join(root, 'dist', 'server.cjs');
    expect(result.files).toContain(server);
    expect(result.serverBytes).toBe((await stat(server)).size);
    expect(result.serverBytes).toBeGreaterThan(10_000);
    // One self-contained file: the runtime and the SDK are inside, nothing is required from the runtime package.
    expect(await readFile(server, 'utf8')).not.toMatch(/require\(["']@mcp-factory\/runtime["']\)/);
  });

  test('writes an executable dist/index.cjs launcher with a shebang', async () => {
    const launcher = join(root, 'dist', 'index.cjs');
    expect(result.files).toContain(launcher);
    expect((await readFile(launcher, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect((await stat(launcher)).mode & 0o111).toBe(0o111);
    const run = spawnSync(launcher, ['--version'], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('4.5.6\n');
  });

  test('bundles extra entries next to the server', async () => {
    const extra = join(root, 'dist', 'extra-tool.cjs');
    expect(result.files).toContain(extra);
    const run = spawnSync(process.execPath, [extra], { encoding: 'utf8' });
    expect(run.stdout).toBe('extra entry ran\n');
  });

  test('warms a code cache that a later start accepts', async () => {
    const cacheFile = join(root, 'dist', 'server.cjs.cache');
    expect(result.cacheWarmed).toBe(true);
    expect(result.files).toContain(cacheFile);
    const before = await stat(cacheFile);
    expect(before.size).toBeGreaterThan(0);

    // V8 itself says whether it accepts the cache for the bundle, compiled the way the launcher does.
    const check = spawnSync(
      process.execPath,
      [
        '-e',
        `const fs = require('node:fs'); const vm = require('node:vm'); const Module = require('node:module');
         const file = ${JSON.stringify(join(root, 'dist', 'server.cjs'))};
         const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), {
           filename: file,
           cachedData: fs.readFileSync(file + '.cache'),
           importModuleDynamically: vm.constants && vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
         });
         process.stdout.write(String(script.cachedDataRejected));`,
      ],
      { encoding: 'utf8' },
    );
    expect(check.stdout).toBe('false');

    const { response, code } = await initializeOverStdio();
    expect(response).toMatchObject({
      jsonrpc: '2.0',
      id: 1,
      result: { protocolVersion: '2025-11-25', serverInfo: { name: 'built-fixture', version: '4.5.6' } },
    });
    expect(code).toBe(0);
    // An accepted cache is not rewritten.
    const after = await stat(cacheFile);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(after.size).toBe(before.size);
  });
});
