/**
 * Parsing of `mcp-factory gateway`'s arguments: the gateway's own flags, and everything else
 * handed to the runtime's server options (`--port`, `--host`, `--stateful`, auth, rate limits…).
 *
 * @module
 */
import { CliError } from '../errors.js';

/** Usage of `mcp-factory gateway`. */
export const GATEWAY_USAGE = `Usage: mcp-factory gateway [options]

Serves many MCP servers behind one connection (stdio by default).

Servers: --config FILE (a .mcp.json, Claude Desktop, Cursor or VS Code mcp.json), else .mcp.json here,
else the servers in the mcp-factory registry (mcp-factory list).

Options:
  --config FILE          client config file listing the servers
  --expose MODE          meta (default: search_tools/call_tool/... meta-tools),
                         all (every tool as server__tool), direct (one server, unrenamed)
  --http                 serve Streamable HTTP (with --port, --host, --stateful, auth and
                         rate-limit options of the runtime; see a generated server's --help)
  --allow-server NAME    only these servers (repeatable; * wildcards)
  --deny-server NAME     never these servers (repeatable)
  --allow-tool S/T       only these tools, as server/tool (repeatable; * wildcards)
  --deny-tool S/T        never these tools (repeatable)
  --idle-ms N            stop a server idle this long (default 600000; 0 never)
  --timeout-ms N         deadline of one downstream call (default 30000)
  --no-install           do not offer the install_server meta-tool
  --factory              also offer create_server (generate, install and build a server from a
                         template, then serve it) and test_server (black-box test a server)
  -h, --help             show this help
`;

/** Runtime options that take no value. */
const RUNTIME_BOOLEANS = new Set(['--stateful']);

/** What the command line asked for. */
export interface GatewayArgs {
  help: boolean;
  config: string | undefined;
  expose: 'meta' | 'all' | 'direct';
  allowServers: string[];
  denyServers: string[];
  allowTools: string[];
  denyTools: string[];
  idleMs: number | undefined;
  timeoutMs: number | undefined;
  install: boolean;
  /** Offer create_server and test_server. */
  factory: boolean;
  /** Arguments for the runtime's `parseCommandLine` (transport, port, security). */
  serveArgs: string[];
}

/** Longest delay a Node timer takes (about 24.8 days); longer ones fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

function integer(flag: string, text: string | undefined, min: number): number {
  if (text === undefined || !/^\d+$/.test(text)) throw new CliError(`${flag} needs a whole number of milliseconds`);
  const value = Number(text);
  if (value < min || value > MAX_TIMER_MS)
    throw new CliError(`${flag} must be between ${min} and ${MAX_TIMER_MS} ms, got ${text}`);
  return value;
}

function nonEmpty(flag: string, text: string): string {
  if (text.trim() === '') throw new CliError(`${flag} needs a server name or pattern`);
  return text;
}

/** Parses `gateway` arguments; throws `CliError` on bad usage. */
export function parseGatewayArgs(argv: readonly string[]): GatewayArgs {
  const args: GatewayArgs = {
    help: false,
    config: undefined,
    expose: 'meta',
    allowServers: [],
    denyServers: [],
    allowTools: [],
    denyTools: [],
    idleMs: undefined,
    timeoutMs: undefined,
    install: true,
    factory: false,
    serveArgs: [],
  };
  const once = new Set(['--config', '--expose', '--idle-ms', '--timeout-ms']);
  const seen = new Set<string>();
  for (let index = 0; index < argv.length; index += 1) {
    const raw = argv[index] ?? '';
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const flag = eq === -1 ? raw : raw.slice(0, eq);
    if (once.has(flag)) {
      if (seen.has(flag)) throw new CliError(`${flag} was given twice; give it once`);
      seen.add(flag);
    }
    const value = (): string => {
      if (eq !== -1) return raw.slice(eq + 1);
      const next = argv[index + 1];
      if (next === undefined || next.startsWith('--')) throw new CliError(`${flag} needs a value`);
      index += 1;
      return next;
    };
    switch (flag) {
      case '-h':
      case '--help':
        args.help = true;
        break;
      case '--config':
        args.config = value();
        break;
      case '--expose': {
        const mode = value();
        if (mode !== 'meta' && mode !== 'all' && mode !== 'direct') {
          throw new CliError(`--expose must be meta, all or direct, got ${JSON.stringify(mode)}`);
        }
        args.expose = mode;
        break;
      }
      case '--http':
        args.serveArgs.push('--transport', 'http');
        break;
      case '--allow-server':
        args.allowServers.push(nonEmpty(flag, value()));
        break;
      case '--deny-server':
        args.denyServers.push(nonEmpty(flag, value()));
        break;
      case '--allow-tool':
        args.allowTools.push(value());
        break;
      case '--deny-tool':
        args.denyTools.push(value());
        break;
      case '--idle-ms':
        args.idleMs = integer(flag, value(), 0);
        break;
      case '--timeout-ms':
        args.timeoutMs = integer(flag, value(), 1);
        break;
      case '--no-install':
        args.install = false;
        break;
      case '--factory':
        args.factory = true;
        break;
      default:
        if (!raw.startsWith('-')) throw new CliError(`unexpected argument ${JSON.stringify(raw)}\n\n${GATEWAY_USAGE}`);
        // A runtime option (see the runtime's parseCommandLine): forwarded with its value.
        args.serveArgs.push(raw);
        if (eq === -1 && raw.startsWith('--') && !RUNTIME_BOOLEANS.has(raw)) {
          const next = argv[index + 1];
          if (next !== undefined && !next.startsWith('--')) {
            args.serveArgs.push(next);
            index += 1;
          }
        }
    }
  }
  for (const pattern of [...args.allowTools, ...args.denyTools]) {
    if (!pattern.includes('/')) throw new CliError(`tool patterns are server/tool, got ${JSON.stringify(pattern)}`);
  }
  if (args.factory && args.expose !== 'meta')
    throw new CliError('--factory adds meta-tools (create_server, test_server): it needs --expose meta');
  return args;
}
