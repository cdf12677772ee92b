/**
 * The network-impairment relay (scripts/netem/), for real: a probe inside a network namespace measures
 * the delay and loss the relay adds on its way to an echo server in the root namespace, and Chromium in
 * the namespace loads the demo page and speaks a turn through the impaired relay (ICE through the relay as
 * a peer-reflexive candidate, no server change).
 *
 * Needs root (network namespaces): elsewhere the tests skip and say why; on CI (root) they must run.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { condition, type Condition } from '../scripts/netem/conditions.ts';
import { netemUnavailable, startNetem, type Netem } from '../scripts/netem/relay.ts';
import { fixture, launchChromium } from './browser.ts';
import { startFaultStack, type FaultStack } from './faults.ts';
import { snapshot, unexpectedErrors, waitForDemo } from './session-page.ts';

const why = netemUnavailable();
if (why && process.env.CI) throw new Error(`CI must run the relay tests, but: ${why}`);

test.describe('network-impairment relay', () => {
  test.skip(why !== null, `skipped: ${why ?? ''}`);

  test('a probe through the relay sees the configured delay and loss', async () => {
    test.setTimeout(120_000);
    const netem = await startNetem({ tcpPorts: [], udpPorts: [], maxSeconds: 110 });
    try {
      // 25 +- 10 ms each way: every round trip takes 30..70 ms plus the relay's own lateness.
      const delayed: Condition = {
        name: 'd',
        what: '',
        up: { delayMs: 25, jitterMs: 10 },
        down: { delayMs: 25, jitterMs: 10 },
      };
      await netem.set(delayed);
      await netem.stats(true);
      const d = await netem.probe({ count: 400, intervalMs: 5 });
      const late = (await netem.stats(true)).lateness;
      console.log(`delay probe: ${JSON.stringify(d)}; relay timer lateness ${JSON.stringify(late)}`);
      // Nothing is ever early: the hard floor is the minimum configured delay (2 x 15 ms).
      expect(d.rtt_ms.min ?? 0).toBeGreaterThanOrEqual(30);
      // The median of the sum of two uniform delays is 50 ms; the relay and the probe only ever add to it
      // (a busy machine makes timers late): a wide upper bound, a tight lower one.
      expect(d.rtt_ms.p50 ?? 0).toBeGreaterThanOrEqual(45);
      expect(d.rtt_ms.p50 ?? Infinity).toBeLessThan(50 + 150);
      expect(d.received).toBeGreaterThanOrEqual(d.sent * 0.99); // no loss configured
      expect(late.n).toBeGreaterThanOrEqual(2 * d.received);

      // 10 % loss each way: 19 % of round trips lost on average. 1000 probes: sd 1.2 points; +-6 points
      // is five sd (and the draws are seeded, so a given machine gets the same drops every run).
      await netem.set({ name: 'l', what: '', up: { loss: 0.1 }, down: { loss: 0.1 } });
      const l = await netem.probe({ count: 1000, intervalMs: 2 });
      const counts = (await netem.stats(true)).counts;
      console.log(`loss probe: ${JSON.stringify(l)}; relay counters ${JSON.stringify(counts)}`);
      expect(l.loss).toBeGreaterThan(0.13);
      expect(l.loss).toBeLessThan(0.25);
      const upIn = Object.entries(counts).find(([k]) => k.endsWith('_up_in'))?.[1] ?? 0;
      const upDropped = Object.entries(counts).find(([k]) => k.endsWith('_up_dropped'))?.[1] ?? 0;
      expect(upIn).toBe(1000);
      expect(upDropped / upIn).toBeGreaterThan(0.05);
      expect(upDropped / upIn).toBeLessThan(0.16);
    } finally {
      const final = await netem.stop();
      expect(final).not.toBeNull();
    }
  });

  test('Chromium in the namespace loads the demo and speaks a turn through an impaired relay', async () => {
    test.setTimeout(300_000);
    const c = condition('loss5_rtt50_jitter20');
    // Chromium in the namespace sometimes never gets an ICE answer through the relay (beside a CPU hog, ~1
    // run in 4: livekit-server answers no STUN check; docs/latency-lab.md). It is sticky for that
    // livekit-server instance: fresh pages, browsers and relays against it fail the same way. So each
    // attempt runs its own stack, relay and browser, and a failed attempt is logged (with the relay's
    // counters) and replaced (up to three); the turn below must then go through.
    let fs: FaultStack | null = null;
    let netem: Netem | null = null;
    let browser: Browser | null = null;
    const stopAttempt = async (): Promise<void> => {
      await browser?.close().catch(() => undefined);
      await netem?.stop().catch(() => undefined);
      await fs?.stop().catch(() => undefined);
      browser = null;
      netem = null;
      fs = null;
    };
    try {
      let page: Page | null = null;
      let demo = new URL('http://127.0.0.1/');
      let livekitPort = 0;
      let rtcPort = 0;
      for (let attempt = 1; page === null; attempt++) {
        fs = await startFaultStack(`netem-${String(attempt)}`);
        demo = new URL(fs.stack.demo.url);
        livekitPort = fs.livekitPort;
        rtcPort = fs.rtcPort;
        netem = await startNetem({
          tcpPorts: [Number(demo.port), livekitPort],
          udpPorts: [rtcPort],
          maxSeconds: 250,
          condition: c,
        });
        browser = await launchChromium({ wav: fixture('hello'), netns: netem });
        const p = await browser.newPage();
        const u = new URL(demo.toString());
        // Committed by the button once the sentence has been said (the subject here is the network path,
        // not the endpointer, which e2e/turn.e2e.ts and the latency lab cover through the relay too).
        for (const [k, v] of Object.entries({ fallback: 'off', endpointing: 'manual' })) u.searchParams.set(k, v);
        try {
          await p.goto(u.toString(), { timeout: 60_000 });
          await p.click('#connect');
          // Generous bounds: the page is ~20 MB through a delayed relay, and the machine may be busy.
          await waitForDemo(
            p,
            "d.states.includes('listening') || d.errors.some((e) => e.code === 'connect_timeout')",
            60_000,
          );
          const failed = await p.evaluate(() =>
            (window as unknown as { sottoDemo: { errors: { code: string }[] } }).sottoDemo.errors.some(
              (e) => e.code === 'connect_timeout',
            ),
          );
          if (failed) throw new Error('connect() timed out');
          page = p;
        } catch (e) {
          console.log(
            `attempt ${String(attempt)}: ${String(e).slice(0, 300)}; relay ${JSON.stringify(await netem.stats())}`,
          );
          await stopAttempt();
          if (attempt >= 3) throw e;
        }
      }
      const relay: Netem = netem as unknown as Netem;
      await page.evaluate(() => {
        const w = window as unknown as {
          healthLog: string[];
          sottoDemo: {
            session: {
              audioContext: AudioContext;
              remoteTransport: { on(n: 'health', f: (h: { level: string; reason: string }) => void): void };
            };
          };
        };
        const s = w.sottoDemo.session;
        const h0 = (s.remoteTransport as unknown as { health: { level: string; reason: string } }).health;
        w.healthLog = [`${h0.level} (${h0.reason}) at the start@${s.audioContext.currentTime.toFixed(2)}`];
        s.remoteTransport.on('health', (h) => {
          w.healthLog.push(`${h.level} (${h.reason})@${s.audioContext.currentTime.toFixed(2)}`);
        });
      });
      // The `hello` fixture's speech ends ~4.5 s after the mic opens: wait on the page's audio clock,
      // and give the link 1.5 s after `listening` (a loaded machine may take tens of seconds to get there).
      await waitForDemo(
        page,
        "d.session && d.session.audioContext.currentTime > Math.max(5.5, (d.events.find((e) => e.type === 'state:listening')?.time ?? 1e9) + 1.5)",
        60_000,
      );
      await page.click('#commit');
      await waitForDemo(page, 'd.turns[0]?.status !== undefined', 60_000);
      const snap = await snapshot(page);
      const heard = await page.evaluate(
        () =>
          (
            window as unknown as { sottoDemo: { session: { agentAudio(): { audibleFrames: number } | null } | null } }
          ).sottoDemo.session?.agentAudio()?.audibleFrames ?? 0,
      );
      console.log(
        `through ${c.name}: turn ${JSON.stringify(snap.turns[0])}, reply ${(heard / 48_000).toFixed(2)} s audible`,
      );
      console.log(`events: ${snap.events.map((e) => `${e.type}@${e.time.toFixed(2)}`).join(' ')}`);
      // Chromium in a namespace with only loopback says it is offline (navigator.onLine false) the whole
      // time: the link's health must follow the heartbeat then, or the continuity watchdog would call a
      // reply that is arriving "stopped" (it did, before the transport learnt to).
      const errors = unexpectedErrors(snap.errors);
      console.log(`errors: ${JSON.stringify(errors)}`);
      console.log(
        `link health: ${(await page.evaluate(() => (window as unknown as { healthLog: string[] }).healthLog)).join(', ')}`,
      );
      expect(errors).toEqual([]);
      expect(snap.turns[0]?.status).toBe('completed');
      // The echo reply carries the ~3.4 s sentence: well over a second is audible even with 5 % loss.
      expect(heard / 48_000).toBeGreaterThan(1.5);
      // Everything went through the relay: the page and the signalling over TCP, the media over UDP,
      // and the relay dropped some of the media as configured.
      const s = await relay.stats();
      console.log(`relay: ${JSON.stringify(s)}`);
      const n = (k: string): number => s.counts[k] ?? 0;
      expect(n(`tcp${demo.port}_down_bytes`)).toBeGreaterThan(10_000);
      expect(n(`tcp${String(livekitPort)}_up_bytes`)).toBeGreaterThan(0);
      expect(n(`udp${String(rtcPort)}_up_in`)).toBeGreaterThan(100);
      expect(n(`udp${String(rtcPort)}_down_in`)).toBeGreaterThan(100);
      expect(n(`udp${String(rtcPort)}_up_dropped`) + n(`udp${String(rtcPort)}_down_dropped`)).toBeGreaterThan(0);
    } finally {
      await stopAttempt();
    }
  });
});
