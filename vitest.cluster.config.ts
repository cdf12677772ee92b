import { defineConfig } from 'vitest/config';

/**
 * The cluster test: redis-server, two livekit-server nodes, the front and two agent workers (started by
 * the test file itself), driven by @livekit/rtc-node clients. Its own stage of `npm test`.
 * Run: `npx vitest run -c vitest.cluster.config.ts`.
 */
export default defineConfig({
  test: {
    include: ['server/cluster/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['./vitest.setup.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 180_000,
    env: { SOTTO_CLUSTER_TEST: '1' },
  },
});
