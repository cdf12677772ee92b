/**
 * Starts the whole stack once for the e2e run on free ports, and returns the teardown that stops it.
 * Tests find it through SOTTO_E2E_* environment variables.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeTcpPort, freeUdpPort, startStack } from '../scripts/stack/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export default async function globalSetup(): Promise<() => Promise<void>> {
  const t0 = performance.now();
  const rtcPort = await freeUdpPort();
  const stack = await startStack({
    root,
    // One folder per run, so two runs side by side (or a helper's run) never share logs or pid files.
    runDir: join(root, 'test-results', `stack-${process.pid}`),
    livekitPort: await freeTcpPort(),
    rtcPort,
    demoPort: await freeTcpPort(),
    // No file watching: an edit elsewhere (or a formatter) must not reload a page mid-test.
    watch: false,
  });
  process.env.SOTTO_E2E_DEMO_URL = stack.demo.url;
  process.env.SOTTO_E2E_LIVEKIT_URL = stack.livekit.url;
  process.env.SOTTO_E2E_RUN_DIR = stack.runDir;
  process.env.SOTTO_E2E_RTC_PORT = String(rtcPort); // e2e/netem.e2e.ts relays it into a namespace
  console.log(`[e2e] stack up in ${((performance.now() - t0) / 1000).toFixed(1)} s at ${stack.demo.url}`);
  const stop = async (): Promise<void> => {
    await stack.stop();
  };
  // Playwright runs the teardown on normal ends and on Ctrl-C; a hard kill is covered by the pid files.
  return stop;
}
