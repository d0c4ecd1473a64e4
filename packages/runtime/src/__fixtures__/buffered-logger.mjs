// A process that logs through the runtime's default (buffered) stderr logger, for
// ../logger.test.ts: `node buffered-logger.mjs <lines> <exit|return|throw>` writes <lines> lines,
// fewer bytes than one batch, then ends by process.exit(), by returning, or by an uncaught error.
import process from 'node:process';

import { createLogger } from '../logger.js';

const [count, how] = process.argv.slice(2);
const logger = createLogger({ level: 'info', base: { server: 'fixture' } });
for (let index = 0; index < Number(count); index++) logger.info({ index }, 'line');
if (how === 'exit') process.exit(0);
if (how === 'throw') throw new Error('fixture failure');
