import { defineConfig } from '@playwright/test';

/**
 * E2E tests in Debian's Chromium with fake media, against the real stack (livekit-server, agent worker,
 * demo page) that e2e/global-setup.ts starts on free loopback ports and stops afterwards.
 */
export default defineConfig({
  testDir: 'e2e',
  testMatch: /.*\.e2e\.ts$/,
  globalSetup: './e2e/global-setup.ts',
  workers: 1,
  fullyParallel: false,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  outputDir: 'test-results/artifacts',
});
