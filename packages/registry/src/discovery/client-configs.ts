/**
 * Client configuration files: `mcpServers` maps (project `.mcp.json`, Claude Desktop's
 * `claude_desktop_config.json`, Claude Code's `~/.claude.json` — top level and per project —,
 * Cursor's `.cursor/mcp.json`) and VS Code's `servers` map (`.vscode/mcp.json`). Files are JSONC
 * (comments, trailing commas). Environment and header values are never kept: only their names.
 *
 * @module
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';

import { toServerName } from '../names.js';
import type { Transport } from '../schema.js';
import { readTextIfExists } from './fs-utils.js';
import { headerEnvName } from './server-json.js';
import { scanPlaces, type SourceResult } from './types.js';

/** The clients whose config files are read. */
export type ClientKind = 'mcp-json' | 'claude-desktop' | 'claude-code' | 'cursor' | 'vscode';

/** One config file to read. */
export interface ClientConfigFile {
  client: ClientKind;
  path: string;
}

/** Claude Desktop's config file on this platform. */
export function claudeDesktopConfigPath(
  home: string = homedir(),
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (platform === 'darwin')
    return join(home, 'Library', 'Application Support', 'Claude', 'claude_desktop_config.json');
  if (platform === 'win32')
    return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Claude', 'claude_desktop_config.json');
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Claude', 'claude_desktop_config.json');
}

/** The config files read by default for a project folder `cwd` and a user's `home`. */
export function defaultClientConfigs(
  cwd: string,
  home: string,
  platform?: NodeJS.Platform,
  env?: NodeJS.ProcessEnv,
): ClientConfigFile[] {
  return [
    { client: 'mcp-json', path: join(cwd, '.mcp.json') },
    { client: 'cursor', path: join(cwd, '.cursor', 'mcp.json') },
    { client: 'vscode', path: join(cwd, '.vscode', 'mcp.json') },
    { client: 'claude-code', path: join(home, '.claude.json') },
    { client: 'cursor', path: join(home, '.cursor', 'mcp.json') },
    { client: 'claude-desktop', path: claudeDesktopConfigPath(home, platform, env) },
  ];
}

/** Parses JSONC; a reason naming the first error's position otherwise. */
export function parseJsoncText(text: string): { value: unknown } | { error: string } {
  const errors: ParseError[] = [];
  const value = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false }) as unknown;
  const first = errors[0];
  if (first === undefined) return { value };
  const line = text.slice(0, first.offset).split('\n').length;
  return { error: `not valid JSON(C): ${printParseErrorCode(first.error)} at line ${line}` };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** One server of a config map as a transport, or the reason it is unusable. */
function transportOf(server: unknown): Transport | string {
  if (!isRecord(server)) return 'not an object';
  const type = typeof server.type === 'string' ? server.type : undefined;
  if (typeof server.url === 'string' || type === 'http' || type === 'sse' || type === 'streamable-http') {
    if (typeof server.url !== 'string') return `type ${type ?? 'http'} without a "url"`;
    try {
      new URL(server.url);
    } catch {
      return `"url" ${JSON.stringify(server.url)} is not a URL`;
    }
    const headers = isRecord(server.headers) ? Object.keys(server.headers) : [];
    return { type: 'http', url: server.url, headers: headers.map((name) => ({ name, env: headerEnvName(name) })) };
  }
  if (typeof server.command !== 'string' || server.command.length === 0) return 'neither a "command" nor a "url"';
  return {
    type: 'stdio',
    command: server.command,
    args: strings(server.args),
    env: isRecord(server.env) ? Object.keys(server.env) : [],
    ...(typeof server.cwd === 'string' ? { cwd: server.cwd } : {}),
  };
}

function serverMaps(
  client: ClientKind,
  doc: Record<string, unknown>,
  cwd: string | undefined,
): Array<Record<string, unknown>> {
  if (client === 'vscode') return isRecord(doc.servers) ? [doc.servers] : [];
  const maps: Array<Record<string, unknown>> = isRecord(doc.mcpServers) ? [doc.mcpServers] : [];
  // ~/.claude.json also keeps servers per project folder (the local scope).
  if (client === 'claude-code' && cwd !== undefined && isRecord(doc.projects)) {
    const project = doc.projects[cwd];
    if (isRecord(project) && isRecord(project.mcpServers)) maps.push(project.mcpServers);
  }
  return maps;
}

/** Reads each config file (missing files are skipped silently); `cwd` selects Claude Code's project scope. */
export async function discoverClientConfigs(files: readonly ClientConfigFile[], cwd?: string): Promise<SourceResult> {
  return scanPlaces(
    files,
    (file) => file.path,
    async ({ client, path }, result) => {
      const text = await readTextIfExists(path);
      if (text === undefined) return;
      const parsed = parseJsoncText(text);
      if ('error' in parsed) {
        result.problems.push({ path, reason: parsed.error });
        return;
      }
      if (!isRecord(parsed.value)) {
        result.problems.push({ path, reason: 'the file is not a JSON object' });
        return;
      }
      for (const map of serverMaps(client, parsed.value, cwd)) {
        for (const [key, server] of Object.entries(map)) {
          const name = toServerName(key);
          const transport = transportOf(server);
          if (name === undefined) {
            result.problems.push({ path, reason: `server ${JSON.stringify(key)}: cannot derive a valid name` });
          } else if (typeof transport === 'string') {
            result.problems.push({ path, reason: `server ${JSON.stringify(key)}: ${transport}` });
          } else {
            const declared = transport.type === 'stdio' ? transport.env : transport.headers.map((header) => header.env);
            result.servers.push({
              name,
              transports: [transport],
              origin: { source: 'client-config', path, client },
              config: declared.map((item) => ({ name: item, required: true, secret: false })),
            });
          }
        }
      }
    },
  );
}
