import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    // In-process servers log to stderr; keep test output readable. Spawned servers set their own level.
    env: { LOG_LEVEL: 'silent' },
  },
});
