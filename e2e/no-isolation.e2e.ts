/**
 * A page served WITHOUT COOP/COEP (not cross-origin isolated, so `SharedArrayBuffer` is not defined): the
 * demo's document is fetched with its isolation headers stripped, and a spoken turn still gets its
 * audible reply, through the MessagePort paths of the capture ring, the VAD and the output tap.
 */
import { expect, test } from '@playwright/test';
import { demoUrl, fixture, launchChromium } from './browser.ts';
import { spokenTurn, type DemoWindow } from './demo-page.ts';
import { unexpectedErrors } from './session-page.ts';

test('a page without cross-origin isolation gets a spoken turn answered (MessagePort path)', async () => {
  // A document fulfilled by the test (not fetched from an address) counts as public for Local Network Access,
  // which would then block its WebSocket to the loopback stack: an artifact of the interception.
  const browser = await launchChromium({
    wav: fixture('hello'),
    args: ['--disable-features=LocalNetworkAccessChecks'],
  });
  try {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    await page.route(
      (u) => u.pathname === '/',
      async (route) => {
        const response = await route.fetch();
        const headers = Object.fromEntries(
          Object.entries(response.headers()).filter(([k]) => !k.toLowerCase().startsWith('cross-origin-')),
        );
        await route.fulfill({ response, headers });
      },
    );
    const r = await spokenTurn(page, demoUrl(), 'client').catch(async (e: unknown) => {
      const seen = await page.evaluate(() => {
        const d = (window as unknown as DemoWindow).sottoDemo;
        return { states: d.states, errors: d.errors };
      });
      throw new Error(`${String(e)}; page: ${JSON.stringify(seen)}; page errors: ${JSON.stringify(pageErrors)}`);
    });
    const isolation = await page.evaluate(() => ({
      crossOriginIsolated: globalThis.crossOriginIsolated,
      sab: typeof SharedArrayBuffer,
    }));
    console.log(`not isolated: ${JSON.stringify(isolation)}; ready in ${r.readyMs} ms; reply ${r.audibleSeconds} s`);
    expect(isolation).toEqual({ crossOriginIsolated: false, sab: 'undefined' });
    expect(unexpectedErrors(r.errors)).toEqual([]);
    expect(r.status).toBe('completed');
    expect(r.audibleSeconds).toBeGreaterThan(1.5);
    expect(pageErrors).toEqual([]);
  } finally {
    await browser.close();
  }
});
