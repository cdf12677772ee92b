/**
 * The end-of-turn model end to end (Chromium, fake mic, real LiveKit server and agent, client endpointing):
 * real speech cut mid-sentence at a natural pause, 500 ms of silence, then a finished sentence. With the
 * session's default policy (Smart Turn in the VAD worker) the turn is not cut at the pause and the agent
 * answers once, to the whole turn; with `turnDetector: 'silence'` at 200 ms the same audio is cut at the pause.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from '@playwright/test';
import { root } from './browser.ts';
import { connectDemo, eventTypes, openDemo, snapshot, unexpectedErrors, waitForDemo } from './session-page.ts';

interface ClipsModule {
  buildClip(spec: { parts: readonly unknown[] }): Float32Array;
  midTurnPauseSpec(pauseMs: number): { parts: readonly unknown[]; firstEnd: number; secondStart: number };
}
interface WavModule {
  writeWav16(path: string, samples: Float32Array, rate: number): void;
}

const LEAD_S = 1.5;
test.setTimeout(180_000);

let firstSpeechS = 0;
let wholeTurnS = 0;

test.beforeAll(async () => {
  const clips = (await import(
    pathToFileURL(join(root, 'scripts', 'models', 'smart-turn-clips.mjs')).href
  )) as ClipsModule;
  const wav = (await import(pathToFileURL(join(root, 'scripts', 'vad-wav.mjs')).href)) as WavModule;
  const spec = clips.midTurnPauseSpec(500);
  const x = clips.buildClip({ parts: [{ silence: LEAD_S * 16_000 }, ...spec.parts, { silence: 5 * 16_000 }] });
  firstSpeechS = spec.firstEnd / 16_000;
  wholeTurnS = (x.length - 5 * 16_000 - LEAD_S * 16_000) / 16_000;
  const dir = join(root, '.fixtures');
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, 'turn-pause-16k.wav');
  wav.writeWav16(tmp, x, 16_000);
  const r = spawnSync('sox', [tmp, '-r', '48000', join(dir, 'turn-pause.wav')], { encoding: 'utf8' });
  rmSync(tmp, { force: true });
  if (r.status !== 0) throw new Error(`sox failed: ${r.stderr}`);
});

/** Records the model's verdicts from the page's session. */
async function recordVerdicts(page: import('@playwright/test').Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as {
      verdicts: unknown[];
      sottoDemo: { session: { on(n: 'turn_model', f: (v: unknown) => void): void } };
    };
    w.verdicts = [];
    w.sottoDemo.session.on('turn_model', (v) => w.verdicts.push(v));
  });
}

test('default policy: a 500 ms pause inside a sentence does not end the turn; one answer to the whole turn', async () => {
  const { browser, page, problems } = await openDemo('turn-pause', { silenceMs: '200' });
  try {
    await connectDemo(page);
    await recordVerdicts(page);
    await waitForDemo(
      page,
      "d.transcripts.some((t) => t.role === 'assistant' && t.final) && d.session.state === 'listening'",
      90_000,
    );
    // Nothing more comes: the VAD has analysed 2.5 s past the turn's end (more than the 2 s ceiling).
    const endTime = (await snapshot(page)).events.findLast((e) => e.type === 'turn_end')?.time ?? 0;
    await waitForDemo(page, `d.session.audioContext.currentTime > ${String(endTime + 2.5)}`, 30_000);
    const s = await snapshot(page);
    const verdicts = await page.evaluate(
      () =>
        (
          window as unknown as {
            verdicts: { probability: number; complete: boolean; pauseMs: number; inferenceMs: number }[];
          }
        ).verdicts,
    );
    const types = eventTypes(s).filter((t) => !t.startsWith('state:'));
    console.log(`events: ${types.join(', ')}`);
    console.log(
      `verdicts: ${verdicts.map((v) => `p=${v.probability.toFixed(2)} after ${v.pauseMs.toFixed(0)} ms (${v.inferenceMs.toFixed(0)} ms)`).join('; ')}`,
    );
    // The pause was seen (turn_ending, then turn_resumed) and the turn went on: one turn_end, one answer.
    expect(types.filter((t) => t === 'turn_end')).toHaveLength(1);
    expect(types.indexOf('turn_resumed')).toBeGreaterThan(-1);
    expect(types.indexOf('turn_resumed')).toBeLessThan(types.indexOf('turn_end'));
    expect(s.serverEvents.filter((e) => e.type === 'input_audio_buffer.committed')).toHaveLength(1);
    expect(s.serverEvents.filter((e) => e.type === 'response.created')).toHaveLength(1);
    // The model was asked at the pause and said "incomplete"; its last answer ended the turn (or the ceiling did).
    expect(verdicts.length).toBeGreaterThanOrEqual(1);
    expect(verdicts[0]?.complete).toBe(false);
    // The echo agent says how long the committed item was: the whole turn, not its first part.
    const final = s.transcripts.find((t) => t.role === 'assistant' && t.final);
    const secs = Number(/for (\d+\.\d)/.exec(final?.text ?? '')?.[1]);
    console.log(
      `agent: ${final?.text ?? '-'} (first part ${firstSpeechS.toFixed(1)} s, whole turn ${wholeTurnS.toFixed(1)} s)`,
    );
    expect(secs).toBeGreaterThan(wholeTurnS - 1);
    expect(unexpectedErrors(s.errors)).toEqual([]);
    expect(problems).toEqual([]);
    await page.screenshot({ path: 'test-results/demo-turn-model.png', fullPage: true });
  } finally {
    await browser.close();
  }
});

test("turnDetector 'silence' at 200 ms: the same audio is cut at the pause", async () => {
  const { browser, page, problems } = await openDemo('turn-pause', { silenceMs: '200', turnDetector: 'silence' });
  try {
    await connectDemo(page);
    await recordVerdicts(page);
    await waitForDemo(page, "d.events.filter((e) => e.type === 'turn_end').length >= 2", 90_000);
    const s = await snapshot(page);
    const types = eventTypes(s).filter((t) => !t.startsWith('state:'));
    console.log(`events: ${types.join(', ')}`);
    const firstEnd = s.events.find((e) => e.type === 'turn_end')?.time ?? 0;
    const secondStart = s.events.filter((e) => e.type === 'speech_start')[1]?.time ?? 0;
    expect(firstEnd).toBeLessThan(secondStart);
    expect(await page.evaluate(() => (window as unknown as { verdicts: unknown[] }).verdicts)).toEqual([]);
    expect(unexpectedErrors(s.errors)).toEqual([]);
    expect(problems).toEqual([]);
  } finally {
    await browser.close();
  }
});
