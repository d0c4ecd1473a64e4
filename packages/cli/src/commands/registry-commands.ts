/**
 * The registry commands: `list`, `info`, `add`, `remove`, `discover`, `inspect`, `call`, `run`,
 * `export` — thin shells over `@mcp-factory/registry`. Registry errors print their message and
 * exit 1 (2 for an invalid name); usage errors are `CliError`s (exit 2).
 *
 * @module
 */
import { homedir } from 'node:os';
import { resolve as resolvePath } from 'node:path';

import {
  Catalog,
  EXPORT_FORMATS,
  applyInspection,
  connectTarget,
  discover,
  inspectTarget,
  isRegistryError,
  missingConfig,
  renderExport,
  resolveEntry,
  validateName,
  writeExport,
  headerEnvName,
  type ExportFormat,
  type NewEntry,
  type ResolvedTarget,
  type ScopedEntry,
} from '@mcp-factory/registry';

import type { CommandContext, CommandSpec, CommandTable } from '../command.js';
import { CliError } from '../errors.js';
import type { Io } from '../io.js';
import { parseArgs, toolArguments, type FlagSpec, type ParsedArgs } from './registry-args.js';
import { formatDiscovery, formatInfo, formatList, formatToolResult } from './registry-print.js';
import { runHttpBridge, runStdio } from './registry-run.js';

/** Variables a spawned server gets besides its declared ones (the SDK's safe list, plus the state home). */
const BASE_ENV = [
  'HOME',
  'LOGNAME',
  'PATH',
  'SHELL',
  'TERM',
  'USER',
  'TMPDIR',
  'LANG',
  'MCP_FACTORY_STATE_HOME',
  'XDG_STATE_HOME',
];

function baseEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(BASE_ENV.flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]]])));
}

function catalogOf(io: Io): Catalog {
  return new Catalog({ env: io.env, cwd: io.cwd, home: io.env.HOME ?? homedir() });
}

/**
 * The registered server `name` as something to start or reach: its declared variables from the
 * environment plus the base environment (PATH, HOME, …) — what `run`, `call` and `test` use.
 */
export async function resolveRegistryName(name: string, io: Io): Promise<ResolvedTarget> {
  const entry = await catalogOf(io).get(name);
  const target = resolveEntry(entry, { env: io.env });
  return target.kind === 'stdio' ? { ...target, env: { ...baseEnv(io.env), ...target.env } } : target;
}

interface Spec {
  synopsis: string;
  summary: string;
  usage: string;
  flags: FlagSpec;
  run(args: ParsedArgs, context: CommandContext): Promise<number>;
}

/** Wraps a command: parses flags, prints `--help`, turns registry errors into messages. */
function command(name: string, spec: Spec): CommandSpec {
  return {
    synopsis: spec.synopsis,
    summary: spec.summary,
    async run(rawArgs, context) {
      const args = parseArgs(rawArgs, spec.flags, name);
      if (args.booleans.has('help')) {
        context.io.out(`Usage: mcp-factory ${spec.synopsis}\n\n${spec.summary}\n\n${spec.usage}`);
        return 0;
      }
      try {
        return await spec.run(args, context);
      } catch (error) {
        if (!isRegistryError(error)) throw error;
        context.io.err(`mcp-factory ${name}: ${error.message}\n`);
        return error.code === 'INVALID_NAME' ? 2 : 1;
      }
    },
  };
}

function one(args: ParsedArgs, what: string, command: string): string {
  const [value, extra] = args.positionals;
  if (value === undefined) throw new CliError(`${command}: missing <${what}>.`);
  if (extra !== undefined) throw new CliError(`${command}: unexpected argument ${JSON.stringify(extra)}.`);
  return value;
}

function warnMissing(entry: ScopedEntry, io: Io): void {
  const missing = missingConfig(entry, io.env);
  if (missing.length > 0)
    io.err(`mcp-factory: ${entry.name} needs ${missing.join(', ')} in the environment; starting anyway.\n`);
}

const list = command('list', {
  synopsis: 'list [--json]',
  summary: 'list registered MCP servers',
  usage: 'Options:\n  --json   print the entries as JSON\n',
  flags: { booleans: ['json'] },
  async run(args, { io }) {
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

const add = command('add', {
  synopsis: 'add <name> -- <command> [args…] | add <name> --url <url>',
  summary: 'register a server by hand (stdio command or Streamable HTTP URL)',
  usage: `Options:
  --url <url>           a Streamable HTTP server
  --header NAME[=VAR]   a header whose value comes from $VAR at connection time (default VAR: NAME
                        uppercased, e.g. X-Api-Key → X_API_KEY); repeatable
  --env NAME            an environment variable passed to a stdio server when set; repeatable
  --secret NAME         like --env, but required and secret; repeatable
  --cwd <dir>           working directory of a stdio server
  --description <text>
  --project             store in ./.mcp-factory/registry.json instead of the user registry
  --replace             replace an existing entry of that name
Values are never stored, only names.
`,
  flags: {
    booleans: ['project', 'replace'],
    values: ['url', 'cwd', 'description'],
    lists: ['header', 'env', 'secret'],
  },
  async run(args, { io }) {
    const name = validateName(one(args, 'name', 'add'));
    const url = args.values.get('url');
    const command = args.rest ?? [];
    if ((url === undefined) === (command.length === 0)) {
      throw new CliError('add: give either `-- <command> [args…]` or `--url <url>` (exactly one).');
    }
    const envNames = [...(args.lists.get('env') ?? []), ...(args.lists.get('secret') ?? [])];
    for (const variable of envNames) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable))
        throw new CliError(`add: --env ${JSON.stringify(variable)} is not a variable name (values are never stored).`);
    }
    const secrets = new Set(args.lists.get('secret') ?? []);
    const config: NewEntry['config'] = envNames.map((variable) => ({
      name: variable,
      required: secrets.has(variable),
      secret: secrets.has(variable),
    }));
    let transport: NewEntry['transports'][number];
    if (url !== undefined) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new CliError(`add: --url ${JSON.stringify(url)} is not a URL.`);
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
        throw new CliError('add: --url must be http(s).');
      const headers = (args.lists.get('header') ?? []).map((spec) => {
        const [header = '', variable = headerEnvName(header)] = spec.split('=', 2);
        if (!/^[A-Za-z0-9-]+$/.test(header) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
          throw new CliError(`add: --header expects NAME or NAME=VARIABLE, got ${JSON.stringify(spec)}.`);
        }
        return { name: header, env: variable };
      });
      for (const header of headers)
        config.push({
          name: header.env,
          description: `value of the ${header.name} header`,
          required: true,
          secret: true,
        });
      transport = { type: 'http', url, headers };
    } else {
      const [program = '', ...programArgs] = command;
      const cwd = args.values.get('cwd');
      transport = {
        type: 'stdio',
        command: program,
        args: programArgs,
        env: envNames,
        ...(cwd === undefined ? {} : { cwd: resolvePath(io.cwd, cwd) }),
      };
    }
    const description = args.values.get('description');
    const entry = await catalogOf(io).add(
      {
        name,
        ...(description === undefined ? {} : { description }),
        transports: [transport],
        origin: { source: 'manual' },
        config,
      },
      { scope: args.booleans.has('project') ? 'project' : 'user', replace: args.booleans.has('replace') },
    );
    io.out(`Added ${entry.name} to the ${entry.scope} registry. Next: mcp-factory inspect ${entry.name}\n`);
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

const discoverCommand = command('discover', {
  synopsis: 'discover [--json] [--dry-run]',
  summary: 'find servers in factory projects, node_modules, server.json and client configs',
  usage: `Looks in the current folder (a factory project and its sub-folders, node_modules, server.json,
.mcp.json, .cursor/mcp.json, .vscode/mcp.json) and the user's client configs (~/.claude.json,
~/.cursor/mcp.json, Claude Desktop). Each source's problems are reported and never stop the others.
Options:
  --dry-run   report without registering
  --project   register into ./.mcp-factory/registry.json
  --json      print the result as JSON
`,
  flags: { booleans: ['json', 'dry-run', 'project'] },
  async run(args, { io }) {
    if (args.positionals.length > 0) throw new CliError('discover: takes no arguments.');
    const result = await discover({ cwd: io.cwd, home: io.env.HOME ?? homedir(), env: io.env });
    let saved: { added: string[]; updated: string[]; kept: string[] } | undefined;
    if (!args.booleans.has('dry-run')) {
      saved = { added: [], updated: [], kept: [] };
      const catalog = catalogOf(io);
      const scope = args.booleans.has('project') ? 'project' : 'user';
      for (const server of result.servers) {
        const existing = await catalog.find(server.name);
        if (existing === undefined) {
          await catalog.add(server, { scope });
          saved.added.push(server.name);
        } else if (existing.origin.source === server.origin.source && existing.origin.path === server.origin.path) {
          // Same origin: refresh what the source says, keep the cache and pins.
          await catalog.modify(server.name, (entry) => {
            entry.transports = server.transports as typeof entry.transports;
            entry.config = (server.config ?? []) as typeof entry.config;
            if (server.description !== undefined) entry.description = server.description;
            if (server.version !== undefined) entry.version = server.version;
          });
          saved.updated.push(server.name);
        } else {
          saved.kept.push(server.name);
        }
      }
    }
    io.out(
      args.booleans.has('json')
        ? `${JSON.stringify({ ...result, ...(saved === undefined ? {} : { saved }) }, null, 2)}\n`
        : formatDiscovery(result, saved),
    );
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
    const catalog = catalogOf(io);
    const entry = await catalog.get(one(args, 'name', 'inspect'));
    warnMissing(entry, io);
    const inspection = await inspectTarget(resolveEntry(entry, { env: io.env }), {
      baseEnv: baseEnv(io.env),
      label: entry.name,
    });
    let changes: ReturnType<typeof applyInspection> = [];
    const updated = await catalog.modify(entry.name, (stored) => {
      changes = applyInspection(stored, inspection, { accept: args.booleans.has('accept') });
    });
    const cache = inspection.cache;
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
    const entry = await catalogOf(io).get(one(args, 'name', 'run'));
    const target = resolveEntry(entry, { env: io.env, prefer: 'stdio' });
    if (target.kind === 'http') {
      io.err(`mcp-factory run: ${entry.name} is a remote server at ${target.url}; connect to it directly.\n`);
      return 1;
    }
    warnMissing(entry, io);
    const portText = args.values.get('port');
    if (portText !== undefined && !args.booleans.has('http')) throw new CliError('run: --port needs --http.');
    const port = portText === undefined ? 3000 : Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65_535)
      throw new CliError(`run: --port ${JSON.stringify(portText)} is not a port number.`);
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
--file it is merged into the file (its comments and other servers are kept). Values of variables are
never written: references (\${VAR}, \${env:VAR}, \${input:VAR}) or placeholders are.
Options:
  --to <format>
  --file <path>
`,
  flags: { values: ['to', 'file'] },
  async run(args, { io }) {
    const format = args.values.get('to');
    if (format === undefined || !(EXPORT_FORMATS as readonly string[]).includes(format)) {
      throw new CliError(`export: --to must be one of ${EXPORT_FORMATS.join(', ')}.`);
    }
    if (args.positionals.length === 0) throw new CliError('export: name at least one server.');
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
      await writeExport(rendered, path);
      io.out(`Wrote ${entries.map((entry) => entry.name).join(', ')} to ${path} (${format}).\n`);
    }
    return 0;
  },
});

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
