/**
 * The on-device fallback for real (issue 7): Chromium with a fake mic, the real LiveKit server and agent,
 * the real on-device engine (zipformer on onnxruntime-web in a worker, Flite), no mocks.
 *
 * 1. The LiveKit server is killed while the user speaks: the turn is read back whole from the capture ring
 *    (zero samples lost), recognised and answered on the device, audibly; the server comes back, the
 *    session returns to the remote agent and hands the offline turn over as conversation items.
 * 2. Offline from the first second, after a reload with the model URLs blocked: the engine starts from
 *    the cache that `prepareOffline()` filled, and answers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { wordErrors } from '../src/offline/asr/text.ts';
import {
  freeTcpPort,
  freeUdpPort,
  startLivekit,
  startStack,
  type LivekitHandle,
  type Stack,
} from '../scripts/stack/index.ts';
import { demoUrl, fixture, launchChromium, root } from './browser.ts';
import { snapshot, unexpectedErrors, waitForDemo } from './session-page.ts';

interface FixtureManifest {
  rate: number;
  fixtures: Record<string, { speech: { text: string; startSample: number; endSample: number }[] }>;
}
const manifest = (): FixtureManifest =>
  JSON.parse(readFileSync(join(root, '.fixtures', 'manifest.json'), 'utf8')) as FixtureManifest;

interface FallbackWindow {
  sottoDemo: {
    modes: { mode: string; reason: string; time: number }[];
    localTurnAudio: { turnId: string; samples: number; lostSamples: number; startSample: number; endSample: number }[];
    handovers: { turns: number; items: number; reason: string }[];
    transcripts: { role: string; itemId: string; text: string; final: boolean }[];
    metrics: { turnId: string; mode?: string; stages: Record<string, number> }[];
    events: { type: string; time: number }[];
    errors: { code: string; message: string }[];
  };
  serverEvents?: { type: string; item?: { role?: string; content?: { type: string; text?: string }[] } }[];
}

const read = (page: Page): Promise<FallbackWindow['sottoDemo'] & { serverEvents: FallbackWindow['serverEvents'] }> =>
  page.evaluate(() => {
    const w = window as unknown as FallbackWindow;
    const d = w.sottoDemo;
    return {
      modes: d.modes,
      localTurnAudio: d.localTurnAudio,
      handovers: d.handovers,
      transcripts: d.transcripts,
      metrics: d.metrics,
      events: d.events,
      errors: d.errors,
      serverEvents: w.serverEvents ?? [],
    };
  });

/** Records every server event the session emits from now on (as `connectDemo` does). */
async function recordServerEvents(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as FallbackWindow & {
      sottoDemo: { session: { on(n: 'server_event', f: (e: unknown) => void): void } | null };
    };
    const list: NonNullable<FallbackWindow['serverEvents']> = [];
    w.serverEvents = list;
    w.sottoDemo.session?.on('server_event', (e) => list.push(e as (typeof list)[number]));
  });
}

const userFinals = (d: FallbackWindow['sottoDemo']): string[] =>
  d.transcripts.filter((t) => t.role === 'user' && t.final).map((t) => t.text);

test('the server dies mid-turn: the device answers the whole turn, then hands it back when the server returns', async () => {
  test.setTimeout(180_000);
  const runDir = join(root, 'test-results', `fallback-${process.pid}`);
  const livekitPort = await freeTcpPort();
  const rtcPort = await freeUdpPort();
  let stack: Stack | null = null;
  let revived: LivekitHandle | null = null;
  const browser = await launchChromium({ wav: fixture('offline') });
  let page: Page | null = null;
  try {
    stack = await startStack({ root, runDir, livekitPort, rtcPort, demoPort: await freeTcpPort() });
    page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(`${stack.demo.url}?fallback=auto&silenceMs=500`);
    await page.click('#connect');
    await waitForDemo(page, "d.session?.state === 'listening'", 30_000);
    await recordServerEvents(page);

    // Turn 1 is answered by the remote agent.
    await waitForDemo(page, "d.metrics.some((m) => m.mode === 'remote')", 30_000);
    // Turn 2 starts: the server dies under it.
    await waitForDemo(page, "d.events.filter((e) => e.type === 'speech_start').length >= 2", 30_000);
    await stack.livekit.kill('SIGKILL');
    const killedAt = await page.evaluate(() => performance.now());

    // The device answers turn 2, audibly, from the whole of its audio.
    await waitForDemo(page, "d.metrics.some((m) => m.mode === 'local')", 60_000);
    let d = await read(page);
    const local = d.modes.find((m) => m.mode === 'local');
    console.log(`mode local: ${local?.reason ?? '?'} (${String(d.modes.length)} mode events)`);
    expect(local).toBeDefined();
    expect(d.localTurnAudio).toHaveLength(1);
    const audio = d.localTurnAudio[0];
    if (!audio) throw new Error('no local turn audio');
    const m = manifest();
    const said = m.fixtures.offline?.speech[1];
    if (!said) throw new Error('fixture manifest has no second sentence');
    const spokenSamples16k = ((said.endSample - said.startSample) * 16_000) / m.rate;
    console.log(
      `turn audio to the device: ${String(audio.samples)} samples (${(audio.samples / 16).toFixed(0)} ms) ` +
        `for ${(spokenSamples16k / 16).toFixed(0)} ms of speech; lost ${String(audio.lostSamples)}`,
    );
    // Zero samples lost: every sample of the turn's range, pre-roll included, came from the ring.
    expect(audio.lostSamples).toBe(0);
    expect(audio.samples).toBe(audio.endSample - audio.startSample);
    // And the range covers the sentence (the endpointer's range is onset - 300 ms .. speech end).
    expect(audio.samples).toBeGreaterThan(spokenSamples16k * 0.85);
    const localMetrics = d.metrics.find((x) => x.mode === 'local');
    console.log(`local turn stages: ${JSON.stringify(localMetrics?.stages)}`);
    expect(localMetrics?.stages.voice_to_voice).toBeGreaterThan(0);
    // The transcript of the turn, from the on-device recogniser (open vocabulary, no phrases).
    const heard = userFinals(d).at(-1) ?? '';
    const e = wordErrors(said.text, heard);
    console.log(`device heard: "${heard}" for "${said.text}" (${String(e.errors)}/${String(e.words)} word errors)`);
    // The zipformer's measured WER on open espeak speech is ~0.4-0.5 (bench/results/offline.json).
    expect(e.errors / e.words).toBeLessThanOrEqual(0.6);

    // The server comes back: remote again, and the offline turn reaches the agent.
    revived = await startLivekit({
      root,
      runDir,
      port: livekitPort,
      rtcPort,
      keys: { apiKey: stack.livekit.apiKey, apiSecret: stack.livekit.apiSecret },
    });
    await waitForDemo(page, "d.handovers.some((h) => h.reason === 'back_online')", 90_000);
    d = await read(page);
    const back = d.modes.at(-1);
    const backAt = await page.evaluate(() => performance.now());
    console.log(
      `back to ${back?.mode ?? '?'} (${back?.reason ?? '?'}) ${((backAt - killedAt) / 1000).toFixed(1)} s after the kill`,
    );
    expect(back?.mode).toBe('remote');
    // The new job (LiveKit restarted) first got the remote exchange it never saw, then the offline one.
    console.log(`handovers: ${JSON.stringify(d.handovers)}`);
    expect(d.handovers.find((h) => h.reason === 'back_online')?.turns).toBe(1);
    // The agent's conversation now holds what the user said offline, and what they heard. (A `new_agent`
    // handover may have happened while the device still answered: the remote agent's events are not the
    // session's then, so only the back-online items are sure to be seen here.)
    await waitForDemo(
      page,
      "(window.serverEvents ?? []).filter((e) => e.type === 'conversation.item.added' && e.item?.content?.[0]?.type?.endsWith('_text')).length >= (d.handovers.find((h) => h.reason === 'back_online')?.items ?? 1)",
      15_000,
    );
    d = await read(page);
    const added = (d.serverEvents ?? []).filter((x) => x.type === 'conversation.item.added');
    const texts = added.map((x) => `${x.item?.role ?? '?'}: ${x.item?.content?.[0]?.text ?? ''}`);
    console.log(`handed over: ${texts.join(' | ')}`);
    // Exactly the exchange the device had: the user's words, and the reply they heard.
    const offline = await page.evaluate(() =>
      (
        window as unknown as {
          sottoDemo: { session: { localTransport: { conversation(): { user: string; reply: string | null }[] } } };
        }
      ).sottoDemo.session.localTransport.conversation(),
    );
    expect(offline).toHaveLength(1);
    expect(offline[0]?.user).toBe(heard);
    expect(texts.slice(-2)).toEqual([`user: ${heard}`, `assistant: ${offline[0]?.reply ?? '?'}`]);
    console.log(`errors: ${JSON.stringify(d.errors)}`);
    // The link's own troubles are expected here; a VAD catching up after the busy machine starved it for
    // half a second is reported (and measured by the VAD's own tests), not this test's subject.
    const expected = (x: { code: string; message: string }): boolean =>
      x.code === 'not_connected' ||
      x.code === 'server_unreachable' ||
      x.code === 'agent_unresponsive' ||
      (x.code === 'vad_error' && x.message.includes('behind'));
    expect(d.errors.filter((x) => !expected(x))).toEqual([]);
    expect(problems).toEqual([]);
    await page.screenshot({ path: 'test-results/demo-fallback.png', fullPage: true });
  } catch (err) {
    const log = page
      ? await page
          .locator('#log')
          .textContent()
          .catch(() => '')
      : '';
    console.log(`page log (newest first):\n${(log ?? '').slice(0, 8000)}`);
    throw err;
  } finally {
    await browser.close();
    await revived?.stop();
    await stack?.stop();
  }
});

test('offline from the first second, after a reload with the models cached and their URLs blocked', async () => {
  test.setTimeout(120_000);
  const browser = await launchChromium({ wav: fixture('offline') });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    // While online: cache the engine's files.
    await page.goto(demoUrl());
    await page.click('#prepare-offline');
    await expect(page.locator('#prepare-out')).toContainText('ready offline', { timeout: 60_000 });
    // Offline now: the model files and Flite are unreachable, and so is the LiveKit server.
    const blocked: string[] = [];
    // The app's `/models/` route (the engine's ASR model) and Flite's binary (`flite.wasm$`: not the
    // `?import&url` module that names it). By path: the dev server's module URL of the VAD worker's
    // end-of-turn model asset (`/@fs/…/.tools/models/…?url`) is JavaScript the page needs, not an engine file.
    await context.route(
      (u) => u.pathname.startsWith('/models/') || u.href.endsWith('flite.wasm'),
      async (route) => {
        blocked.push(route.request().url());
        await route.abort('internetdisconnected');
      },
    );
    const dead = await freeTcpPort(); // nothing listens there
    await page.goto(demoUrl(`?fallback=auto&silenceMs=500&url=ws://127.0.0.1:${String(dead)}`));
    await page.click('#connect');
    await waitForDemo(page, "d.modes.some((m) => m.mode === 'local') || d.errors.length > 0", 60_000);
    // Both sentences answered on the device.
    await waitForDemo(page, "d.metrics.filter((m) => m.mode === 'local').length >= 2", 60_000);
    const d = await read(page);
    console.log(`mode: ${JSON.stringify(d.modes)}`);
    expect(d.modes[0]?.mode).toBe('local');
    expect(d.modes[0]?.reason).toContain('server_unreachable');
    expect(d.localTurnAudio.map((a) => a.lostSamples)).toEqual([0, 0]);
    // The longer sentence (11 words) is the steadier measure of the recogniser.
    const said = manifest().fixtures.offline?.speech[1]?.text ?? '';
    const heard = userFinals(d)[1] ?? '';
    const e = wordErrors(said, heard);
    console.log(`device heard "${heard}" for "${said}" (${String(e.errors)}/${String(e.words)} word errors)`);
    expect(e.errors / e.words).toBeLessThanOrEqual(0.6);
    const s = await snapshot(page);
    expect(s.events.some((x) => x.type === 'agent_audio_start')).toBe(true);
    // The engine really started without those URLs.
    expect(blocked.some((u) => new URL(u).pathname.startsWith('/models/'))).toBe(false); // served from the cache, never asked for
    expect(unexpectedErrors(d.errors).filter((x) => x.code !== 'server_unreachable')).toEqual([]);
    expect(problems).toEqual([]);
  } finally {
    await browser.close();
  }
});
