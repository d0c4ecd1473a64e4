/**
 * The gateway commands: `mcp-factory gateway` serves the servers of a client config file behind
 * one MCP connection (see @mcp-factory/gateway).
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';

import {
  createGateway,
  configFileSource,
  DEFAULT_CONFIG_FILE,
  isGatewayError,
  registrySource,
  serveDirectHttpRelay,
  serveDirectStdio,
  type GatewayOptions,
  type ServerSource,
} from '@mcp-factory/gateway';
import {
  capHeapGrowth,
  ConfigError,
  factoryStateHome,
  parseCommandLine,
  serve,
  serveOptionsFrom,
} from '@mcp-factory/runtime';

import type { CommandContext, CommandTable } from '../command.js';
import { CliError } from '../errors.js';
import { GATEWAY_USAGE, parseGatewayArgs } from './gateway-args.js';

/** `--config FILE`, else `.mcp.json` in the working folder, else the registry. */
function sourceFor(config: string | undefined, context: CommandContext): ServerSource {
  const { cwd, env } = context.io;
  if (config !== undefined || existsSync(join(cwd, DEFAULT_CONFIG_FILE))) return configFileSource(config, cwd);
  return registrySource({ catalog: { env, cwd, home: env.HOME ?? homedir() }, env });
}

/** Resolves when the context's signal aborts or the process gets SIGINT/SIGTERM. */
function stopRequested(context: CommandContext): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    context.signal?.addEventListener('abort', done, { once: true });
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

async function runGateway(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseGatewayArgs(argv);
  if (args.help) {
    context.io.out(GATEWAY_USAGE);
    return 0;
  }
  let parsed;
  try {
    parsed = parseCommandLine(args.serveArgs, context.io.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
  if (parsed.kind !== 'serve') throw new CliError(`unsupported option; see mcp-factory gateway --help`);
  const serveOptions = parsed.options;
  try {
    capHeapGrowth(context.io.env, 'MCP_GATEWAY_HEAP_GROWING_PERCENT');
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const stateHome = factoryStateHome(context.io.env);
  const options: GatewayOptions = {
    source: sourceFor(args.config, context),
    expose: args.expose,
    stateHome,
    access: {
      allowServers: args.allowServers,
      denyServers: args.denyServers,
      allowTools: args.allowTools,
      denyTools: args.denyTools,
    },
    ...(args.idleMs === undefined ? {} : { idleMs: args.idleMs }),
    ...(args.timeoutMs === undefined ? {} : { requestTimeoutMs: args.timeoutMs }),
    ...(args.install && args.expose === 'meta' ? { installDir: join(stateHome, 'gateway', 'servers') } : {}),
    ...(args.factory && args.expose === 'meta'
      ? {
          factory: {
            projectsDir: join(stateHome, 'gateway', 'projects'),
            factoryVersion: context.factoryVersion,
            env: context.io.env,
            ...(context.templatesRoot === undefined ? {} : { templatesRoot: context.templatesRoot }),
          },
        }
      : {}),
  };
  const gateway = createGateway(options);
  try {
    await gateway.init();
  } catch (error) {
    if (isGatewayError(error)) {
      context.io.err(`mcp-factory gateway: ${error.message}\n`);
      return error.code === 'GATEWAY_USAGE' ? 2 : 1;
    }
    throw error;
  }
  const serveApp = serveOptionsFrom(serveOptions);
  const { stdin, stdout } = context;
  if (!(stdin instanceof Readable) || !(stdout instanceof Writable)) {
    throw new Error('the gateway needs Node streams for stdin and stdout');
  }
  if (serveApp.transport === 'stdio') {
    // --expose direct over a stdio server: the frame relay, no SDK round per message.
    const passthrough = serveDirectStdio(gateway, { input: stdin, output: stdout });
    if (passthrough !== undefined) {
      gateway.app.logger.info({ expose: 'direct', relay: 'passthrough' }, 'gateway serving on stdio');
      await Promise.race([passthrough.closed, stopRequested(context)]);
      await passthrough.close();
      await gateway.close();
      return 0;
    }
  }
  if (serveApp.transport === 'http') {
    // --expose direct over a stdio server, stateless: the HTTP relay, no SDK round per request.
    const { transport: _transport, ...httpOptions } = serveApp;
    const relay = await serveDirectHttpRelay(gateway, httpOptions);
    if (relay !== undefined) {
      gateway.app.logger.info({ url: relay.url, expose: 'direct', relay: 'http' }, 'server started');
      await stopRequested(context);
      await relay.close();
      await gateway.close();
      return 0;
    }
  }
  const handle = await serve(
    gateway.app,
    serveApp.transport === 'stdio' ? { ...serveApp, input: stdin, output: stdout } : serveApp,
  );
  if (handle.transport === 'http') {
    gateway.app.logger.info(
      { url: handle.url, expose: gateway.expose, servers: gateway.servers().length },
      'server started',
    );
    await stopRequested(context);
  } else {
    gateway.app.logger.info({ expose: gateway.expose, servers: gateway.servers().length }, 'gateway serving on stdio');
    await Promise.race([handle.closed, stopRequested(context)]);
  }
  await handle.close({ graceMs: serveOptions.shutdownGraceMs });
  await gateway.close();
  return 0;
}

/** Commands by name. */
export const GATEWAY_COMMANDS: CommandTable = {
  gateway: {
    synopsis: 'gateway [--config FILE] [--expose meta|all|direct] [--http]',
    summary: 'serve many MCP servers behind one connection (meta-tools, namespaced, or direct)',
    run: runGateway,
  },
};
