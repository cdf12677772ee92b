import { defineConfig } from 'vitest/config';

// Unit tests: pure cores and Node-side modules, next to their sources. Browser tests live in e2e/.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'server/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['./vitest.setup.ts'],
  },
});
