/**
 * A {@link ServerSource} over a client config file: `.mcp.json` (Claude Code), Claude Desktop's
 * `claude_desktop_config.json` and Cursor's `mcp.json` (`mcpServers`), or VS Code's `mcp.json`
 * (`servers`), comments and trailing commas tolerated.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';

import { GatewayError, GatewayErrorCode } from './errors.js';
import { parseJsonc } from './jsonc.js';
import type { ServerSource, ServerSpec } from './server-source.js';

/** Server names the gateway accepts: they become tool-name prefixes and log-file names. */
export const SERVER_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** The file read when no `--config` is given. */
export const DEFAULT_CONFIG_FILE = '.mcp.json';

function invalid(file: string, message: string): GatewayError {
  return new GatewayError(GatewayErrorCode.ConfigInvalid, `${file}: ${message}`);
}

function stringRecord(file: string, where: string, value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(file, `${where} must be an object of strings`);
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') throw invalid(file, `${where}.${key} must be a string`);
    out[key] = entry;
  }
  return out;
}

/** Turns one config entry into a {@link ServerSpec}; `base` resolves a relative `cwd`. */
export function specFromEntry(file: string, name: string, entry: unknown, base: string): ServerSpec {
  if (!SERVER_NAME.test(name)) {
    throw invalid(file, `server name ${JSON.stringify(name)} must be 1-64 characters of A-Z a-z 0-9 _ . -`);
  }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw invalid(file, `server "${name}" must be an object`);
  }
  const record = entry as Record<string, unknown>;
  const url = record.url ?? record.serverUrl;
  if (typeof url === 'string') {
    if (record.type === 'sse') throw invalid(file, `server "${name}": the legacy SSE transport is not supported`);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw invalid(file, `server "${name}": url ${JSON.stringify(url)} is not a valid URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw invalid(file, `server "${name}": url ${JSON.stringify(url)} must be http(s) (Streamable HTTP)`);
    return { name, kind: 'http', url, headers: stringRecord(file, `${name}.headers`, record.headers) };
  }
  if (typeof record.command !== 'string' || record.command === '') {
    throw invalid(file, `server "${name}" needs a "command" (stdio) or a "url" (HTTP)`);
  }
  const args = record.args ?? [];
  if (!Array.isArray(args) || !args.every((arg) => typeof arg === 'string')) {
    throw invalid(file, `server "${name}": "args" must be an array of strings`);
  }
  const cwd = record.cwd;
  if (cwd !== undefined && typeof cwd !== 'string') throw invalid(file, `server "${name}": "cwd" must be a string`);
  return {
    name,
    kind: 'stdio',
    command: record.command,
    args,
    env: stringRecord(file, `${name}.env`, record.env),
    ...(cwd === undefined ? {} : { cwd: isAbsolute(cwd) ? cwd : resolve(base, cwd) }),
  };
}

/** Parses a config file's text (any supported shape) into specs. */
export function parseClientConfig(text: string, file: string): ServerSpec[] {
  let parsed: unknown;
  try {
    parsed = parseJsonc(text);
  } catch (error) {
    throw invalid(file, `not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid(file, 'expected an object with "mcpServers" or "servers"');
  }
  const root = parsed as Record<string, unknown>;
  const servers = root.mcpServers ?? root.servers;
  if (typeof servers !== 'object' || servers === null || Array.isArray(servers)) {
    throw invalid(file, 'expected an object with "mcpServers" (Claude, Cursor) or "servers" (VS Code)');
  }
  const base = dirname(resolve(file));
  return Object.entries(servers).map(([name, entry]) => specFromEntry(file, name, entry, base));
}

/** A source reading `file` (default `.mcp.json` in `cwd`) on every `list()`. */
export function configFileSource(file?: string, cwd: string = process.cwd()): ServerSource {
  const path = file === undefined ? join(cwd, DEFAULT_CONFIG_FILE) : resolve(cwd, file);
  return {
    description: path,
    async list() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw invalid(
          path,
          code === 'ENOENT'
            ? `no such file${file === undefined ? ' (pass --config FILE, or create .mcp.json here)' : ''}`
            : `cannot read: ${(error as Error).message}`,
        );
      }
      return parseClientConfig(text, path);
    },
  };
}
