/**
 * The bin: serves over stdio by default; `--transport http` for Streamable HTTP at /mcp, and
 * `--stateful` for sessions (needed by 2025-era clients for sampling, elicitation, subscriptions
 * and resumable streams over HTTP). Run with --help for every option.
 */
import { runMain } from '@mcp-factory/runtime';

import { createApp } from './app.js';

void runMain(() => createApp());
