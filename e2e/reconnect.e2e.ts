/**
 * Reconnection for real: the LiveKit server dies (kill -9) mid-session. The session goes `reconnecting`,
 * reports LiveKit's resume attempts and then its own full rejoins with backoff; the server comes back on
 * the same ports, the agent worker re-registers, and the session is `listening` again and answers a turn.
 * This test runs its own stack (it kills the server), on free loopback ports, and stops it on every path.
 */
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import {
  freeTcpPort,
  freeUdpPort,
  startLivekit,
  startStack,
  type LivekitHandle,
  type Stack,
} from '../scripts/stack/index.ts';
import { fixture, launchChromium, root } from './browser.ts';

interface ReconnectWindow {
  sottoDemo: {
    states: string[];
    reconnects: { phase: string; attempt: number; delayMs: number }[];
    turns: { status?: string }[];
    errors: { code: string }[];
    session: { agentAudio(): { audibleFrames: number } | null } | null;
  };
}

test('the session survives the LiveKit server dying and coming back', async () => {
  test.setTimeout(150_000);
  const runDir = join(root, 'test-results', `reconnect-${process.pid}`);
  const livekitPort = await freeTcpPort();
  const rtcPort = await freeUdpPort();
  let stack: Stack | null = null;
  let revived: LivekitHandle | null = null;
  const browser = await launchChromium({ wav: fixture('hello'), loop: true });
  let pageLog = async (): Promise<string> => Promise.resolve('');
  try {
    stack = await startStack({ root, runDir, livekitPort, rtcPort, demoPort: await freeTcpPort() });
    const page = await browser.newPage();
    pageLog = async () => (await page.locator('#log').textContent()) ?? '';
    // Manual turns: the looping fixture would keep ending turns. No fallback: this is about reconnecting.
    await page.goto(`${stack.demo.url}?endpointing=manual&fallback=off`);
    await page.click('#connect');
    await expect(page.locator('#state')).toHaveText('listening', { timeout: 30_000 });

    // The server dies. The page sees the socket close within milliseconds.
    await stack.livekit.kill('SIGKILL');
    await expect(page.locator('#state')).toHaveText('reconnecting', { timeout: 10_000 });
    // Resuming cannot work against a dead server: wait until the transport has moved on to rejoining.
    await page.waitForFunction(
      () => (window as unknown as ReconnectWindow).sottoDemo.reconnects.some((r) => r.phase === 'rejoin'),
      null,
      { timeout: 20_000 },
    );

    // The server comes back on the same ports with the same keys (tokens stay valid).
    revived = await startLivekit({
      root,
      runDir,
      port: livekitPort,
      rtcPort,
      keys: { apiKey: stack.livekit.apiKey, apiSecret: stack.livekit.apiSecret },
    });
    await expect(page.locator('#state')).toHaveText('listening', { timeout: 60_000 });

    // And it serves a turn again.
    await page.waitForTimeout(1_500);
    await page.click('#commit');
    await page.waitForFunction(
      () => (window as unknown as ReconnectWindow).sottoDemo.turns[0]?.status !== undefined,
      null,
      {
        timeout: 30_000,
      },
    );
    // The reply plays out after the server's response.done; then the session rests again.
    await expect(page.locator('#state')).toHaveText('listening', { timeout: 10_000 });
    const d = await page.evaluate(() => {
      const w = (window as unknown as ReconnectWindow).sottoDemo;
      return { states: w.states, reconnects: w.reconnects, turn: w.turns[0], errors: w.errors };
    });
    console.log(`states: ${d.states.join(' -> ')}`);
    console.log(`reconnect steps: ${d.reconnects.map((r) => `${r.phase}#${r.attempt}(${r.delayMs}ms)`).join(', ')}`);
    expect(d.turn?.status).toBe('completed');
    const resumes = d.reconnects.filter((r) => r.phase === 'resume');
    const rejoins = d.reconnects.filter((r) => r.phase === 'rejoin');
    expect(resumes.map((r) => r.attempt)).toEqual([1, 2, 3, 4]);
    expect(rejoins.length).toBeGreaterThanOrEqual(1);
    expect(rejoins.map((r) => r.attempt)).toEqual(rejoins.map((_, i) => i + 1));
    // ready before the crash, reconnecting, and ready again at the end.
    const down = d.states.indexOf('reconnecting');
    expect(d.states.indexOf('listening')).toBeGreaterThanOrEqual(0);
    expect(d.states.indexOf('listening')).toBeLessThan(down);
    expect(d.states.at(-1)).toBe('listening');
  } catch (e) {
    console.log(`page log (newest first):\n${await pageLog().catch(() => '')}`);
    throw e;
  } finally {
    await browser.close();
    await revived?.stop();
    await stack?.stop();
  }
});
