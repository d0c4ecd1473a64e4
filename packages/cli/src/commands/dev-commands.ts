/**
 * The dev commands: `mcp-factory dev`, hot reload behind one client connection.
 *
 * @module
 */
import { DevError, runDev } from '@mcp-factory/gateway';

import type { CommandTable } from '../command.js';
import { CliError } from '../errors.js';
import { DEV_USAGE, parseDevArgs } from './dev-args.js';
import { resolveDevProject } from './dev-target.js';

/** Commands by name. */
export const DEV_COMMANDS: CommandTable = {
  dev: {
    synopsis: 'dev [project | name] [-- cmd]',
    summary: 'run a server with hot reload behind one client connection (register this in the client)',
    async run(argv, { io, stdin, stdout, signal }) {
      const args = parseDevArgs(argv);
      if (args.help) {
        io.out(DEV_USAGE);
        return 0;
      }
      const root = await resolveDevProject(args.project, io);
      let session;
      try {
        session = await runDev({
          root,
          input: stdin,
          output: stdout,
          log: (text) => io.err(text),
          env: io.env,
          warmSpare: args.warm,
          ...(args.entry === undefined ? {} : { entry: args.entry }),
          ...(args.command === undefined ? {} : { command: args.command }),
          ...(args.graceMs === undefined ? {} : { graceMs: args.graceMs }),
          ...(args.debounceMs === undefined ? {} : { debounceMs: args.debounceMs }),
        });
      } catch (error) {
        if (error instanceof DevError && error.code === 'BAD_PROJECT') throw new CliError(error.message);
        throw error;
      }
      const stop = (): void => void session.close();
      signal?.addEventListener('abort', stop, { once: true });
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await session.closed;
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        signal?.removeEventListener('abort', stop);
      }
      return 0;
    },
  },
};
