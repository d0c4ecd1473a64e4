/**
 * Helpers of the gateway suites: write a client config over fixture servers, start the gateway
 * through the built CLI (stdio or HTTP) and talk to it with the official SDK client.
 *
 * @module
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import {
  connectStdio,
  startServerProcess,
  type ServerProcess,
  type StdioConnection,
} from '@mcp-factory/runtime/testing';
import type { CallToolResult, Client } from '@modelcontextprotocol/client';

import { CLI, REPO, tempDir } from '../helpers/index.js';

export { CLI, REPO, tempDir };

/** The fixture server's path. */
export const FIXTURE = join(REPO, 'test', 'gateway', 'fixtures', 'fixture-server.mjs');

/** A stdio entry of a client config running the fixture as `name`. */
export function fixtureEntry(name: string, env: Record<string, string> = {}): Record<string, unknown> {
  return { command: process.execPath, args: [FIXTURE], env: { FIXTURE_NAME: name, ...env } };
}

/** A temporary folder with a `.mcp.json` of `servers` and its own state home. */
export async function gatewayDir(
  servers: Record<string, unknown>,
): Promise<{ dir: string; config: string; state: string }> {
  const dir = await tempDir('gateway');
  const config = join(dir, '.mcp.json');
  await writeFile(config, `// written by the gateway suite\n${JSON.stringify({ mcpServers: servers }, null, 2)}\n`);
  const state = join(dir, 'state');
  await mkdir(state, { recursive: true });
  return { dir, config, state };
}

/** Starts `mcp-factory gateway ...args` on stdio in `dir` and connects the SDK client. */
export function startGateway(
  dir: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<StdioConnection> {
  return connectStdio(process.execPath, [CLI, 'gateway', ...args], {
    cwd: dir,
    env: { MCP_FACTORY_STATE_HOME: join(dir, 'state'), ...env },
  });
}

/** Starts the gateway on HTTP (port 0) and waits for its URL. */
export function startHttpGateway(
  dir: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  return startServerProcess(process.execPath, [CLI, 'gateway', '--http', '--port', '0', ...args], {
    cwd: dir,
    env: { MCP_FACTORY_STATE_HOME: join(dir, 'state'), ...env },
    waitForHttp: true,
  });
}

/** The text of a tool result's first content block. */
export function textOf(result: unknown): string {
  const content = (result as CallToolResult).content;
  const first = content[0];
  return first?.type === 'text' ? first.text : '';
}

/** A server as `list_servers` reports it. */
export interface ServerRow {
  name: string;
  kind: string;
  state: string;
  tools: number | null;
  restarts: number;
  lastError?: string;
  log?: string;
}

/** One tool of a `search_tools` answer. */
export interface MatchTool {
  description?: string;
  inputSchema: { properties?: Record<string, { type?: string }>; required?: string[] };
}

/** One run of consecutive `search_tools` matches of one server, its tools best first. */
export interface MatchGroup {
  server: string;
  tools: Record<string, MatchTool>;
}

/** One `search_tools` match, flattened. */
export interface MatchRow extends MatchTool {
  server: string;
  tool: string;
}

/** The matches of a `search_tools` answer, best first, one row per tool. */
export function matchRows(answer: { matches: MatchGroup[] }): MatchRow[] {
  return answer.matches.flatMap((group) =>
    Object.entries(group.tools).map(([tool, about]) => ({ server: group.server, tool, ...about })),
  );
}

/** What the meta-tools answer, by tool. */
export interface MetaAnswers {
  list_servers: { servers: ServerRow[] };
  search_tools: { matches: MatchGroup[]; unavailable?: string[] };
  call_tool: Record<string, unknown>;
  load_server: Record<string, unknown>;
  unload_server: Record<string, unknown>;
  reload_server: Record<string, unknown>;
  install_server: { server: string; pinned: string; toolsHash: string; tools: string[] };
}

/** Calls a meta-tool and parses its JSON text. */
export async function callJson<K extends keyof MetaAnswers>(
  client: Client,
  name: K,
  args: Record<string, unknown> = {},
): Promise<MetaAnswers[K]> {
  const result = await client.callTool({ name, arguments: args });
  const text = textOf(result);
  try {
    return JSON.parse(text) as MetaAnswers[K];
  } catch {
    throw new Error(`${name} did not answer JSON: ${text}`);
  }
}

/** Polls `check` until it returns true (state changes in another process; no timing asserted). */
export async function eventually(check: () => Promise<boolean>, what: string, limitMs = 20_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`never happened: ${what}`);
}

/** Calls a tool and collects the progress values the client was sent for it. */
export async function callWithProgress(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<{ text: string; progress: number[] }> {
  const progress: number[] = [];
  const result = await client.callTool({ name, arguments: args }, { onprogress: (p) => progress.push(p.progress) });
  return { text: textOf(result), progress };
}

/** The lines the relay fixture wrote to its `RELAY_CANCEL_FILE` (`started <marker>`, `cancelled <marker>`). */
export async function relayMarks(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8').catch(() => '')).split('\n');
}

/**
 * Starts `call` with a signal, waits until the relay fixture's `wait_for_cancel` has the request,
 * cancels it, and waits until the server saw the cancellation. Throws if the call ended before the
 * server had it (with its error) or was answered; the call is cancelled whatever happens.
 */
export async function cancelAtServer(
  cancelFile: string,
  marker: string,
  call: (signal: AbortSignal) => Promise<unknown>,
): Promise<void> {
  const controller = new AbortController();
  let ended: { answered: boolean; reason?: unknown } | undefined;
  const outcome = call(controller.signal).then(
    () => (ended = { answered: true }),
    (reason: unknown) => (ended = { answered: false, reason }),
  );
  try {
    await eventually(async () => {
      if (ended !== undefined) {
        const how = ended.answered ? 'was answered' : `failed: ${String(ended.reason)}`;
        throw new Error(`the call "${marker}" ${how} before the server had it`);
      }
      return (await relayMarks(cancelFile)).includes(`started ${marker}`);
    }, `the server got "${marker}"`);
    controller.abort('changed my mind');
    await outcome;
    if (ended?.answered !== false) throw new Error(`the call "${marker}" was answered, not cancelled`);
    await eventually(
      async () => (await relayMarks(cancelFile)).includes(`cancelled ${marker}`),
      `the server saw the cancellation of "${marker}"`,
    );
  } finally {
    controller.abort('test over');
  }
}
