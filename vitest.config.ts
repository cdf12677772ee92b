import { configDefaults, defineConfig } from 'vitest/config';

// Unit tests: pure cores and Node-side modules, next to their sources. Browser tests live in e2e/.
export default defineConfig({
  test: {
    include: [
      'src/**/*.test.ts',
      'server/**/*.test.ts',
      'packages/**/*.test.ts',
      'scripts/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    // Node integration tests against a real livekit-server run in their own stages (vitest.integration.config.ts,
    // vitest.cluster.config.ts).
    exclude: [...configDefaults.exclude, 'server/integration/**', 'server/cluster/**'],
    environment: 'node',
    setupFiles: ['./vitest.setup.ts'],
  },
});
