/** Drives the demo page through one spoken turn and reads back what the page measured. */
import type { Page } from '@playwright/test';

export interface DemoWindow {
  sottoDemo: {
    session: {
      state: string;
      agentAudio(): { audibleFrames: number; framesSeen: number; peak: number; firstAudibleTime: number | null } | null;
    } | null;
    turns: { status?: string; serverMs?: number }[];
    errors: { code: string; message: string }[];
    states: string[];
  };
}

export interface TurnResult {
  status: string | undefined;
  serverMs: number | undefined;
  audibleSeconds: number;
  peak: number;
  errors: { code: string; message: string }[];
  /** Milliseconds from the Connect click to the `listening` state. */
  readyMs: number;
}

/**
 * Connects, lets the `hello` fixture (speech from 1.0 s to ~4.5 s after the mic opens) be said, and waits
 * for the response to finish. With client endpointing (the default) the page ends the turn itself; with
 * `manual`, it presses "End my turn" once the sentence has been said.
 */
export async function spokenTurn(
  page: Page,
  url: string,
  endpointing: 'client' | 'manual' = 'client',
): Promise<TurnResult> {
  const u = new URL(url);
  if (endpointing === 'manual') u.searchParams.set('endpointing', 'manual');
  // The remote path only: the on-device engine is not loaded (fallback.e2e.ts covers it).
  u.searchParams.set('fallback', 'off');
  u.searchParams.set('silenceMs', '500'); // one turn for the two-sentence fixture
  await page.goto(u.toString());
  const clickedAt = Date.now();
  await page.click('#connect');
  // The state may pass through `listening` quickly (the fixture's speech starts 1 s after the mic opens).
  // Ready includes the VAD's load and warm-up (seconds of CPU on a busy machine): a generous bound.
  await page.waitForFunction(() => (window as unknown as DemoWindow).sottoDemo.states.includes('listening'), null, {
    timeout: 60_000,
  });
  const readyMs = Date.now() - clickedAt;
  if (endpointing === 'manual') {
    await page.waitForTimeout(Math.max(0, 5_200 - (Date.now() - clickedAt)));
    await page.click('#commit');
  }
  await page.waitForFunction(() => (window as unknown as DemoWindow).sottoDemo.turns[0]?.status !== undefined, null, {
    timeout: 30_000,
  });
  const r = await page.evaluate(() => {
    const d = (window as unknown as DemoWindow).sottoDemo;
    return { turn: d.turns[0], audio: d.session?.agentAudio() ?? null, errors: d.errors };
  });
  return {
    status: r.turn?.status,
    serverMs: r.turn?.serverMs,
    audibleSeconds: (r.audio?.audibleFrames ?? 0) / 48_000,
    peak: r.audio?.peak ?? 0,
    errors: r.errors,
    readyMs,
  };
}
