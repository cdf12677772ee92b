/**
 * `preload()` (issue 16), the way a small app uses it: the minimal page (demo/minimal/) preloads the VAD
 * as it loads; Connect then adopts that VAD instead of starting a second one, so the session's VAD was
 * ready before the click, the model was fetched once, and turns are taken from the first utterance.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import type { ColdStartDump } from '../demo/lab/cold-start-recorder.ts';
import { demoUrl, fixture, launchChromium } from './browser.ts';

interface MinimalWindow {
  sottoMinimal: {
    recorder: { dump(): ColdStartDump };
    error: string | null;
    session: { close(): Promise<void>; state: string } | null;
  };
}

let browser: Browser;
test.beforeAll(async () => {
  browser = await launchChromium({ wav: fixture('latency') });
});
test.afterAll(async () => {
  await browser.close();
});

const dump = (page: Page): Promise<ColdStartDump> =>
  page.evaluate(() => (window as unknown as MinimalWindow).sottoMinimal.recorder.dump());

const modelFetches = (page: Page): Promise<number> =>
  page.evaluate(() => performance.getEntriesByType('resource').filter((e) => /silero[^/]*\.onnx/.test(e.name)).length);

test('a preloaded VAD is adopted by connect(): ready before the click, loaded once, turns from the first', async () => {
  test.setTimeout(120_000);
  const page = await browser.newPage();
  try {
    await page.goto(demoUrl(`/minimal/?fallback=off&room=preload-${String(Date.now())}`));
    // Bounded: the model's runtime is seconds of CPU on a busy 2-core machine.
    await page.waitForFunction(
      () => {
        const p = (window as unknown as MinimalWindow).sottoMinimal.recorder.dump().preload;
        return p !== null && (p.readyAt !== null || p.error !== null);
      },
      null,
      { timeout: 60_000 },
    );
    const before = await dump(page);
    expect(before.preload?.error).toBeNull();
    await page.click('#connect');
    await page.waitForFunction(
      () => (window as unknown as MinimalWindow).sottoMinimal.recorder.dump().readyAt !== null,
      null,
      {
        timeout: 60_000,
      },
    );
    // The fixture's first utterance is a turn the session takes.
    await page.waitForFunction(
      () => (window as unknown as MinimalWindow).sottoMinimal.recorder.dump().turns.length >= 1,
      null,
      { timeout: 60_000 },
    );
    const d = await dump(page);
    const r = d.readiness;
    expect(r, 'the session reports its VAD cold start').not.toBeNull();
    // Adopted: the session's VAD is the one the page started and was ready before the click.
    expect(r?.startedAt).toBeCloseTo(d.preload?.startedAt ?? Number.NaN, -2);
    expect(r?.vadReadyAt ?? Infinity).toBeLessThan(d.clickedAt);
    expect(await modelFetches(page)).toBe(1);
    expect(d.errors).toEqual([]);

    // After the session closes the page preloads again; the next connect adopts that one.
    await page.evaluate(() => (window as unknown as MinimalWindow).sottoMinimal.session?.close());
    await page.waitForFunction(
      (first) => {
        const p = (window as unknown as MinimalWindow).sottoMinimal.recorder.dump().preload;
        return p !== null && p.startedAt > first && p.readyAt !== null;
      },
      d.preload?.startedAt ?? 0,
      { timeout: 60_000 },
    );
  } finally {
    await page.close();
  }
});
