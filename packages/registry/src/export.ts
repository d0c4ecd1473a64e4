/**
 * Export to client configuration formats: Claude Desktop (`mcpServers`, stdio only: HTTP servers go
 * through `npx mcp-remote`), Claude Code (`.mcp.json`, `${VAR}` expansion), Cursor
 * (`.cursor/mcp.json`, `${env:VAR}`), VS Code (`.vscode/mcp.json` `servers`, secrets as
 * `promptString` inputs) and the official MCP Registry's `server.json`. Values of environment
 * variables and headers are never written, only references to them (or placeholders where the
 * client cannot expand variables). Writing into an existing file edits it in place with
 * jsonc-parser (comments and every other entry are kept); a file that cannot be parsed is refused,
 * never overwritten.
 *
 * @module
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

import { applyEdits, modify, type FormattingOptions } from 'jsonc-parser';
import writeFileAtomic from 'write-file-atomic';

import { parseJsoncText } from './discovery/client-configs.js';
import { RegistryError, RegistryErrorCode } from './errors.js';
import type { ServerEntry, Transport } from './schema.js';

/** Export formats. */
export const EXPORT_FORMATS = ['claude-desktop', 'claude-code', 'cursor', 'vscode', 'server-json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The rendered configuration of a set of servers. */
export interface ExportDocument {
  /** The top-level key holding servers (absent for server.json). */
  rootKey?: 'mcpServers' | 'servers';
  /** Server name → its configuration object. */
  servers: Record<string, unknown>;
  /** VS Code `inputs` (prompted values). */
  inputs?: Array<Record<string, unknown>>;
  /** The whole document (server.json, or a fresh client config). */
  document: unknown;
  /** Things the user must do by hand (placeholders to fill in). */
  warnings: string[];
}

const FORMAT: FormattingOptions = { insertSpaces: true, tabSize: 2, eol: '\n' };

function primary(entry: ServerEntry): Transport {
  const transport = entry.transports[0];
  if (transport === undefined) {
    throw new RegistryError(RegistryErrorCode.InvalidEntry, `${entry.name} has no transport.`, { server: entry.name });
  }
  return transport;
}

/** Variables to reference: required config plus undeclared transport variables; optional ones are left out. */
function envNames(entry: ServerEntry, transport: Transport, warnings: string[]): string[] {
  if (transport.type !== 'stdio') return [];
  const optional = entry.config.filter((item) => !item.required).map((item) => item.name);
  for (const name of optional) {
    warnings.push(
      `${entry.name}: optional variable ${name} not exported (an unset reference would pass an empty value); add it if you use it.`,
    );
  }
  return [...new Set([...transport.env, ...entry.config.map((item) => item.name)])].filter(
    (name) => !optional.includes(name),
  );
}

function isSecret(entry: ServerEntry, name: string): boolean {
  return entry.config.find((item) => item.name === name)?.secret ?? /key|token|secret|password/i.test(name);
}

function clientServer(
  format: Exclude<ExportFormat, 'server-json'>,
  entry: ServerEntry,
  warnings: string[],
  inputs: Array<Record<string, unknown>>,
): unknown {
  const transport = primary(entry);
  const reference = (name: string): string => {
    switch (format) {
      case 'claude-code':
        return `\${${name}}`;
      case 'cursor':
        return `\${env:${name}}`;
      case 'vscode':
        if (isSecret(entry, name)) {
          inputs.push({
            type: 'promptString',
            id: name,
            description: entry.config.find((item) => item.name === name)?.description ?? `${name} for ${entry.name}`,
            password: true,
          });
          return `\${input:${name}}`;
        }
        return `\${env:${name}}`;
      case 'claude-desktop':
        warnings.push(
          `${entry.name}: replace the placeholder of ${name} with its value (Claude Desktop does not expand variables).`,
        );
        return `<${name}>`;
    }
  };
  if (transport.type === 'stdio') {
    const names = envNames(entry, transport, warnings);
    const env = Object.fromEntries(names.map((name) => [name, reference(name)]));
    return {
      ...(format === 'claude-code' || format === 'vscode' ? { type: 'stdio' } : {}),
      command: transport.command,
      args: transport.args,
      ...(names.length === 0 ? {} : { env }),
      ...(format === 'vscode' && transport.cwd !== undefined ? { cwd: transport.cwd } : {}),
    };
  }
  const headers = Object.fromEntries(transport.headers.map((header) => [header.name, reference(header.env)]));
  if (format === 'claude-desktop') {
    // Claude Desktop's config file only launches commands: bridge the remote with mcp-remote.
    return {
      command: 'npx',
      args: [
        '-y',
        'mcp-remote',
        transport.url,
        ...transport.headers.flatMap((header) => ['--header', `${header.name}:\${${header.env}}`]),
      ],
      ...(transport.headers.length === 0
        ? {}
        : { env: Object.fromEntries(transport.headers.map((header) => [header.env, `<${header.env}>`])) }),
    };
  }
  return {
    ...(format === 'cursor' ? {} : { type: 'http' }),
    url: transport.url,
    ...(transport.headers.length === 0 ? {} : { headers }),
  };
}

function serverJson(entry: ServerEntry): Record<string, unknown> {
  const environmentVariables = entry.config.map((item) => ({
    name: item.name,
    ...(item.description === undefined ? {} : { description: item.description }),
    isRequired: item.required,
    isSecret: item.secret,
  }));
  const packages =
    entry.package === undefined
      ? []
      : [
          {
            registryType: entry.package.registryType,
            identifier: entry.package.identifier,
            ...(entry.package.version === undefined ? {} : { version: entry.package.version }),
            transport: { type: 'stdio' },
            ...(entry.package.arguments.length === 0
              ? {}
              : { packageArguments: entry.package.arguments.map((value) => ({ type: 'positional', value })) }),
            ...(environmentVariables.length === 0 ? {} : { environmentVariables }),
          },
        ];
  const remotes = entry.transports.flatMap((transport) =>
    transport.type === 'http'
      ? [
          {
            type: 'streamable-http',
            url: transport.url,
            ...(transport.headers.length === 0
              ? {}
              : {
                  headers: transport.headers.map((header) => ({ name: header.name, isRequired: true, isSecret: true })),
                }),
          },
        ]
      : [],
  );
  if (packages.length === 0 && remotes.length === 0) {
    throw new RegistryError(
      RegistryErrorCode.NotExportable,
      `${entry.name} runs from a local command (${primary(entry).type === 'stdio' ? 'not a published package' : 'no remote'}): server.json needs a published package (npm, pypi, oci) or a streamable-http remote.`,
      { server: entry.name },
    );
  }
  return {
    $schema: 'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json',
    name: entry.registryName ?? `io.github.your-org/${entry.name.replace(/^@[^/]+\//, '')}`,
    description: entry.description ?? entry.cache?.serverInfo?.name ?? entry.name,
    version: entry.version ?? entry.package?.version ?? '0.0.0',
    ...(packages.length === 0 ? {} : { packages }),
    ...(remotes.length === 0 ? {} : { remotes }),
  };
}

/** Renders `entries` in `format`. */
export function renderExport(entries: readonly ServerEntry[], format: ExportFormat): ExportDocument {
  const warnings: string[] = [];
  if (format === 'server-json') {
    if (entries.length !== 1) {
      throw new RegistryError(
        RegistryErrorCode.NotExportable,
        `server.json describes one server; got ${entries.length}.`,
      );
    }
    const document = serverJson(entries[0] as ServerEntry);
    return { servers: {}, document, warnings };
  }
  const inputs: Array<Record<string, unknown>> = [];
  const servers = Object.fromEntries(
    entries.map((entry) => [entry.name, clientServer(format, entry, warnings, inputs)]),
  );
  const rootKey = format === 'vscode' ? 'servers' : 'mcpServers';
  const unique = inputs.filter((input, index) => inputs.findIndex((other) => other.id === input.id) === index);
  const document = format === 'vscode' && unique.length > 0 ? { inputs: unique, servers } : { [rootKey]: servers };
  return { rootKey, servers, ...(format === 'vscode' ? { inputs: unique } : {}), document, warnings };
}

/** How {@link mergeExport} treats a server the file already has. */
export interface MergeOptions {
  /** Overwrite a server of the same name whose configuration differs; otherwise that is refused. */
  readonly replace?: boolean;
}

/**
 * `rendered` merged into `existing` (JSONC text): comments and other entries stay. A server the
 * file already holds under the same name with other settings (the user's own, say) is refused
 * unless `replace`; one with the same settings is left as it is.
 */
export function mergeExport(
  existing: string,
  rendered: ExportDocument,
  file: string,
  options: MergeOptions = {},
): string {
  if (rendered.rootKey === undefined) return `${JSON.stringify(rendered.document, null, 2)}\n`;
  if (existing.trim() === '') return `${JSON.stringify(rendered.document, null, 2)}\n`;
  const parsed = parseJsoncText(existing);
  if ('error' in parsed) {
    throw new RegistryError(
      RegistryErrorCode.ExportTarget,
      `${file} is ${parsed.error}; fix it first (it was left untouched).`,
      { file },
    );
  }
  const root = parsed.value;
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    throw new RegistryError(RegistryErrorCode.ExportTarget, `${file} is not a JSON object; it was left untouched.`, {
      file,
    });
  }
  const holder = (root as Record<string, unknown>)[rendered.rootKey];
  if (holder !== undefined && (holder === null || typeof holder !== 'object' || Array.isArray(holder))) {
    throw new RegistryError(
      RegistryErrorCode.ExportTarget,
      `${file}: "${rendered.rootKey}" is not an object; it was left untouched.`,
      { file },
    );
  }
  if (options.replace !== true && holder !== undefined) {
    const differing = Object.entries(rendered.servers)
      .filter(([name, server]) => {
        const current = (holder as Record<string, unknown>)[name];
        return current !== undefined && !isDeepStrictEqual(current, server);
      })
      .map(([name]) => name);
    if (differing.length > 0) {
      throw new RegistryError(
        RegistryErrorCode.ExportTarget,
        `${file} already has ${differing.map((name) => JSON.stringify(name)).join(', ')} with other settings; pass --replace to overwrite (it was left untouched).`,
        { file },
      );
    }
  }
  let text = existing;
  for (const [name, server] of Object.entries(rendered.servers)) {
    text = applyEdits(text, modify(text, [rendered.rootKey, name], server, { formattingOptions: FORMAT }));
  }
  if (rendered.inputs !== undefined && rendered.inputs.length > 0) {
    const current = (root as { inputs?: unknown }).inputs;
    const kept = Array.isArray(current) ? (current as Array<Record<string, unknown>>) : [];
    const merged = [
      ...kept.filter((input) => !rendered.inputs?.some((added) => added.id === input.id)),
      ...rendered.inputs,
    ];
    text = applyEdits(text, modify(text, ['inputs'], merged, { formattingOptions: FORMAT }));
  }
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** Writes `rendered` into `file` (merging when it exists, see {@link mergeExport}); resolves with the text written. */
export async function writeExport(rendered: ExportDocument, file: string, options: MergeOptions = {}): Promise<string> {
  let existing = '';
  try {
    existing = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new RegistryError(
        RegistryErrorCode.ExportTarget,
        `cannot read ${file}: ${(error as Error).message}`,
        { file },
        { cause: error },
      );
    }
  }
  const text = mergeExport(existing, rendered, file, options);
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, text);
  return text;
}
