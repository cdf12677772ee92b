/**
 * The setup and teardown the remote-only fault tests share (e2e/stall.e2e.ts, e2e/reconnect.e2e.ts): a
 * Chromium whose fake mic loops a recording, a stack of the test's own (the test breaks it), and the demo
 * page talking to it with the client's own endpointing and no fallback.
 */
import type { Page } from '@playwright/test';
import { fixture, launchChromium } from './browser.ts';
import { openAndConnect, startFaultStack, type FaultStack } from './faults.ts';
import { waitForDemo } from './session-page.ts';

/**
 * Launches Chromium with `.fixtures/<wav>.wav` looping on its fake mic, starts a fault stack named `name`,
 * opens the demo in room `name` (`fallback=off`, `silenceMs=500`), connects and waits for `listening`, then
 * runs `test`. Prints the page's log (newest first) when anything throws; closes the browser and stops
 * the stack on every path.
 */
export async function withRemoteSession(
  name: string,
  wav: string,
  test: (fs: FaultStack, page: Page) => Promise<void>,
): Promise<void> {
  const browser = await launchChromium({ wav: fixture(wav), loop: true });
  let fs: FaultStack | null = null;
  let page: Page | null = null;
  try {
    fs = await startFaultStack(name);
    page = await browser.newPage();
    await openAndConnect(page, `${fs.stack.demo.url}?room=${name}&fallback=off&silenceMs=500`);
    await waitForDemo(page, "d.session?.state === 'listening'", 120_000);
    await test(fs, page);
  } catch (e) {
    if (page) {
      // Bounded: a page that never loaded the demo has no log to wait for (the error is what counts).
      const log = await page
        .locator('#log')
        .textContent({ timeout: 5000 })
        .catch(() => null);
      console.log(`page log (newest first):\n${log ?? ''}`);
    }
    throw e;
  } finally {
    await browser.close();
    await fs?.stop();
  }
}
