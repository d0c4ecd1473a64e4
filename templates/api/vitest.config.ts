import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    // In-process servers log to stderr; keep test output readable. Spawned servers set their own level.
    // Servers the tests spawn journal into .test-state/ (git-ignored), not the user's state directory.
    env: { LOG_LEVEL: 'silent', MCP_FACTORY_STATE_HOME: fileURLToPath(new URL('.test-state', import.meta.url)) },
  },
});
