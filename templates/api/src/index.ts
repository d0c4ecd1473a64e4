/**
 * The bin: serves over stdio by default; `--transport http` for Streamable HTTP at /mcp.
 * Run with --help for every option.
 */
import { runMain } from '@mcp-factory/runtime';

import { createApp } from './app.js';

void runMain(() => createApp());
