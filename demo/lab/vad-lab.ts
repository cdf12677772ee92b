/**
 * VAD lab page: drives {@link VadClient} for the browser tests (`window.vadLab`). Every function returns
 * plain data (events with their arrival time on the AudioContext clock), and the tests assert on it.
 */
import { createRingStorage } from '../../src/audio/ring-buffer.ts';
import { VadClient } from '../../src/vad/vad-client.ts';
import type { VadClientEvents, VadFault, VadOptions } from '../../src/vad/types.ts';
import captureUrl from './capture-worklet.ts?worker&url';

/** One event as recorded by the lab. */
export interface LabEvent {
  type: string;
  /** AudioContext time at arrival on the main thread (s), NaN without a context. */
  at: number;
  /** performance.now() at arrival (ms). */
  wall: number;
  payload: unknown;
}

const EVENT_TYPES: (keyof VadClientEvents)[] = [
  'ready',
  'speech_start',
  'turn_ending',
  'turn_resumed',
  'turn_end',
  'misfire',
  'frame',
  'stats',
  'backend',
  'status',
  'error',
];

/** Records every event of `vad`; errors become plain `{ code, message, recoverable }`. */
function record(vad: VadClient, ctx: AudioContext | null): LabEvent[] {
  const log: LabEvent[] = [];
  for (const type of EVENT_TYPES) {
    vad.on(type, (payload: unknown) => {
      const p =
        payload instanceof Error
          ? {
              code: (payload as { code?: string }).code,
              message: payload.message,
              recoverable: (payload as { recoverable?: boolean }).recoverable,
            }
          : payload;
      log.push({ type, at: ctx ? ctx.currentTime : Number.NaN, wall: performance.now(), payload: p });
    });
  }
  return log;
}

/** Decodes a WAV at `rate` (mono). */
async function decode(url: string, rate: number): Promise<Float32Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const ctx = new OfflineAudioContext(1, 1, rate);
  const buf = await ctx.decodeAudioData(await res.arrayBuffer());
  return buf.getChannelData(0).slice();
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * Runs a decoded fixture through the `push` source as fast as the worker goes; returns every frame's
 * probability and the endpointer events.
 */
async function classify(
  url: string,
  options: VadOptions = {},
  faults: { afterFrames: number; fault: VadFault }[] = [],
): Promise<{ events: LabEvent[]; frames: number }> {
  const samples = await decode(url, 16_000);
  const vad = new VadClient({ ...options, frameEvents: true });
  const events = record(vad, null);
  let analysed = 0;
  vad.on('frame', () => {
    analysed++;
    for (const f of faults) if (f.afterFrames === analysed) vad.simulateFault(f.fault);
  });
  try {
    vad.start({ type: 'push' });
    vad.push(samples, 0, 0);
    vad.flush();
    // A 512-sample frame every 256 samples: the first hop only starts one.
    const frames = Math.max(0, Math.floor(samples.length / 256) - 1);
    await waitFor(
      () => events.filter((e) => e.type === 'frame').length >= frames || vad.status === 'failed',
      60_000,
      `${frames} frames`,
    );
    await sleep(100);
    return { events, frames };
  } finally {
    await vad.close();
  }
}

/** Creates a VAD and waits for `ready` or a fatal error; returns the events. */
async function startOnly(options: VadOptions, waitMs = 30_000): Promise<LabEvent[]> {
  const vad = new VadClient(options);
  const events = record(vad, null);
  try {
    vad.start({ type: 'push' });
    await Promise.race([vad.ready().catch(() => undefined), sleep(waitMs)]);
    await sleep(50);
    return events;
  } finally {
    await vad.close();
  }
}

/** Several VADs at once (isolation: one's ORT settings must not affect another's). */
function startMany(list: VadOptions[]): Promise<LabEvent[][]> {
  return Promise.all(list.map((o) => startOnly(o)));
}

export interface LiveOptions {
  /** `ring` (shared memory, worker reads it) or `port` (chunks through the client). Default `ring`. */
  source?: 'ring' | 'port';
  options?: VadOptions;
  /** Faults to inject, at seconds after the first fixture starts. */
  faults?: { at: number; fault: VadFault }[];
  /** Seconds of silence between fixtures. Default 0 (fixtures carry their own lead and trail). */
  gap?: number;
}

export interface LiveResult {
  events: LabEvent[];
  /** AudioContext time at which each fixture's sample 0 reached the capture worklet. */
  schedule: { url: string; start: number; samples: number }[];
  rate: number;
  stats: unknown;
}

/**
 * Plays fixtures in real time into the lab capture worklet (AudioBufferSourceNode connected straight to
 * it, so a fixture's sample s is captured at exactly start + s / rate on the AudioContext clock), which
 * feeds the VAD through the ring or the port.
 */
async function live(urls: string[], o: LiveOptions = {}): Promise<LiveResult> {
  const ctx = new AudioContext({ sampleRate: 48_000, latencyHint: 'interactive' });
  await ctx.resume();
  await ctx.audioWorklet.addModule(captureUrl);
  const shared = (o.source ?? 'ring') === 'ring';
  const storage = shared ? createRingStorage({ sampleRate: 16_000, seconds: 20 }) : null;
  const node = new AudioWorkletNode(ctx, 'sotto-lab-capture', {
    numberOfInputs: 1,
    numberOfOutputs: 0,
    processorOptions: storage ? { storage } : {},
  });
  const silence = ctx.createConstantSource();
  silence.offset.value = 0;
  silence.connect(node);
  silence.start();
  const vad = new VadClient(o.options ?? {});
  const events = record(vad, ctx);
  try {
    if (storage) {
      vad.start({ type: 'ring', storage: storage as SharedArrayBuffer, startAt: 'now' });
    } else {
      const port = vad.start({ type: 'port' });
      node.port.postMessage({ type: 'port', port }, [port]);
    }
    await vad.ready();
    const buffers = await Promise.all(urls.map((u) => decode(u, 48_000)));
    let t = ctx.currentTime + 0.3;
    const schedule: LiveResult['schedule'] = [];
    buffers.forEach((samples, i) => {
      const buf = ctx.createBuffer(1, samples.length, 48_000);
      buf.copyToChannel(samples as Float32Array<ArrayBuffer>, 0);
      const src = ctx.createBufferSource();
      src.buffer = buf;
      src.connect(node);
      src.start(t);
      schedule.push({ url: urls[i] ?? '', start: t, samples: samples.length });
      t += samples.length / 48_000 + (o.gap ?? 0);
    });
    const t0 = schedule[0]?.start ?? ctx.currentTime;
    for (const f of o.faults ?? []) {
      setTimeout(
        () => {
          vad.simulateFault(f.fault);
        },
        (t0 + f.at - ctx.currentTime) * 1000,
      );
    }
    await waitFor(() => ctx.currentTime > t + 0.3, (t - ctx.currentTime + 30) * 1000, 'the end of playback');
    const stats = vad.status === 'running' ? await vad.stats() : null;
    return { events, schedule, rate: 48_000, stats };
  } finally {
    await vad.close();
    await ctx.close();
  }
}

/** What the WebGPU adapter of this browser looks like from the page (diagnostics). */
async function adapterInfo(): Promise<unknown> {
  if (!('gpu' in navigator)) return null;
  const gpu = navigator.gpu;
  const a = await gpu.requestAdapter();
  if (!a) return null;
  const { vendor, architecture, device, description, isFallbackAdapter } = a.info;
  return { vendor, architecture, device, description, isFallbackAdapter };
}

const lab = { classify, startOnly, startMany, live, adapterInfo, decode, ready: true };
(window as unknown as { vadLab: typeof lab }).vadLab = lab;
