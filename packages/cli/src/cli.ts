#!/usr/bin/env node
// The bin: the only place that touches the real process (argv, terminal, exit code).
import { processIo } from './io.js';
import { main } from './main.js';
import { clackPrompter } from './prompter.js';

process.exitCode = await main(process.argv.slice(2), { io: processIo(), prompter: clackPrompter() });
