/**
 * The VAD worker in Chromium: Silero v5 on onnxruntime-web (wasm, one thread) in a module worker, fed by
 * the capture ring (shared memory) or a MessagePort, with the endpointer's events checked against the
 * ground truth of the fixtures (energy of the clean signal) on the AudioContext clock.
 */
import { expect, test, type Browser } from '@playwright/test';
import type { SpeechStartEvent, TurnEndEvent } from '../src/vad/events.ts';
import type { VadFrame, VadReadyInfo, VadStats } from '../src/vad/types.ts';
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
    classify(url: string, options?: object): Promise<{ events: LabEvent[]; frames: number }>;
    startOnly(options: object): Promise<LabEvent[]>;
    startMany(list: object[]): Promise<LabEvent[][]>;
    live(urls: string[], o?: LiveOptions): Promise<LiveResult>;
  };
}

let browser: Browser;
let manifest: FixtureManifest;

test.beforeAll(async () => {
  manifest = await vadFixtures();
  browser = await launchChromium();
});

test.afterAll(async () => {
  await browser.close();
});

function fixture(name: string) {
  const e = manifest.fixtures.find((f) => f.name === name);
  if (!e) throw new Error(`no fixture ${name}`);
  return e;
}

test('the worker loads Silero v5 and classifies speech and silence', async () => {
  const { page, problems } = await openLab(browser);
  for (const name of ['clean-us-150', 'real-ls-f']) {
    const url = fixtureUrl(name);
    const r = await page.evaluate(
      ([u]) => (window as unknown as LabApi).vadLab.classify(u ?? '', { maxLagMs: 1e9 }),
      [url],
    );
    const ready = payloads<VadReadyInfo>(r.events, 'ready')[0];
    expect(ready?.backend).toBe('wasm');
    expect(ready?.reason).toBe('no WebGPU adapter');
    const frames = payloads<VadFrame>(r.events, 'frame');
    expect(frames).toHaveLength(r.frames);
    // Ground truth at 16 kHz (the manifest is at 48 kHz).
    const speech = fixture(name).speech.map((s) => [s.startSample / 3, s.endSample / 3] as const);
    const inside = frames.filter((f) => speech.some(([a, b]) => f.position >= a + 1600 && f.position + 512 <= b - 800));
    const far = frames.filter((f) => speech.every(([a, b]) => f.position + 512 <= a - 4800 || f.position >= b + 4800));
    expect(inside.length, name).toBeGreaterThan(20);
    expect(far.length, name).toBeGreaterThan(5);
    const high = inside.filter((f) => f.probability > 0.5).length / inside.length;
    console.log(
      `${name}: ${(high * 100).toFixed(0)}% of speech frames > 0.5; max in silence ${Math.max(...far.map((f) => f.probability)).toFixed(3)}; inference p50 ${median(frames.map((f) => f.inferenceMs)).toFixed(2)} ms`,
    );
    expect(high, name).toBeGreaterThan(0.9);
    expect(Math.max(...far.map((f) => f.probability)), name).toBeLessThan(0.2);
    expect(payloads(r.events, 'error')).toEqual([]);
  }
  expect(problems).toEqual([]);
});

test('live through the capture ring: endpointer events match the ground truth on the AudioContext clock', async () => {
  const { page, problems } = await openLab(browser);
  const urls = ['clean-usf-190', 'clicks', 'hes-300'].map(fixtureUrl);
  const silenceMs = 500;
  const r = await page.evaluate(
    // maxLagMs 2000: this machine is shared; falling behind has its own test (vad-recovery).
    ([u, s]) =>
      (window as unknown as LabApi).vadLab.live(u, { options: { endpointer: { silenceMs: s }, maxLagMs: 2000 } }),
    [urls, silenceMs] as const,
  );
  const truth = truthTurns(r, manifest);
  expect(truth).toHaveLength(2); // the clicks have no turn
  const starts = payloads<SpeechStartEvent>(r.events, 'speech_start');
  const ends = payloads<TurnEndEvent>(r.events, 'turn_end');
  expect(starts, 'one turn per utterance, none on the clicks, none split by the 300 ms pause').toHaveLength(2);
  expect(ends).toHaveLength(2);
  truth.forEach((t, k) => {
    const s = starts[k];
    const e = ends[k];
    if (!s || !e) throw new Error('missing events');
    const ms = (x: number): string => `${(x * 1000).toFixed(0)} ms`;
    console.log(
      `${t.fixture}: onset ${ms(s.onsetTime - t.on)} (reported), speech_start +${ms(s.at - t.on)} (arrival); ` +
        `end ${ms(e.endTime - t.off)} (reported), turn_end silenceMs+${ms(e.at - t.off - silenceMs / 1000)} (arrival)`,
    );
    expect(s.onsetTime - t.on).toBeGreaterThan(-0.04);
    expect(s.onsetTime - t.on).toBeLessThan(0.1);
    // Arrival times depend on how loaded the machine is (CI has 2 busy cores): here only causality and
    // the maxLagMs bound are asserted; the arrival latency itself is measured by `npm run bench -- vad`.
    expect(s.at - s.onsetTime, 'speech_start arrives after its onset').toBeGreaterThan(0);
    expect(s.at - t.on, 'speech_start within maxLagMs').toBeLessThan(2.3);
    expect(e.reason).toBe('silence');
    // Silero may call a quiet trailing vowel silence before the energy threshold does.
    expect(e.endTime - t.off).toBeGreaterThan(-0.15);
    expect(e.endTime - t.off).toBeLessThan(0.16);
    expect(e.at - e.endTime - silenceMs / 1000, 'turn_end after silenceMs').toBeGreaterThan(0);
    expect(e.at - t.off - silenceMs / 1000, 'turn_end within maxLagMs').toBeLessThan(2.3);
  });
  expect(payloads(r.events, 'error')).toEqual([]);
  expect((r.stats as VadStats).droppedSamples).toBe(0);
  expect(problems).toEqual([]);
});

test('live through a MessagePort (pages without SharedArrayBuffer)', async () => {
  const { page, problems } = await openLab(browser);
  const r = await page.evaluate(
    ([u]) => (window as unknown as LabApi).vadLab.live([u ?? ''], { source: 'port', options: { maxLagMs: 2000 } }),
    [fixtureUrl('white-15db')],
  );
  const [t] = truthTurns(r, manifest);
  const starts = payloads<SpeechStartEvent>(r.events, 'speech_start');
  const ends = payloads<TurnEndEvent>(r.events, 'turn_end');
  expect(starts).toHaveLength(1);
  expect(ends).toHaveLength(1);
  if (!t) throw new Error('no truth');
  expect(Math.abs((starts[0]?.onsetTime ?? 0) - t.on)).toBeLessThan(0.1);
  expect((ends[0]?.endTime ?? 0) - t.off).toBeGreaterThan(-0.15);
  expect((ends[0]?.endTime ?? 0) - t.off).toBeLessThan(0.16);
  expect(payloads(r.events, 'error')).toEqual([]);
  expect((r.stats as VadStats).droppedSamples).toBe(0);
  expect(problems).toEqual([]);
});

test('a missing, misrouted or corrupt model, or a missing runtime, is a typed error event', async () => {
  const { page } = await openLab(browser);
  // Vite answers unknown paths with its index.html, so real HTTP errors and network failures are routed.
  await page.context().route('**/gone/silero.onnx', (r) => r.fulfill({ status: 404, body: 'not found' }));
  await page.context().route('**/unreachable/silero.onnx', (r) => r.abort('connectionrefused'));
  const cases: [string, object, string, RegExp][] = [
    ['HTTP 404', { modelUrl: '/gone/silero.onnx' }, 'model_load_failed', /HTTP 404/],
    ['network error', { modelUrl: '/unreachable/silero.onnx' }, 'model_load_failed', /Failed to fetch/],
    ['HTML fallback', { modelUrl: '/no/such/model.onnx' }, 'model_load_failed', /HTML page/],
    ['not a model', { modelUrl: fixtureUrl('clicks') }, 'model_invalid', /could not be loaded|protobuf/],
    ['no wasm', { wasmUrl: '/gone/ort.wasm' }, 'runtime_load_failed', /could not start/],
  ];
  for (const [what, options, code, message] of cases) {
    const events = await page.evaluate(
      ([o]) => (window as unknown as LabApi).vadLab.startOnly({ ...o, modelCache: false }),
      [options],
    );
    const errors = payloads<{ code: string; message: string; recoverable: boolean }>(events, 'error');
    expect(errors, what).toHaveLength(1);
    expect(errors[0]?.code, what).toBe(code);
    expect(errors[0]?.message, what).toMatch(message);
    expect(errors[0]?.recoverable, what).toBe(false);
    expect(payloads(events, 'ready'), what).toEqual([]);
    expect(
      events.filter((e) => e.type === 'status').map((e) => e.payload),
      what,
    ).toEqual(['failed', 'closed']);
  }
});

test('VAD instances do not share onnxruntime settings: a broken one next to a working one', async () => {
  const { page } = await openLab(browser);
  await page.context().route('**/gone/ort.wasm', (r) => r.fulfill({ status: 404, body: 'not found' }));
  // ORT reads env.wasm.wasmPaths once per JavaScript realm; each VAD has its own worker (realm).
  const [broken, working] = await page.evaluate(() =>
    (window as unknown as LabApi).vadLab.startMany([{ wasmUrl: '/gone/ort.wasm', modelCache: false }, {}]),
  );
  expect(payloads<{ code: string }>(broken ?? [], 'error').map((e) => e.code)).toEqual(['runtime_load_failed']);
  expect(payloads<VadReadyInfo>(working ?? [], 'ready')[0]?.backend).toBe('wasm');
  expect(payloads(working ?? [], 'error')).toEqual([]);
});

test('the model is cached for offline use: a failing network falls back to the cached copy', async () => {
  const { page, problems } = await openLab(browser);
  const cache = `sotto-vad-e2e-${Date.now()}`;
  const first = await page.evaluate(
    ([c]) => (window as unknown as LabApi).vadLab.startOnly({ modelCache: c }),
    [cache],
  );
  expect(payloads<VadReadyInfo>(first, 'ready')[0]?.fromCache).toBe(false);
  // Offline: the model URL now fails; the worker takes the copy from Cache Storage.
  await page.context().route('**/silero_vad_v5.onnx*', (r) => r.abort('internetdisconnected'));
  const second = await page.evaluate(
    ([c]) => (window as unknown as LabApi).vadLab.startOnly({ modelCache: c }),
    [cache],
  );
  expect(payloads(second, 'error')).toEqual([]);
  expect(payloads<VadReadyInfo>(second, 'ready')[0]?.fromCache).toBe(true);
  await page.evaluate((c) => caches.delete(c), cache);
  expect(problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(p))).toEqual([]);
});

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}
