/**
 * Helpers of the dev suites: a copy of a template to edit, extra tools the tests need (slow,
 * crashing, spawning), the official client on `mcp-factory dev`, and a scan of /proc for the
 * processes a session started.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

import { Client, type ClientCapabilities } from '@modelcontextprotocol/client';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/client/stdio';

import { deliverProgressBeforeResults } from '@mcp-factory/runtime';

import { REPO } from '../helpers/index.js';

/** Tools the suites add to the copied template. */
const FIXTURE_TOOLS = `import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

import { defineTool, z } from '@mcp-factory/runtime';

export const VERSION = 'v1';

export const slowEcho = defineTool({
  name: 'dev_slow_echo',
  description: 'Waits ms milliseconds, then answers with the code version.',
  input: z.object({ ms: z.number().int().min(0).max(60000) }),
  async run({ ms }, ctx) {
    // Tests wait for this line (the child's stderr is the proxy's) to know the call reached the server.
    process.stderr.write(\`dev_slow_echo \${VERSION} started (\${ms} ms)\\n\`);
    await sleep(ms, undefined, { signal: ctx.signal });
    return \`slow done \${VERSION}\`;
  },
});

export const crashSoon = defineTool({
  name: 'dev_crash_soon',
  description: 'Answers, then the process exits with code 3.',
  run: () => {
    setTimeout(() => process.exit(3), 20);
    return 'crashing';
  },
});

export const spawnGrandchild = defineTool({
  name: 'dev_spawn_grandchild',
  description: 'Starts a long-lived grandchild process and returns its pid.',
  run: () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    return String(child.pid);
  },
});
`;

/** A copy of `templates/<template>` under the repository's .tmp/ (so it resolves the workspace runtime). */
export async function copyTemplate(template: 'everything' | 'api'): Promise<string> {
  const dir = join(REPO, '.tmp', 'dev-tests', `${template}-${randomUUID().slice(0, 8)}`);
  await mkdir(dir, { recursive: true });
  const source = join(REPO, 'templates', template);
  for (const entry of ['src', 'package.json', 'tsconfig.json'])
    await cp(join(source, entry), join(dir, entry), { recursive: true });
  if (template === 'everything') {
    await writeFile(join(dir, 'src', 'tools', 'dev-fixtures.ts'), FIXTURE_TOOLS);
    await editFile(join(dir, 'src', 'tools', 'index.ts'), (text) =>
      text
        .replace("import { updateWatchedResource } from './update-watched-resource.js';", (line) =>
          [line, "import { crashSoon, slowEcho, spawnGrandchild } from './dev-fixtures.js';"].join('\n'),
        )
        .replace(
          'updateWatchedResource(state.watched),',
          'updateWatchedResource(state.watched), slowEcho, crashSoon, spawnGrandchild,',
        ),
    );
  }
  return dir;
}

/** Rewrites a file; fails when the edit changes nothing (a test would then wait for nothing). */
export async function editFile(file: string, edit: (text: string) => string): Promise<void> {
  const before = await readFile(file, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`edit of ${file} changed nothing`);
  await writeFile(file, after);
}

/** A client connected to `mcp-factory dev` over stdio, with the proxy's stderr collected. */
export interface DevConnection {
  readonly client: Client;
  readonly transport: StdioClientTransport;
  /** The proxy's stderr so far (its own lines and the server's). */
  stderr(): string;
  /** Resolves when stderr contains `text` (after `from` characters); rejects after `timeoutMs`. */
  waitForStderr(text: string | RegExp, from?: number, timeoutMs?: number): Promise<void>;
  /** Log notifications received. */
  readonly logs: { level: string; data: unknown }[];
  /** Counts of list_changed notifications by kind. */
  readonly listChanged: Record<string, number>;
  close(): Promise<void>;
}

/** Starts `mcp-factory dev <dir> ...args` and connects the official client. */
export async function connectDev(
  dir: string,
  args: readonly string[] = [],
  env: Record<string, string> = {},
  capabilities: ClientCapabilities = {},
): Promise<DevConnection> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [join(REPO, 'packages', 'cli', 'dist', 'cli.js'), 'dev', dir, ...args],
    env: {
      ...getDefaultEnvironment(),
      LOG_LEVEL: 'warn',
      MCP_JOURNAL: 'off',
      ...(process.env.MCP_FACTORY_STATE_HOME === undefined
        ? {}
        : { MCP_FACTORY_STATE_HOME: process.env.MCP_FACTORY_STATE_HOME }),
      ...env,
    },
    stderr: 'pipe',
  });
  let stderr = '';
  const waiters = new Set<() => void>();
  (transport.stderr as Readable | null)?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    for (const waiter of waiters) waiter();
  });
  const client = new Client({ name: 'dev-test', version: '1.0.0' }, { capabilities });
  const logs: DevConnection['logs'] = [];
  const listChanged: Record<string, number> = { tools: 0, resources: 0, prompts: 0 };
  client.setNotificationHandler('notifications/message', (notification) => {
    logs.push({ level: notification.params.level, data: notification.params.data });
  });
  client.setNotificationHandler(
    'notifications/tools/list_changed',
    () => void (listChanged.tools = (listChanged.tools ?? 0) + 1),
  );
  client.setNotificationHandler(
    'notifications/prompts/list_changed',
    () => void (listChanged.prompts = (listChanged.prompts ?? 0) + 1),
  );
  await client.connect(transport);
  deliverProgressBeforeResults(client);
  return {
    client,
    transport,
    stderr: () => stderr,
    waitForStderr: (text, from = 0, timeoutMs = 30_000) =>
      new Promise((resolvePromise, reject) => {
        const check = (): void => {
          const rest = stderr.slice(from);
          if (typeof text === 'string' ? rest.includes(text) : text.test(rest)) {
            waiters.delete(check);
            clearTimeout(timer);
            resolvePromise();
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${String(text)} on the proxy's stderr within ${timeoutMs} ms:\n${stderr.slice(-3000)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    logs,
    listChanged,
    close: () => client.close(),
  };
}

/** Pids of live processes whose environment contains `marker` (Linux /proc). */
export async function processesWithMarker(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = await readFile(`/proc/${entry}/environ`, 'latin1');
      const stat = await readFile(`/proc/${entry}/stat`, 'latin1');
      // A zombie has exited; its parent has not reaped it yet.
      if (environ.includes(marker) && !/^\d+ \(.*\) Z/.test(stat)) pids.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours.
    }
  }
  return pids;
}

/** Waits until `check` returns true, polling; false after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 50));
  }
}

/** The text of a tool result's first content block. */
export function firstText(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content;
  return content?.[0]?.text ?? '';
}
