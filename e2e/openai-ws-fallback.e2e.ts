/**
 * The on-device fallback behind the WebSocket transport: a turn answered by Sotto's `/v1/realtime`; the
 * endpoint is killed, the next turn is answered on the device; the endpoint comes back on the same port,
 * the transport's rejoin finds it, the session is remote again and hands the offline turn over.
 */
import { expect, test } from '@playwright/test';
import type { RealtimeHandle } from '../scripts/stack/realtime.ts';
import { openDemo, waitForDemo } from './session-page.ts';
import { startEndpoint } from './support/realtime-endpoint.ts';

interface FallbackDemo {
  modes: { mode: string; reason: string }[];
  metrics: { mode?: string }[];
  handovers: { reason: string; turns: number }[];
  errors: { code: string; message: string }[];
}

let endpoint: RealtimeHandle | null = null;

test.afterAll(async () => {
  await endpoint?.stop();
});

test('WebSocket transport: the device answers while the endpoint is down, then hands the turn back', async () => {
  test.setTimeout(120_000);
  endpoint = await startEndpoint('openai-ws-fallback');
  const port = Number(new URL(endpoint.url).port);
  const { browser, page, problems } = await openDemo('offline', {
    transport: 'openai-ws',
    realtimeUrl: endpoint.url,
    fallback: 'auto',
  });
  const read = (): Promise<FallbackDemo> =>
    page.evaluate(() => {
      const d = (window as unknown as { sottoDemo: FallbackDemo }).sottoDemo;
      return { modes: d.modes, metrics: d.metrics, handovers: d.handovers, errors: d.errors };
    });
  try {
    await page.click('#connect');
    await waitForDemo(page, "d.metrics.some((m) => m.mode === 'remote')", 40_000);
    await endpoint.kill('SIGKILL');
    // The next turn (13.5 s into the fixture) is answered on the device.
    await waitForDemo(page, "d.metrics.some((m) => m.mode === 'local')", 40_000);
    let d = await read();
    console.log(`modes: ${JSON.stringify(d.modes)}`);
    expect(d.modes.find((m) => m.mode === 'local')).toBeDefined();
    endpoint = await startEndpoint('openai-ws-fallback', port);
    await waitForDemo(page, "d.handovers.some((h) => h.reason === 'back_online')", 40_000);
    d = await read();
    console.log(`back: ${JSON.stringify(d.modes.at(-1))}; handovers ${JSON.stringify(d.handovers)}`);
    expect(d.modes.at(-1)?.mode).toBe('remote');
    // Every turn the device answered is handed back: the next one, and the first one too when the endpoint
    // died before the user had heard a second of its reply (the device then answers that turn again).
    const local = d.metrics.filter((m) => m.mode === 'local').length;
    expect(local).toBeGreaterThanOrEqual(1);
    expect(d.handovers.find((h) => h.reason === 'back_online')?.turns).toBe(local);
    const expected = (x: { code: string; message: string }): boolean =>
      ['not_connected', 'server_unreachable', 'agent_unresponsive'].includes(x.code) ||
      (x.code === 'vad_error' && x.message.includes('behind'));
    expect(d.errors.filter((x) => !expected(x))).toEqual([]);
    // Chromium logs each refused WebSocket itself (the rejoins while the endpoint is down); nothing else.
    expect(problems.filter((p) => !p.includes('net::ERR_CONNECTION_REFUSED'))).toEqual([]);
  } finally {
    await browser.close();
  }
});
