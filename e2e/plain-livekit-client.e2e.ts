/**
 * A stock LiveKit client against Sotto's agent (issue 14): livekit-client's plain `Room` in Chromium, no
 * Sotto code (demo/interop/plain.ts), sees the agent's `lk.agent.state`, its `lk.transcription` caption and
 * hears its audio reply to a spoken turn (server VAD, on by default for a client that never speaks the
 * Realtime protocol); typed text on `lk.chat` is answered.
 */
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { demoUrl, fixture, launchChromium, root } from './browser.ts';
import { composeWav } from './support/compose-wav.ts';
import { pageProblems } from './support/page-problems.ts';

interface Plain {
  states: string[];
  captions: { from: string; attributes: Record<string, string>; text: string }[];
  audiblePeak: number;
  errors: string[];
}

async function waitFor(page: Page, pred: string, timeout: number): Promise<void> {
  try {
    await page.waitForFunction(`(() => { const d = window.plainLk; return Boolean(d && (${pred})); })()`, null, {
      timeout,
    });
  } catch (e) {
    const seen = await page.evaluate(() => {
      const p = (window as unknown as { plainLk: Plain & { room: unknown } }).plainLk;
      return JSON.stringify({ ...p, room: undefined });
    });
    throw new Error(`waiting for ${pred}: ${String(e)}\nsaw: ${seen.slice(0, 3000)}`, { cause: e });
  }
}

test('a plain livekit-client Room sees state, captions and an audio reply; lk.chat is answered', async () => {
  test.setTimeout(120_000);
  // Silence while the agent notices that this client speaks no Realtime event (3 s), then one sentence.
  const wav = join(root, 'test-results', `plain-turn-${String(process.pid)}.wav`);
  composeWav(fixture('hello'), [{ silence: 6 }, { from: 0.9, to: 4.6 }, { silence: 20 }], wav);
  const browser = await launchChromium({ wav });
  try {
    const page = await browser.newPage();
    const problems = pageProblems(page);
    const r = await page.request.get(demoUrl('api/token'));
    const { url, token } = (await r.json()) as { url: string; token: string };
    const u = new URL(demoUrl('interop/plain.html'));
    u.searchParams.set('url', url);
    u.searchParams.set('token', token);
    await page.goto(u.toString());
    await page.waitForFunction(() => 'plainLk' in window, null, { timeout: 120_000 });
    await page.click('#connect');

    await waitFor(page, "d.states.includes('listening')", 60_000);
    await waitFor(page, "d.states.includes('thinking') && d.states.includes('speaking')", 60_000);
    await waitFor(page, "d.captions.some((c) => c.text.startsWith('You spoke for'))", 30_000);
    await waitFor(page, "d.states.at(-1) === 'listening' && d.audiblePeak > 0.05", 30_000);
    await page.evaluate(() =>
      (window as unknown as { plainLk: { chat(t: string): Promise<void> } }).plainLk.chat('good morning'),
    );
    await waitFor(page, "d.captions.some((c) => c.text === 'You wrote: good morning')", 30_000);

    const seen = await page.evaluate(() => {
      const p = (window as unknown as { plainLk: Plain }).plainLk;
      return { states: p.states, captions: p.captions, audiblePeak: p.audiblePeak, errors: p.errors };
    });
    console.log(`plain client: states ${seen.states.join(' > ')}; peak ${seen.audiblePeak.toFixed(2)}`);
    const spoken = seen.captions.find((c) => c.text.startsWith('You spoke for'));
    expect(spoken?.text).toMatch(/^You spoke for \d+\.\d seconds\.$/);
    expect(spoken?.attributes['lk.segment_id']).toMatch(/^item_/);
    expect(spoken?.attributes['lk.transcription_final']).toBe('false');
    expect(spoken?.attributes['lk.transcribed_track_id']).toMatch(/^TR_/);
    const from = seen.states.indexOf('listening');
    expect(seen.states.slice(0, from)).toEqual(seen.states[0] === 'initializing' ? ['initializing'] : []);
    expect(seen.states.slice(from, from + 4)).toEqual(['listening', 'thinking', 'speaking', 'listening']);
    expect(seen.errors).toEqual([]);
    expect(problems).toEqual([]);
  } finally {
    await browser.close();
  }
});
