/**
 * VAD bench page (driven by bench/vad.ts on its own Vite server, which pre-bundles the CommonJS
 * `@ricky0123/vad-web`; the e2e demo server does not). Plays the fixtures in real time into one
 * MediaStream that every pipeline hears: our VAD worker(s) through the lab capture worklet and the capture
 * ring, and @ricky0123/vad-web's MicVAD (defaults, and tuned) through `getStream`. Every event is stamped
 * with the AudioContext time at which it reached the main thread. The path delay of the stream is
 * calibrated with an impulse, so the ground truth is on the same clock.
 */
import { MicVAD, type RealTimeVADOptions } from '@ricky0123/vad-web';
import { createRingStorage } from '../../src/audio/ring-buffer.ts';
import { VadClient } from '../../src/vad/vad-client.ts';
import type { VadOptions } from '../../src/vad/types.ts';
import captureUrl from './capture-worklet.ts?worker&url';

export interface BenchConfig {
  /** Fixture URLs, played back to back. */
  urls: string[];
  /** Our configurations (one worker each, all reading the same ring). */
  ours: { name: string; options: VadOptions }[];
  /** MicVAD configurations (each its own MicVAD on the same stream and context). */
  peers: { name: string; options: Partial<RealTimeVADOptions> }[];
  /** Where @ricky0123/vad-web's dist and onnxruntime-web's dist are served. */
  vadWebBase: string;
  ortBase: string;
  /** Seconds of silence after the last fixture. */
  tail: number;
}

/** An event as it reached the main thread. */
export interface BenchEvent {
  type: string;
  /** AudioContext time at arrival (s). */
  at: number;
  payload?: unknown;
}

export interface BenchRaw {
  /** Stream path delay: a sample scheduled at t is captured at t + delay (s). */
  delay: number;
  schedule: { url: string; start: number; samples: number }[];
  rate: number;
  ours: Record<string, { initMs: number; ready: unknown; events: BenchEvent[]; inferenceMs: number[]; stats: unknown }>;
  peers: Record<string, { initMs: number; events: BenchEvent[]; inferenceMs: number[] }>;
  /**
   * Inference alone, after the real-time part: one model at a time, frames back to back, in the same
   * browser (ours in its worker, MicVAD's model function on the main thread).
   */
  isolated: { ours: number[]; peers: Record<string, number[]> };
  /** Lateness of a 10 ms main-thread timer during the real-time part: the page's own health. */
  stalls: { maxMs: number; over100: number };
  context: { sampleRate: number; baseLatency: number };
}

async function decode(url: string, rate = 48_000): Promise<Float32Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const buf = await new OfflineAudioContext(1, 1, rate).decodeAudioData(await res.arrayBuffer());
  return buf.getChannelData(0).slice();
}

/** At least `frames` 512-sample frames of fixture audio at 16 kHz. */
async function frames16k(urls: string[], frames: number): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  let n = 0;
  for (const u of urls) {
    if (n >= frames * 512) break;
    const x = await decode(u, 16_000);
    parts.push(x);
    n += x.length;
  }
  const out = new Float32Array(frames * 512);
  let at = 0;
  for (const p of parts) {
    out.set(p.subarray(0, Math.min(p.length, out.length - at)), at);
    at += p.length;
    if (at >= out.length) break;
  }
  return out;
}

const ISOLATED_FRAMES = 500;

/** Our worker on back-to-back frames (the push source), one instance; returns the per-frame times. */
async function isolatedOurs(x: Float32Array): Promise<number[]> {
  const times: number[] = [];
  const vad = new VadClient({ frameEvents: true, maxLagMs: 1e9, statsIntervalMs: 0 });
  vad.on('frame', (f) => times.push(f.inferenceMs));
  try {
    vad.start({ type: 'push' });
    await vad.ready();
    vad.push(x, 0, 0);
    while (times.length < x.length / 512) await sleep(20);
    return times;
  } finally {
    await vad.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function run(cfg: BenchConfig): Promise<BenchRaw> {
  const ctx = new AudioContext({ sampleRate: 48_000, latencyHint: 'interactive' });
  await ctx.resume();
  await ctx.audioWorklet.addModule(captureUrl);
  const dest = ctx.createMediaStreamDestination();
  dest.channelCount = 1;
  const keepAlive = ctx.createConstantSource();
  keepAlive.offset.value = 0;
  keepAlive.connect(dest);
  keepAlive.start();

  // Our capture: stream -> lab worklet (resample to 16 kHz) -> ring.
  const storage = createRingStorage({ sampleRate: 16_000, seconds: 30 });
  const capture = new AudioWorkletNode(ctx, 'sotto-lab-capture', {
    numberOfInputs: 1,
    numberOfOutputs: 0,
    processorOptions: { storage },
  });
  ctx.createMediaStreamSource(dest.stream).connect(capture);

  const ours: BenchRaw['ours'] = {};
  const clients: VadClient[] = [];
  for (const o of cfg.ours) {
    const t0 = performance.now();
    const vad = new VadClient({ ...o.options, frameEvents: true });
    clients.push(vad);
    const rec: BenchRaw['ours'][string] = { initMs: Number.NaN, ready: null, events: [], inferenceMs: [], stats: null };
    ours[o.name] = rec;
    for (const type of ['speech_start', 'turn_ending', 'turn_resumed', 'turn_end', 'misfire'] as const) {
      vad.on(type, (e) => rec.events.push({ type, at: ctx.currentTime, payload: e }));
    }
    vad.on('error', (e) =>
      rec.events.push({ type: 'error', at: ctx.currentTime, payload: { code: e.code, message: e.message } }),
    );
    vad.on('frame', (f) => rec.inferenceMs.push(f.inferenceMs));
    vad.start({ type: 'ring', storage: storage as SharedArrayBuffer, startAt: 'now' });
    rec.ready = await vad.ready();
    rec.initMs = performance.now() - t0;
  }

  const peers: BenchRaw['peers'] = {};
  const micVads: MicVAD[] = [];
  const peerModels: ((f: Float32Array) => Promise<unknown>)[] = [];
  for (const p of cfg.peers) {
    const rec: BenchRaw['peers'][string] = { initMs: Number.NaN, events: [], inferenceMs: [] };
    peers[p.name] = rec;
    const push = (type: string) => () => {
      rec.events.push({ type, at: ctx.currentTime });
    };
    const t0 = performance.now();
    const vad = await MicVAD.new({
      model: 'v5',
      audioContext: ctx,
      getStream: () => Promise.resolve(dest.stream),
      pauseStream: () => Promise.resolve(),
      resumeStream: (s) => Promise.resolve(s),
      baseAssetPath: cfg.vadWebBase,
      onnxWASMBasePath: cfg.ortBase,
      ortConfig: (ort) => {
        ort.env.wasm.numThreads = 1;
        ort.env.logLevel = 'error';
      },
      startOnLoad: false,
      onSpeechStart: push('speech_start'),
      onSpeechRealStart: push('speech_real_start'),
      onSpeechEnd: push('speech_end'),
      onVADMisfire: push('misfire'),
      ...p.options,
    });
    // Time the model alone: wrap the frame processor's model call (MicVAD runs it on the main thread).
    const fp = (vad as unknown as { frameProcessor: { modelProcessFunc: (f: Float32Array) => Promise<unknown> } })
      .frameProcessor;
    const model = fp.modelProcessFunc;
    peerModels.push(model);
    fp.modelProcessFunc = async (f) => {
      const t = performance.now();
      const r = await model(f);
      rec.inferenceMs.push(performance.now() - t);
      return r;
    };
    await vad.start();
    rec.initMs = performance.now() - t0;
    micVads.push(vad);
  }

  // Calibrate the stream path with an impulse, then play the fixtures back to back.
  const buffers = await Promise.all(cfg.urls.map((u) => decode(u)));
  const peak = new Promise<number>((resolve) => {
    capture.port.onmessage = (e: MessageEvent<{ type: string; time: number }>) => {
      if (e.data.type === 'peak') resolve(e.data.time);
    };
  });
  capture.port.postMessage({ type: 'arm', threshold: 0.5 });
  const impulse = ctx.createBuffer(1, 1, 48_000);
  impulse.getChannelData(0)[0] = 1;
  const imp = ctx.createBufferSource();
  imp.buffer = impulse;
  imp.connect(dest);
  const tImpulse = ctx.currentTime + 0.2;
  imp.start(tImpulse);
  const delay = (await peak) - tImpulse;

  const stalls = { maxMs: 0, over100: 0 };
  let last = performance.now();
  const monitor = setInterval(() => {
    const now = performance.now();
    const late = now - last - 10;
    last = now;
    stalls.maxMs = Math.max(stalls.maxMs, late);
    if (late > 100) stalls.over100++;
  }, 10);

  let t = ctx.currentTime + 0.5;
  const schedule: BenchRaw['schedule'] = [];
  buffers.forEach((samples, i) => {
    const buf = ctx.createBuffer(1, samples.length, 48_000);
    buf.copyToChannel(samples as Float32Array<ArrayBuffer>, 0);
    const src = ctx.createBufferSource();
    src.buffer = buf;
    src.connect(dest);
    src.start(t);
    schedule.push({ url: cfg.urls[i] ?? '', start: t, samples: samples.length });
    t += samples.length / 48_000;
  });
  while (ctx.currentTime < t + cfg.tail) await sleep(100);
  clearInterval(monitor);

  for (const [i, o] of cfg.ours.entries()) {
    const rec = ours[o.name];
    const vad = clients[i];
    if (rec && vad) rec.stats = await vad.stats().catch(() => null);
  }
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(micVads.map((v) => v.pause()));

  const x = await frames16k(cfg.urls, ISOLATED_FRAMES);
  const isolated: BenchRaw['isolated'] = { ours: await isolatedOurs(x), peers: {} };
  for (const [i, p] of cfg.peers.entries()) {
    const model = peerModels[i];
    if (!model) continue;
    const times: number[] = [];
    for (let k = 0; k + 512 <= x.length; k += 512) {
      const t0 = performance.now();
      await model(x.slice(k, k + 512));
      times.push(performance.now() - t0);
    }
    isolated.peers[p.name] = times;
  }
  await Promise.all(micVads.map((v) => v.destroy()));
  const context = { sampleRate: ctx.sampleRate, baseLatency: ctx.baseLatency };
  await ctx.close();
  return { delay, schedule, rate: 48_000, ours, peers, isolated, stalls, context };
}

const bench = { run, ready: true };
(window as unknown as { vadBench: typeof bench }).vadBench = bench;
