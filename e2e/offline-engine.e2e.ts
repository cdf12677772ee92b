/**
 * The on-device engine in Chromium: LocalTransport with its real worker (onnxruntime-web wasm running the
 * zipformer from ../shared/models, served by the demo server at /models/; Flite through the browser WASI
 * shim), replies through the PlaybackNode on a real AudioContext. Turns come from the espeak fixtures.
 */
import { join } from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import type { OfflineLab, TurnResult } from '../demo/offline-lab/lab.ts';
import { wordErrors } from '../src/offline/asr/text.ts';
import { demoUrl, launchChromium, root } from './browser.ts';
import { vadFixtures } from './vad-harness/lab.ts';

const fixtureUrl = (name: string): string => `/@fs${join(root, '.fixtures', 'vad', `${name}.wav`)}`;

/** The app's commands (the texts of the clean espeak fixtures and two more). */
const COMMANDS = [
  'Hello there, can you hear me now?',
  'Please turn off the lights in the kitchen.',
  'What time does the next train leave?',
  'I would like a cup of tea, please.',
  'Remind me to call my sister tomorrow.',
  'Set a timer for ten minutes.',
  'Open the front door.',
  'Play some quiet music.',
];

let browser: Browser;

test.beforeAll(async () => {
  await vadFixtures();
  browser = await launchChromium();
});

test.afterAll(async () => {
  await browser.close();
});

async function openLab(): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(demoUrl('offline-lab/'));
  await page.waitForFunction(() => (window as unknown as { offlineLab?: { ready: boolean } }).offlineLab?.ready);
  return { page, problems };
}

const lab = (p: Page): Promise<void> => p.waitForFunction(() => 'offlineLab' in window).then(() => undefined);
interface W {
  offlineLab: OfflineLab;
}

const types = (r: TurnResult): string[] =>
  r.events.filter((e) => e.type.startsWith('server:')).map((e) => e.type.slice(7));

test('a spoken command through the real worker: recognised exactly with phrase bias, the reply is heard', async () => {
  const { page, problems } = await openLab();
  const started = await page.evaluate((phrases) => (window as unknown as W).offlineLab.start({ phrases }), COMMANDS);
  expect(started.ok, JSON.stringify(started)).toBe(true);
  const r = await page.evaluate((u) => (window as unknown as W).offlineLab.turn(u), fixtureUrl('clean-usf-190'));
  expect(r.transcript).toBe('Remind me to call my sister tomorrow.');
  const seq = types(r);
  for (const t of [
    'input_audio_buffer.committed',
    'conversation.item.input_audio_transcription.completed',
    'response.created',
    'response.output_audio_transcript.delta',
    'output_audio_buffer.started',
    'output_audio_buffer.stopped',
    'response.done',
  ]) {
    expect(seq, t).toContain(t);
  }
  const done = r.events.find((e) => e.type === 'server:response.done')?.payload as {
    response: { status: string; 'sotto:timings': { audio_ms: number } };
  };
  expect(done.response.status).toBe('completed');
  // Audible: the PlaybackNode's exact counters saw the whole reply play.
  expect(r.played?.samples ?? 0).toBeGreaterThan(48_000 * 2);
  expect(Math.abs((r.played?.ms ?? 0) - done.response['sotto:timings'].audio_ms)).toBeLessThan(60);
  expect(r.startedAt).not.toBeNull();
  console.log(
    `turn: submitted -> first reply sample ${(((r.startedAt ?? 0) - r.submitAt) * 1000).toFixed(0)} ms, played ${r.played?.ms.toFixed(0)} ms`,
  );
  expect(r.conversation[0]).toMatchObject({ source: 'audio', phrase: COMMANDS[4], status: 'completed' });
  await page.evaluate(() => (window as unknown as W).offlineLab.stop());
  expect(problems).toEqual([]);
});

test('open speech without phrases: the transcript is close to the text (greedy)', async () => {
  const { page, problems } = await openLab();
  expect((await page.evaluate(() => (window as unknown as W).offlineLab.start())).ok).toBe(true);
  // The clearest espeak voice; measured WER on the espeak set is ~0.5, on real speech ~0.1 (bench).
  const r = await page.evaluate((u) => (window as unknown as W).offlineLab.turn(u), fixtureUrl('hes-600'));
  const e = wordErrors('Call my mother, please.', r.transcript ?? '');
  console.log(`open: "${r.transcript}" (${e.errors}/${e.words} word errors)`);
  expect(e.errors / e.words).toBeLessThanOrEqual(0.25);
  await page.evaluate(() => (window as unknown as W).offlineLab.stop());
  expect(problems).toEqual([]);
});

test('barge-in: clearing the output stops the reply within a quantum and the truncation reports what was heard', async () => {
  const { page, problems } = await openLab();
  const reply =
    'This is a long reply that keeps going for a while. It has a second sentence. And a third one to be sure.';
  expect((await page.evaluate((rp) => (window as unknown as W).offlineLab.start({ reply: rp }), reply)).ok).toBe(true);
  const r = await page.evaluate(
    (u) => (window as unknown as W).offlineLab.turn(u, { bargeInAfterMs: 600 }),
    fixtureUrl('hes-600'),
  );
  expect(r.interrupted, 'the PlaybackNode reported the interruption').not.toBeNull();
  const playedMs = r.interrupted?.playedMs ?? 0;
  expect(playedMs).toBeGreaterThan(100);
  expect(playedMs).toBeLessThan(3000);
  // Output stopped: the played counter no longer moves after the flush.
  expect(r.playedAfterFlush?.ms100?.samples).toBe(r.playedAfterFlush?.ms300?.samples);
  // The interruption took effect within one render quantum (plus the fade) of the clear being sent.
  expect((r.interrupted?.time ?? 0) - (r.flushAt ?? 0)).toBeLessThan(0.05);
  const done = r.events.find((e) => e.type === 'server:response.done')?.payload as {
    response: { status: string; status_details: { 'sotto:reason': string } };
  };
  expect(done.response.status).toBe('cancelled');
  expect(done.response.status_details['sotto:reason']).toBe('output_cleared');
  expect(types(r)).toContain('output_audio_buffer.cleared');
  const truncated = r.events.find((e) => e.type === 'server:conversation.item.truncated')?.payload as {
    audio_end_ms: number;
  };
  expect(Math.abs(truncated.audio_end_ms - playedMs)).toBeLessThan(5);
  const turn = r.conversation[0];
  expect(turn?.status).toBe('cancelled');
  expect(turn?.heardReply && reply.startsWith(turn.heardReply)).toBe(true);
  expect(turn?.playedMs).toBeCloseTo(playedMs, 0);
  await page.evaluate(() => (window as unknown as W).offlineLab.stop());
  expect(problems).toEqual([]);
});

test('prepareOffline, then a reload with the model URLs blocked starts from the cache; without a cache it fails typed', async () => {
  const { page, problems } = await openLab();
  await page.evaluate(() => (window as unknown as W).offlineLab.clearCache());
  const prep = await page.evaluate(() => (window as unknown as W).offlineLab.prepare());
  expect(prep.result.files.map((f) => f.name)).toEqual(['encoder', 'decoder', 'joiner', 'tokens', 'flite', 'ort']);
  expect(prep.result.downloadedBytes).toBe(prep.result.totalBytes);
  expect(prep.progress.every((p) => p.done && p.loaded === p.total)).toBe(true);
  expect(prep.steps).toBeGreaterThan(12);

  const blocked: string[] = [];
  await page.context().route(/\/models\/|\.wasm$/, async (route) => {
    blocked.push(route.request().url());
    await route.abort('internetdisconnected');
  });
  await page.reload();
  await lab(page);
  const started = await page.evaluate((phrases) => (window as unknown as W).offlineLab.start({ phrases }), COMMANDS);
  if (!started.ok) throw new Error(started.message);
  expect(Object.values(started.info.fromCache).every(Boolean)).toBe(true);
  expect(Object.keys(started.info.fromCache)).toHaveLength(6);
  const r = await page.evaluate((u) => (window as unknown as W).offlineLab.turn(u), fixtureUrl('pink-10db'));
  expect(r.transcript).toBe('Open the front door.');
  expect(r.played?.samples ?? 0).toBeGreaterThan(0);
  await page.evaluate(() => (window as unknown as W).offlineLab.stop());

  // No cache and no network: a typed error, nothing left running.
  await page.evaluate(() => (window as unknown as W).offlineLab.clearCache());
  const failed = await page.evaluate(() => (window as unknown as W).offlineLab.start());
  expect(failed.ok).toBe(false);
  expect(!failed.ok && failed.code).toBe('model_unavailable');
  expect(!failed.ok && failed.message).toMatch(/prepareOffline/);
  // The worker's own requests went through the route (so the cached start above had no network either).
  expect(blocked.some((u) => u.includes('/models/'))).toBe(true);
  await page.context().unrouteAll();
  expect(problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(p))).toEqual([]);
});
