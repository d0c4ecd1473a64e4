// A small server for the process tests in main.test.ts. It imports the runtime's source: the test
// bundles this file with esbuild (which resolves `../index.js` to `../index.ts`, dependencies left
// external) into a temporary folder inside the repository, then runs the bundle with `node`.
import console from 'node:console';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';

import { createServer, defineTool, runMain, z } from '../index.js';

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

const app = createServer({
  name: 'fixture',
  version: '9.8.7',
  tools: [
    defineTool({
      name: 'echo',
      description: 'Echoes its text',
      input: z.object({ text: z.string() }),
      run: ({ text }) => text,
    }),
    defineTool({
      name: 'noisy',
      description: 'Writes to stdout the way careless code does',
      run: () => {
        // eslint-disable-next-line no-restricted-properties -- the point of this tool: careless code writing to stdout
        console.log('stray console.log');
        process.stdout.write('stray stdout.write\n');
        return 'noisy done';
      },
    }),
    defineTool({
      name: 'sleep',
      description: 'Sleeps, honouring its signal',
      input: z.object({ ms: z.number() }),
      run: async ({ ms }, ctx) => {
        ctx.log.info({ tool: 'sleep' }, 'tool started');
        await sleep(ms, ctx.signal);
        return `slept ${ms}`;
      },
    }),
    defineTool({
      name: 'stubborn',
      description: 'Never finishes and ignores its signal',
      run: (_args, ctx) => {
        ctx.log.info({ tool: 'stubborn' }, 'tool started');
        return new Promise(() => undefined);
      },
    }),
  ],
});

await runMain(app);
