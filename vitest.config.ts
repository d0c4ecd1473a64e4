import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          // E2e files install, build and spawn real projects, and several build the same template
          // folders: run them one at a time, which also keeps timing-sensitive checks off a
          // saturated 2-core machine.
          fileParallelism: false,
          // Servers the suites start journal by default into the state home: keep it in .tmp/, not ~.
          env: { MCP_FACTORY_STATE_HOME: fileURLToPath(new URL('.tmp/state', import.meta.url)) },
        },
      },
    ],
  },
});
