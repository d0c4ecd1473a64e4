/**
 * How the registry commands print: the `list` table, `info`'s report (metadata, config, tools with
 * their input schemas, token size, flagged changes with a diff), discovery reports and tool
 * results.
 *
 * @module
 */
import {
  lineDiff,
  type DiscoveryResult,
  type ScopedEntry,
  type ServerEntry,
  type Transport,
} from '@mcp-factory/registry';

import { renderTable } from '../table.js';

/** `node /a/b.js --x` or the URL. */
export function describeTransport(transport: Transport): string {
  if (transport.type === 'http') return transport.url;
  return [transport.command, ...transport.args].join(' ');
}

function shorten(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function status(entry: ServerEntry): string {
  const changed = entry.changes.filter((change) => change.kind === 'changed').length;
  if (changed > 0) return `CHANGED (${changed} tool${changed === 1 ? '' : 's'})`;
  if (entry.changes.length > 0) return 'tools added/removed';
  return entry.cache === undefined ? 'not inspected' : 'ok';
}

/** The `list` table. */
export function formatList(entries: readonly ScopedEntry[]): string {
  if (entries.length === 0) return 'No servers registered. Add one with `mcp-factory add` or `mcp-factory discover`.\n';
  const rows = entries.map((entry) => {
    const transport = entry.transports[0];
    return [
      entry.name,
      entry.transports.map((t) => t.type).join('+'),
      entry.origin.source,
      entry.cache === undefined ? '-' : String(entry.cache.tools.length),
      entry.cache === undefined ? '-' : String(entry.cache.toolsTokens),
      status(entry),
      transport === undefined ? '' : shorten(describeTransport(transport), 60),
    ];
  });
  return renderTable(['NAME', 'TRANSPORT', 'SOURCE', 'TOOLS', 'TOKENS', 'STATUS', 'COMMAND / URL'], rows);
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

/** `info`'s readable report. */
export function formatInfo(entry: ScopedEntry): string {
  const lines: string[] = [];
  lines.push(`${entry.name}${entry.version === undefined ? '' : ` ${entry.version}`}`);
  if (entry.description !== undefined) lines.push(`  ${entry.description}`);
  lines.push('');
  lines.push(
    `Source:     ${entry.origin.source}${entry.origin.client === undefined ? '' : ` (${entry.origin.client})`}${entry.origin.path === undefined ? '' : ` ${entry.origin.path}`}`,
  );
  lines.push(`Stored in:  ${entry.scope} registry`);
  if (entry.registryName !== undefined) lines.push(`Registry:   ${entry.registryName}`);
  for (const transport of entry.transports) {
    if (transport.type === 'stdio') {
      lines.push(`Transport:  stdio  ${describeTransport(transport)}`);
      if (transport.cwd !== undefined) lines.push(`            cwd ${transport.cwd}`);
      if (transport.env.length > 0) lines.push(`            env ${transport.env.join(', ')}`);
    } else {
      lines.push(`Transport:  http   ${transport.url}`);
      for (const header of transport.headers) lines.push(`            header ${header.name} ← $${header.env}`);
    }
  }
  lines.push('');
  if (entry.config.length === 0) {
    lines.push('Config:     none declared');
  } else {
    lines.push('Config:');
    for (const item of entry.config) {
      const flags = [item.required ? 'required' : 'optional', ...(item.secret ? ['secret'] : [])].join(', ');
      lines.push(`  ${item.name} (${flags})${item.description === undefined ? '' : `: ${item.description}`}`);
    }
  }
  lines.push('');
  const cache = entry.cache;
  if (cache === undefined) {
    lines.push('Not inspected yet: run `mcp-factory inspect ' + entry.name + '` to list its tools.');
    return `${lines.join('\n')}\n`;
  }
  const server =
    cache.serverInfo === undefined ? '' : `${cache.serverInfo.name} ${cache.serverInfo.version ?? ''}`.trim();
  lines.push(
    `Inspected:  ${cache.inspectedAt}${server === '' ? '' : ` — ${server}`}${cache.protocolVersion === undefined ? '' : `, protocol ${cache.protocolVersion}`}`,
  );
  lines.push(`tools/list: ${cache.toolsTokens} tokens (cl100k_base)`);
  const changed = entry.changes.filter((change) => change.kind === 'changed');
  if (entry.changes.length > 0) {
    lines.push('');
    lines.push(
      changed.length > 0
        ? `WARNING: ${changed.length} tool definition(s) changed since they were pinned (possible rug pull). Review, then \`mcp-factory inspect ${entry.name} --accept\`.`
        : 'Tools differ from the pinned set:',
    );
    for (const change of entry.changes) {
      lines.push(`  ${change.kind.toUpperCase()} ${change.tool} (detected ${change.detectedAt})`);
      if (change.kind === 'changed' && change.before !== undefined && change.after !== undefined) {
        lines.push(indent(lineDiff(change.before, change.after), '    '));
      }
    }
  }
  lines.push('');
  lines.push(`Tools (${cache.tools.length}):`);
  for (const tool of cache.tools) {
    lines.push(
      `  ${tool.name}${tool.description === undefined ? '' : ` — ${shorten(tool.description.replace(/\s+/g, ' '), 100)}`}`,
    );
    lines.push(indent(JSON.stringify(tool.inputSchema, null, 2), '      '));
  }
  if (cache.resources.length + cache.resourceTemplates.length > 0) {
    lines.push('');
    lines.push(`Resources (${cache.resources.length}, templates ${cache.resourceTemplates.length}):`);
    for (const item of [...cache.resources, ...cache.resourceTemplates])
      lines.push(`  ${item.uri ?? item.uriTemplate ?? ''}  ${item.name}`);
  }
  if (cache.prompts.length > 0) {
    lines.push('');
    lines.push(`Prompts (${cache.prompts.length}):`);
    for (const prompt of cache.prompts)
      lines.push(`  ${prompt.name}${prompt.description === undefined ? '' : ` — ${shorten(prompt.description, 100)}`}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The `discover` report: what each source found and what it could not use. */
export function formatDiscovery(
  result: DiscoveryResult,
  saved: { added: string[]; updated: string[]; kept: string[] } | undefined,
): string {
  const lines: string[] = [];
  for (const report of result.reports) {
    lines.push(`${report.source}: ${report.found.length === 0 ? 'nothing found' : report.found.join(', ')}`);
    for (const problem of report.problems) lines.push(`  ! ${problem.path}: ${problem.reason}`);
  }
  if (saved !== undefined) {
    lines.push('');
    lines.push(
      `added ${saved.added.length}, updated ${saved.updated.length}, kept ${saved.kept.length} (registered by hand or from another source)`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** A tool result as text: text blocks as they are, other blocks summarised. */
export function formatToolResult(result: {
  content?: unknown;
  structuredContent?: unknown;
  isError?: unknown;
}): string {
  const blocks = Array.isArray(result.content) ? (result.content as Array<Record<string, unknown>>) : [];
  const parts = blocks.map((block) => {
    switch (block.type) {
      case 'text':
        return String(block.text);
      case 'image':
      case 'audio':
        return `[${block.type} ${String(block.mimeType)}, ${typeof block.data === 'string' ? block.data.length : 0} base64 chars]`;
      case 'resource_link':
        return `[resource link ${String(block.uri)}]`;
      case 'resource': {
        const resource = (block.resource ?? {}) as Record<string, unknown>;
        return typeof resource.text === 'string' ? resource.text : `[resource ${String(resource.uri)}]`;
      }
      default:
        return JSON.stringify(block);
    }
  });
  if (parts.length === 0 && result.structuredContent !== undefined)
    parts.push(JSON.stringify(result.structuredContent, null, 2));
  const text = parts.join('\n');
  return text.endsWith('\n') ? text : `${text}\n`;
}
