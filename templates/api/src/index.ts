/**
 * The bin: serves over stdio by default; `--transport http` for Streamable HTTP at /mcp.
 * Run with --help for every option.
 *
 * Every call is journaled (see OPERATIONS.md): to `MCP_JOURNAL_DIR` when set, else to this
 * server's folder in the user's state directory (`mcp-factory logs <name>` reads it there);
 * `MCP_JOURNAL=off` turns it off.
 */
import { defaultJournalDir, journalOptionsFromEnv, runMain } from '@mcp-factory/runtime';

import pkg from '../package.json' with { type: 'json' };
import { createApp } from './app.js';

void runMain(() =>
  createApp({ journal: journalOptionsFromEnv(process.env, { dir: defaultJournalDir(pkg.name) }) ?? false }),
);
