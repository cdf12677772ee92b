import { defineConfig } from 'vitest/config';

/**
 * Node integration tests: a real livekit-server and the agent worker (started once by the global
 * setup, stopped by its teardown), driven by @livekit/rtc-node clients. No browser.
 * Run: `npx vitest run -c vitest.integration.config.ts`.
 */
export default defineConfig({
  test: {
    include: ['server/integration/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['./server/integration/global-setup.ts'],
    setupFiles: ['./vitest.setup.ts'],
    // One stack, one file at a time: the machine has 2 cores and the tests measure latency.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 90_000,
    env: { SOTTO_INTEGRATION: '1' },
  },
});
