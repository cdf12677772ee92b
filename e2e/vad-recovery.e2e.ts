/**
 * The VAD under bad conditions, in Chromium: a crashed worker (restart once on wasm, resuming where the
 * capture ring still holds the audio), a stalled worker (reported, then caught up), and WebGPU: a
 * SwiftShader adapter is refused, and when forced (tests only) a lost device falls back to wasm mid-stream.
 */
import { expect, test, type Browser } from '@playwright/test';
import type { SpeechStartEvent, TurnEndEvent } from '../src/vad/events.ts';
import type { VadBackendChange, VadFrame, VadReadyInfo, VadStats } from '../src/vad/types.ts';
import { launchChromium } from './browser.ts';
import {
  fixtureUrl,
  openLab,
  payloads,
  truthTurns,
  vadFixtures,
  type FixtureManifest,
  type LabEvent,
  type LiveOptions,
  type LiveResult,
} from './vad-harness/lab.ts';

interface LabApi {
  vadLab: {
    classify(
      url: string,
      options?: object,
      faults?: { afterFrames: number; fault: string }[],
    ): Promise<{ events: LabEvent[]; frames: number }>;
    startOnly(options: object): Promise<LabEvent[]>;
    live(urls: string[], o?: LiveOptions): Promise<LiveResult>;
    adapterInfo(): Promise<{ architecture: string; isFallbackAdapter: boolean } | null>;
  };
}

interface ErrorPayload {
  code: string;
  message: string;
  recoverable: boolean;
}

let manifest: FixtureManifest;

test.beforeAll(async () => {
  manifest = await vadFixtures();
});

test.describe('without WebGPU', () => {
  let browser: Browser;
  test.beforeAll(async () => {
    browser = await launchChromium();
  });
  test.afterAll(async () => {
    await browser.close();
  });

  test('a crashed worker is restarted once on wasm and resumes from the last analysed frame', async () => {
    const { page } = await openLab(browser);
    const r = await page.evaluate(
      (u) =>
        (window as unknown as LabApi).vadLab.live(u, {
          faults: [{ at: 1.0, fault: 'crash' }],
          // One turn per fixture (the hesitation is 500 ms); the catch-up after the restart is reported.
          options: { endpointer: { silenceMs: 800 } },
        }),
      ['clean-us-150', 'hes-500'].map(fixtureUrl),
    );
    const errors = payloads<ErrorPayload>(r.events, 'error');
    expect(errors[0]).toMatchObject({ code: 'worker_crashed', recoverable: true });
    expect(errors.slice(1).every((e) => e.code === 'falling_behind')).toBe(true); // catching up after the restart
    const statuses = r.events.filter((e) => e.type === 'status').map((e) => e.payload);
    expect(statuses).toEqual(['running', 'recovering', 'running', 'closed']);
    const ready = payloads<VadReadyInfo>(r.events, 'ready');
    expect(ready.map((x) => [x.generation, x.backend])).toEqual([
      [1, 'wasm'],
      [2, 'wasm'],
    ]);
    // The turn open at the crash was closed there; the new worker went on with no audio lost.
    const ends = payloads<TurnEndEvent>(r.events, 'turn_end');
    expect(ends[0]?.reason).toBe('flush');
    expect((r.stats as VadStats).droppedSamples).toBe(0);
    // The second fixture is endpointed as usual, with a turn id that was never used before.
    const starts = payloads<SpeechStartEvent>(r.events, 'speech_start');
    const ids = starts.map((s) => s.turnId);
    expect(new Set(ids).size).toBe(ids.length);
    const truth = truthTurns(r, manifest).find((t) => t.fixture === 'hes-500');
    if (!truth) throw new Error('no truth');
    const next = starts.find((s) => s.onsetTime > truth.on - 0.2);
    if (!next) throw new Error('missing turn');
    expect(Math.abs(next.onsetTime - truth.on)).toBeLessThan(0.1);
    expect(ends.at(-1)?.reason).toBe('silence');
  });

  test('a stalled worker is reported as falling behind, catches up, and loses nothing', async () => {
    const { page } = await openLab(browser);
    const r = await page.evaluate(
      // The skip policy off (skipAfterMs 0): this is about a stall worked through; dropping to the present
      // after a long backlog (which a loaded machine reaches at start-up) has its own tests (catch-up).
      ([u]) =>
        (window as unknown as LabApi).vadLab.live([u ?? ''], {
          options: { skipAfterMs: 0 },
          faults: [{ at: 1.0, fault: 'stall' }],
        }),
      [fixtureUrl('clean-us-150')],
    );
    const errors = payloads<ErrorPayload>(r.events, 'error');
    expect(errors.map((e) => e.code)).toEqual(['falling_behind']);
    expect(errors[0]?.recoverable).toBe(true);
    const stats = r.stats as VadStats;
    expect(stats.maxBehindSamples).toBeGreaterThan(16_000); // the 1.5 s stall
    expect(stats.behindSamples).toBeLessThan(2048); // caught up
    expect(stats.droppedSamples).toBe(0);
    const [truth] = truthTurns(r, manifest);
    const starts = payloads<SpeechStartEvent>(r.events, 'speech_start');
    const ends = payloads<TurnEndEvent>(r.events, 'turn_end');
    expect(starts).toHaveLength(1);
    expect(ends).toHaveLength(1);
    if (!truth) throw new Error('no truth');
    expect(Math.abs((starts[0]?.onsetTime ?? 0) - truth.on)).toBeLessThan(0.1);
    expect((ends[0]?.endTime ?? 0) - truth.off).toBeLessThan(0.16);
  });
});

test.describe('with a software WebGPU adapter (SwiftShader)', () => {
  let browser: Browser;
  test.beforeAll(async () => {
    browser = await launchChromium({ args: ['--enable-unsafe-webgpu'] });
  });
  test.afterAll(async () => {
    await browser.close();
  });

  test('auto never chooses it: the VAD runs on wasm and says why', async () => {
    const { page, problems } = await openLab(browser);
    const adapter = await page.evaluate(() => (window as unknown as LabApi).vadLab.adapterInfo());
    test.skip(adapter === null, 'this Chromium offers no WebGPU adapter even with --enable-unsafe-webgpu');
    expect(adapter?.architecture).toBe('swiftshader');
    for (const backend of ['auto', 'webgpu']) {
      const events = await page.evaluate(
        ([b]) => (window as unknown as LabApi).vadLab.startOnly({ backend: b }),
        [backend],
      );
      const ready = payloads<VadReadyInfo>(events, 'ready')[0];
      expect(ready?.backend, backend).toBe('wasm');
      expect(ready?.reason, backend).toMatch(/adapter.*swiftshader.*refused/);
      expect(ready?.adapter?.architecture, backend).toBe('swiftshader');
      expect(ready?.benchmark, backend).toBeNull();
      expect(payloads(events, 'error'), backend).toEqual([]);
    }
    expect(problems).toEqual([]);
  });

  test('forced onto it (tests only), a lost device falls back to wasm mid-stream without losing a frame', async () => {
    test.setTimeout(120_000);
    const { page } = await openLab(browser);
    const adapter = await page.evaluate(() => (window as unknown as LabApi).vadLab.adapterInfo());
    test.skip(adapter === null, 'this Chromium offers no WebGPU adapter even with --enable-unsafe-webgpu');
    const r = await page.evaluate(
      ([u]) =>
        (window as unknown as LabApi).vadLab.classify(
          u ?? '',
          { backend: 'webgpu', allowSoftwareAdapter: true, maxLagMs: 1e9 },
          [{ afterFrames: 20, fault: 'backend_lost' }],
        ),
      [fixtureUrl('clean-car-140')],
    );
    const ready = payloads<VadReadyInfo>(r.events, 'ready')[0];
    expect(ready?.backend).toBe('webgpu');
    const errors = payloads<ErrorPayload>(r.events, 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'backend_lost', recoverable: true });
    expect(payloads<VadBackendChange>(r.events, 'backend').map((b) => b.backend)).toEqual(['wasm']);
    // Every frame analysed once, in order, across the switch (512-sample frames, one every 256 samples).
    const frames = payloads<VadFrame>(r.events, 'frame');
    expect(frames).toHaveLength(r.frames);
    frames.forEach((f, k) => {
      expect(f.position).toBe(k * 256);
    });
    // And the speech is still found after the switch.
    const speech = manifest.fixtures.find((f) => f.name === 'clean-car-140')?.speech[0];
    if (!speech) throw new Error('no truth');
    const after = frames.filter(
      (f) => f.position > speech.startSample / 3 + 3200 && f.position < speech.endSample / 3 - 3200,
    );
    expect(after.filter((f) => f.probability > 0.5).length / after.length).toBeGreaterThan(0.8);
  });
});
