/**
 * Bad input at connect time: every failure is a typed SottoError with a code, within a bounded time,
 * with no unhandled rejection in the page.
 */
import { expect, test, type Page } from '@playwright/test';
import { AccessToken } from 'livekit-server-sdk';
import { freeTcpPort } from '../scripts/stack/ports.ts';
import { demoUrl, fixture, launchChromium } from './browser.ts';

interface Outcome {
  code: string | null;
  name: string | null;
  hasCause: boolean;
  ms: number;
}

interface SdkWindow {
  sottoDemo: { sdk: { connect(o: { url: string; token: string; connectTimeoutMs?: number }): Promise<unknown> } };
}

/** Calls the SDK's connect() in the page and reports how it failed. */
function tryConnect(page: Page, url: string, token: string): Promise<Outcome> {
  return page.evaluate(
    async ([url, token]) => {
      const t0 = performance.now();
      try {
        await (window as unknown as SdkWindow).sottoDemo.sdk.connect({ url, token, connectTimeoutMs: 8_000 });
        return { code: null, name: null, hasCause: false, ms: performance.now() - t0 };
      } catch (e) {
        const err = e as { code?: string; name?: string; cause?: unknown };
        return {
          code: err.code ?? null,
          name: err.name ?? null,
          hasCause: err.cause !== undefined,
          ms: performance.now() - t0,
        };
      }
    },
    [url, token] as const,
  );
}

async function validToken(page: Page): Promise<{ url: string; token: string }> {
  return page.evaluate(async () => (await (await fetch('/api/token')).json()) as { url: string; token: string });
}

function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

test.describe('connect() failures', () => {
  test('a token signed with the wrong secret is rejected as token_rejected', async () => {
    const browser = await launchChromium({ wav: fixture('hello') });
    try {
      const page = await browser.newPage();
      const errors = watchPageErrors(page);
      await page.goto(demoUrl());
      const { url } = await validToken(page);
      const bad = new AccessToken('devkey', 'x'.repeat(40), { identity: 'mallory' });
      bad.addGrant({ roomJoin: true, room: 'r1' });
      const r = await tryConnect(page, url, await bad.toJwt());
      expect(r).toMatchObject({ code: 'token_rejected', name: 'SottoError', hasCause: true });
      expect(r.ms).toBeLessThan(8_000);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  test('a dead server is reported as server_unreachable, quickly', async () => {
    const browser = await launchChromium({ wav: fixture('hello') });
    try {
      const page = await browser.newPage();
      const errors = watchPageErrors(page);
      await page.goto(demoUrl());
      const { token } = await validToken(page);
      const deadPort = await freeTcpPort(); // nothing listens here
      const r = await tryConnect(page, `ws://127.0.0.1:${deadPort}`, token);
      expect(r).toMatchObject({ code: 'server_unreachable', name: 'SottoError', hasCause: true });
      expect(r.ms).toBeLessThan(8_000);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  test('a denied microphone is mic_permission_denied', async () => {
    // No fake-UI flag: the permission prompt is denied.
    const browser = await launchChromium({
      wav: fixture('hello'),
      noFakeUi: true,
      args: ['--deny-permission-prompts'],
    });
    try {
      const page = await browser.newPage();
      const errors = watchPageErrors(page);
      await page.goto(demoUrl());
      const { url, token } = await validToken(page);
      const r = await tryConnect(page, url, token);
      expect(r).toMatchObject({ code: 'mic_permission_denied', name: 'SottoError', hasCause: true });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  test('no microphone at all is no_microphone', async () => {
    // No fake device: this headless machine has no capture device.
    const browser = await launchChromium({ noFakeDevice: true });
    try {
      const page = await browser.newPage();
      const errors = watchPageErrors(page);
      await page.goto(demoUrl());
      const { url, token } = await validToken(page);
      const r = await tryConnect(page, url, token);
      expect(r).toMatchObject({ code: 'no_microphone', name: 'SottoError', hasCause: true });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
