/**
 * The registry commands: `list`, `info`, `add`, `remove`, `discover`, `inspect`, `call`, `run`,
 * `export` — thin shells over `@mcp-factory/registry`. Registry errors print their message and
 * exit 1 (2 for an invalid name); usage errors are `CliError`s (exit 2).
 *
 * @module
 */
import { resolve as resolvePath } from 'node:path';

import {
  EXPORT_FORMATS,
  connectTarget,
  renderExport,
  resolveEntry,
  writeExport,
  type ExportFormat,
} from '@mcp-factory/registry';

import type { CommandTable } from '../command.js';
import { CliError } from '../errors.js';
import { add } from './registry-add.js';
import { toolArguments } from './registry-args.js';
import { discoverCommand } from './registry-discover.js';
import { formatInfo, formatList, formatToolResult } from './registry-print.js';
import { runHttpBridge, runStdio } from './registry-run.js';
import { baseEnv, catalogOf, command, inspectAndStore, one, warnMissing } from './registry-shared.js';

const list = command('list', {
  synopsis: 'list [--json]',
  summary: 'list registered MCP servers',
  usage: 'Options:\n  --json   print the entries as JSON\n',
  flags: { booleans: ['json'] },
  async run(args, { io }) {
    if (args.positionals.length > 0)
      throw new CliError(`list: unexpected argument ${JSON.stringify(args.positionals[0])}.`);
    const entries = await catalogOf(io).list();
    io.out(args.booleans.has('json') ? `${JSON.stringify(entries, null, 2)}\n` : formatList(entries));
    return 0;
  },
});

const info = command('info', {
  synopsis: 'info <name> [--json]',
  summary: "show a server's metadata, config, tools (with input schemas) and token size",
  usage: 'Options:\n  --json   print the entry as JSON\n',
  flags: { booleans: ['json'] },
  async run(args, { io }) {
    const entry = await catalogOf(io).get(one(args, 'name', 'info'));
    io.out(args.booleans.has('json') ? `${JSON.stringify(entry, null, 2)}\n` : formatInfo(entry));
    return 0;
  },
});

const remove = command('remove', {
  synopsis: 'remove <name>',
  summary: 'remove a server from the registry',
  usage: '',
  flags: {},
  async run(args, { io }) {
    const name = one(args, 'name', 'remove');
    const scopes = await catalogOf(io).remove(name);
    io.out(`Removed ${name} from the ${scopes.join(' and ')} registry.\n`);
    return 0;
  },
});

const inspect = command('inspect', {
  synopsis: 'inspect <name> [--accept]',
  summary: 'connect to a server and refresh its cached tools/resources/prompts (flags changed tools)',
  usage: `The first inspection pins a sha256 of each tool's definition. Later ones compare with the pins:
a changed definition is flagged (exit 1) and \`info\` shows the diff. --accept re-pins the current set.
Options:
  --accept   accept the current tool definitions as the new pins
  --json     print the inspection as JSON
`,
  flags: { booleans: ['accept', 'json'] },
  async run(args, { io }) {
    const {
      entry: updated,
      cache,
      changes,
    } = await inspectAndStore(catalogOf(io), one(args, 'name', 'inspect'), io, args.booleans.has('accept'));
    if (args.booleans.has('json')) {
      io.out(`${JSON.stringify({ name: updated.name, cache, changes }, null, 2)}\n`);
    } else {
      io.out(
        `${updated.name}: ${cache.serverInfo?.name ?? '?'} ${cache.serverInfo?.version ?? ''} (protocol ${cache.protocolVersion ?? '?'}) — ${cache.tools.length} tools, ${cache.resources.length} resources, ${cache.resourceTemplates.length} resource templates, ${cache.prompts.length} prompts; tools/list ${cache.toolsTokens} tokens\n`,
      );
      for (const change of changes) {
        io.out(
          `${change.kind === 'changed' ? 'WARNING: tool definition changed' : `tool ${change.kind}`}: ${change.tool}\n`,
        );
      }
      if (changes.length > 0)
        io.out(
          `See \`mcp-factory info ${updated.name}\`; accept with \`mcp-factory inspect ${updated.name} --accept\`.\n`,
        );
    }
    return changes.some((change) => change.kind === 'changed') ? 1 : 0;
  },
});

const call = command('call', {
  synopsis: "call <name> <tool> [--arg k=v]… [--json '{…}']",
  summary: 'start a server, call one tool, print the result (exit 1 on isError)',
  usage: `Options:
  --arg key=value   an argument (typed by the tool's schema when inspected; else JSON if it parses); repeatable
  --json '{…}'      all arguments as a JSON object (--arg values are applied on top)
  --raw             print the whole result as JSON
`,
  flags: { booleans: ['raw'], values: ['json'], lists: ['arg'] },
  async run(args, { io }) {
    const [name, tool, extra] = args.positionals;
    if (name === undefined || tool === undefined)
      throw new CliError("call: usage: call <name> <tool> [--arg k=v]… [--json '{…}'].");
    if (extra !== undefined) throw new CliError(`call: unexpected argument ${JSON.stringify(extra)}.`);
    const entry = await catalogOf(io).get(name);
    const schema = entry.cache?.tools.find((item) => item.name === tool)?.inputSchema;
    const toolArgs = toolArguments(args.lists.get('arg') ?? [], args.values.get('json'), schema);
    warnMissing(entry, io);
    const connection = await connectTarget(resolveEntry(entry, { env: io.env }), {
      baseEnv: baseEnv(io.env),
      label: entry.name,
    });
    try {
      let result: Awaited<ReturnType<typeof connection.client.callTool>>;
      try {
        result = await connection.client.callTool({ name: tool, arguments: toolArgs });
      } catch (error) {
        io.err(`mcp-factory call: ${entry.name} refused ${tool}: ${(error as Error).message}\n`);
        return 1;
      }
      io.out(args.booleans.has('raw') ? `${JSON.stringify(result, null, 2)}\n` : formatToolResult(result));
      if (result.isError === true) {
        io.err(`mcp-factory call: ${tool} returned an error result (isError).\n`);
        return 1;
      }
      return 0;
    } finally {
      await connection.close().catch(() => undefined);
    }
  },
});

const run = command('run', {
  synopsis: 'run <name> [--http --port N]',
  summary: 'run a registered server on this terminal’s stdio, or serve it over HTTP on 127.0.0.1',
  usage: `Without --http the server speaks MCP on this process's stdin/stdout (use \`mcp-factory run <name>\`
as a client's command). With --http it is served at http://127.0.0.1:<port>/mcp (JSON responses,
stateless; Host/Origin checked); --port 0 picks a free port, printed on stderr.
Options:
  --http        serve over Streamable HTTP
  --port <n>    port for --http (default 3000)
`,
  flags: { booleans: ['http'], values: ['port'] },
  async run(args, context) {
    const { io } = context;
    const portText = args.values.get('port');
    if (portText !== undefined && !args.booleans.has('http')) throw new CliError('run: --port needs --http.');
    const port = portText === undefined ? 3000 : /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
    if (!Number.isInteger(port) || port < 0 || port > 65_535)
      throw new CliError(`run: --port ${JSON.stringify(portText)} is not a port number.`);
    const entry = await catalogOf(io).get(one(args, 'name', 'run'));
    const target = resolveEntry(entry, { env: io.env, prefer: 'stdio' });
    if (target.kind === 'http') {
      io.err(`mcp-factory run: ${entry.name} is a remote server at ${target.url}; connect to it directly.\n`);
      return 1;
    }
    warnMissing(entry, io);
    // Stop the server with this process: on SIGINT/SIGTERM, or when the caller's signal aborts.
    const controller = new AbortController();
    const abort = (): void => controller.abort();
    context.signal?.addEventListener('abort', abort, { once: true });
    process.once('SIGINT', abort).once('SIGTERM', abort);
    const runIo = {
      stdin: context.stdin,
      stdout: context.stdout,
      err: (text: string) => io.err(text),
      baseEnv: { ...baseEnv(io.env) },
      signal: controller.signal,
    };
    try {
      return args.booleans.has('http')
        ? await runHttpBridge(target, port, runIo, entry.name)
        : await runStdio(target, runIo);
    } finally {
      process.off('SIGINT', abort).off('SIGTERM', abort);
      context.signal?.removeEventListener('abort', abort);
    }
  },
});

const exportCommand = command('export', {
  synopsis: 'export <name…> --to <format> [--file F]',
  summary: `write or print client config for servers (${EXPORT_FORMATS.join(', ')})`,
  usage: `Formats: claude-desktop, claude-code (.mcp.json), cursor (.cursor/mcp.json), vscode (.vscode/mcp.json),
server-json (one server, MCP Registry schema). Without --file the configuration is printed; with
--file it is merged into the file (its comments and other servers are kept; a server it already has
with other settings is refused unless --replace). Values of variables are never written: references
(\${VAR}, \${env:VAR}, \${input:VAR}) or placeholders are.
Options:
  --to <format>
  --file <path>
  --replace     overwrite servers of the same name in --file
`,
  flags: { values: ['to', 'file'], booleans: ['replace'] },
  async run(args, { io }) {
    const format = args.values.get('to');
    if (format === undefined || !(EXPORT_FORMATS as readonly string[]).includes(format)) {
      throw new CliError(`export: --to must be one of ${EXPORT_FORMATS.join(', ')}.`);
    }
    if (args.positionals.length === 0) throw new CliError('export: name at least one server.');
    if (format === 'server-json' && args.positionals.length > 1)
      throw new CliError(`export: server-json describes one server; got ${args.positionals.length}.`);
    if (args.values.get('file')?.trim() === '') throw new CliError('export: --file needs a path.');
    const catalog = catalogOf(io);
    const entries = [];
    for (const name of args.positionals) entries.push(await catalog.get(name));
    const rendered = renderExport(entries, format as ExportFormat);
    for (const warning of rendered.warnings) io.err(`mcp-factory export: ${warning}\n`);
    const file = args.values.get('file');
    if (file === undefined) {
      io.out(`${JSON.stringify(rendered.document, null, 2)}\n`);
    } else {
      const path = resolvePath(io.cwd, file);
      await writeExport(rendered, path, { replace: args.booleans.has('replace') });
      io.out(`Wrote ${entries.map((entry) => entry.name).join(', ')} to ${path} (${format}).\n`);
    }
    return 0;
  },
});

// `test <name>` (./test-commands.ts) resolves names the way the registry commands do.
export { resolveRegistryName } from './registry-shared.js';

/** Commands by name. */
export const REGISTRY_COMMANDS: CommandTable = {
  list,
  info,
  add,
  remove,
  discover: discoverCommand,
  inspect,
  call,
  run,
  export: exportCommand,
};
