/**
 * The walking skeleton, end to end: a fixture sentence through the fake mic, published over a real
 * livekit-server, committed by the button, answered by the agent's echo brain on its own track — and
 * the reply measured as non-silent samples on the agent's track inside the page.
 */
import { expect, test } from '@playwright/test';
import { demoUrl, fixture, launchChromium } from './browser.ts';
import { spokenTurn } from './demo-page.ts';
import { unexpectedErrors } from './session-page.ts';

for (const endpointing of ['client', 'manual'] as const)
  test(`a spoken turn gets an audible reply from the agent (${endpointing} endpointing)`, async () => {
    const browser = await launchChromium({ wav: fixture('hello') });
    try {
      const page = await browser.newPage();
      const consoleErrors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      page.on('pageerror', (e) => consoleErrors.push(String(e)));
      const r = await spokenTurn(page, demoUrl(), endpointing);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      console.log(
        `ready in ${r.readyMs} ms; agent audio ${r.audibleSeconds.toFixed(2)} s audible, peak ${r.peak.toFixed(3)}; server commit->first audio ${r.serverMs} ms`,
      );
      expect(unexpectedErrors(r.errors)).toEqual([]);
      expect(r.status).toBe('completed');
      expect(r.serverMs).toBeGreaterThan(0);
      // The echo reply carries the ~3.4 s sentence plus a 120 ms chirp: well over a second is audible.
      expect(r.audibleSeconds).toBeGreaterThan(1.5);
      expect(r.peak).toBeGreaterThan(0.05);
      expect(consoleErrors).toEqual([]);
      // The data-channel heartbeat (sotto.heartbeat) has measured the round trip on this loopback link.
      const health = await page.evaluate(
        () =>
          (
            window as unknown as {
              sottoDemo: { session: { transport: { health: { level: string; rttMs: number | null } } } };
            }
          ).sottoDemo.session.transport.health,
      );
      console.log(`health: ${JSON.stringify(health)}`);
      expect(health.level).toBe('healthy');
      expect(health.rttMs).not.toBeNull();
      expect(health.rttMs ?? Infinity).toBeLessThan(500);
      await page.screenshot({ path: `test-results/demo-after-turn-${endpointing}.png`, fullPage: true });
    } finally {
      await browser.close();
    }
  });
