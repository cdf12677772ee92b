/**
 * The walking skeleton, end to end: a fixture sentence through the fake mic, published over a real
 * livekit-server, committed by the button, answered by the agent's echo brain on its own track — and
 * the reply measured as non-silent samples on the agent's track inside the page.
 */
import { expect, test } from '@playwright/test';
import { demoUrl, fixture, launchChromium } from './browser.ts';

interface DemoWindow {
  sottoDemo: {
    session: {
      state: string;
      agentAudio(): { audibleFrames: number; framesSeen: number; peak: number; firstAudibleTime: number | null } | null;
    } | null;
    turns: { status?: string; serverMs?: number }[];
    errors: { code: string; message: string }[];
  };
}

test('a spoken turn gets an audible reply from the agent', async () => {
  const browser = await launchChromium({ wav: fixture('hello') });
  try {
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto(demoUrl());
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

    const clickedAt = Date.now();
    await page.click('#connect');
    await expect(page.locator('#state')).toHaveText('ready', { timeout: 30_000 });

    // The fixture speaks from 1.0 s to ~4.5 s after the mic opens; wait until it has been said.
    await page.waitForTimeout(Math.max(0, 5_200 - (Date.now() - clickedAt)));
    await page.click('#commit');

    await page.waitForFunction(() => (window as unknown as DemoWindow).sottoDemo.turns[0]?.status !== undefined, null, {
      timeout: 30_000,
    });
    const result = await page.evaluate(() => {
      const d = (window as unknown as DemoWindow).sottoDemo;
      return { turn: d.turns[0], audio: d.session?.agentAudio() ?? null, errors: d.errors };
    });
    expect(result.errors).toEqual([]);
    expect(result.turn?.status).toBe('completed');
    expect(result.turn?.serverMs).toBeGreaterThan(0);
    expect(result.audio).not.toBeNull();
    // The echo reply carries the ~3.4 s sentence plus a 120 ms chirp: well over a second is audible.
    const audibleSeconds = (result.audio?.audibleFrames ?? 0) / 48_000;
    console.log(
      `agent audio: ${audibleSeconds.toFixed(2)} s audible, peak ${result.audio?.peak.toFixed(3)}, server commit->first audio ${result.turn?.serverMs} ms`,
    );
    expect(audibleSeconds).toBeGreaterThan(1.5);
    expect(result.audio?.peak).toBeGreaterThan(0.05);
    expect(consoleErrors).toEqual([]);
    await page.screenshot({ path: 'test-results/demo-after-turn.png', fullPage: true });
  } finally {
    await browser.close();
  }
});
