import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRingStorage, RingWriter } from '../audio/ring-buffer.ts';
import type { EndpointerEvent } from './events.ts';
import type { VadError, VadErrorData } from './errors.ts';
import {
  fixedRuntime,
  fixture16k,
  nodeHandle,
  to16k,
  vadFixtures,
  type FixtureEntry,
  type FixtureManifest,
} from './node-runtime.test-util.ts';
import type { VadWorkerConfig, VadWorkerEvent } from './types.ts';
import { VadEngine } from './vad-engine.ts';

let manifest: FixtureManifest;
const engines: VadEngine[] = [];
const ports: MessagePort[] = [];

beforeAll(async () => {
  manifest = await vadFixtures();
});

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.dispose()));
  for (const p of ports.splice(0)) p.close();
});

function entry(name: string): FixtureEntry {
  const e = manifest.fixtures.find((f) => f.name === name);
  if (!e) throw new Error(`no fixture ${name}`);
  return e;
}

function config(over: Partial<VadWorkerConfig> = {}): VadWorkerConfig {
  return {
    modelUrl: '',
    wasmUrl: '',
    webgpuWasmUrl: '',
    backend: 'wasm',
    allowSoftwareAdapter: false,
    benchmarkFrames: 4,
    endpointer: {},
    modelCache: false,
    frameEvents: true,
    statsIntervalMs: 0,
    maxLagMs: 1e9,
    turn: null,
    generation: 1,
    progress: null,
    ...over,
  };
}

interface Harness {
  engine: VadEngine;
  events: VadWorkerEvent[];
  fatal: VadError[];
  endpointer(): EndpointerEvent[];
  errors(): VadErrorData[];
  probabilities(): number[];
  framesDone(n: number): Promise<void>;
}

async function harness(
  runtime: Parameters<typeof newEngine>[0],
  over: Partial<VadWorkerConfig> = {},
): Promise<Harness> {
  return newEngine(runtime, over);
}

async function newEngine(
  runtime: ConstructorParameters<typeof VadEngine>[0],
  over: Partial<VadWorkerConfig>,
): Promise<Harness> {
  const events: VadWorkerEvent[] = [];
  const fatal: VadError[] = [];
  const engine = new VadEngine(
    runtime,
    config(over),
    (e) => events.push(e),
    (e) => fatal.push(e),
  );
  engines.push(engine);
  await engine.init();
  return {
    engine,
    events,
    fatal,
    endpointer: () => events.flatMap((e) => (e.type === 'endpointer' ? [e.event] : [])),
    errors: () => events.flatMap((e) => (e.type === 'error' ? [e.error] : [])),
    probabilities: () => events.flatMap((e) => (e.type === 'frame' ? [e.probability] : [])),
    framesDone: async (n) => {
      const until = Date.now() + 20_000;
      while (engine.stats().frames < n && fatal.length === 0) {
        if (Date.now() > until) throw new Error(`only ${engine.stats().frames} of ${n} frames`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
  };
}

function attachPush(engine: VadEngine): void {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  engine.attach({ type: 'push', port: port2, backlog: 0 });
}

/** Frames the engine analyses in `n` contiguous samples: one per 256-sample hop, the first hop only starts one. */
function framesIn(n: number): number {
  return Math.max(0, Math.floor(n / 256) - 1);
}

/** Fixtures joined end to end at 16 kHz, with each one's offset. */
function join16k(names: string[]): { x: Float32Array; parts: { e: FixtureEntry; at: number }[] } {
  const parts = names.map((n) => ({ e: entry(n), x: fixture16k(entry(n)) }));
  const x = new Float32Array(parts.reduce((s, p) => s + p.x.length, 0));
  let at = 0;
  const out: { e: FixtureEntry; at: number }[] = [];
  for (const p of parts) {
    x.set(p.x, at);
    out.push({ e: p.e, at });
    at += p.x.length;
  }
  return { x, parts: out };
}

describe('VadEngine with the real model', () => {
  it('turns a pushed stream into one turn per utterance, matching the ground truth', async () => {
    const h = await harness(fixedRuntime(await nodeHandle('wasm')), { endpointer: { silenceMs: 800 } });
    attachPush(h.engine);
    const { x, parts } = join16k(['clean-us-150', 'hes-400-700', 'clicks', 'white-15db']);
    for (let i = 0; i < x.length; i += 320) {
      h.engine.push({ type: 'samples', samples: x.slice(i, i + 320), position: i, time: 100 + i / 16_000 });
    }
    await h.framesDone(framesIn(x.length));
    const starts = h.endpointer().filter((e) => e.type === 'speech_start');
    const ends = h.endpointer().filter((e) => e.type === 'turn_end');
    const truths = parts.flatMap((p) =>
      p.e.turns.map((t) => ({ on: p.at + to16k(t.startSample), off: p.at + to16k(t.endSample) })),
    );
    expect(truths).toHaveLength(3); // the clicks have none; the hesitations (400 and 700 ms) stay in one turn
    expect(starts).toHaveLength(3);
    expect(ends).toHaveLength(3);
    truths.forEach((t, k) => {
      const s = starts[k];
      const e = ends[k];
      if (s?.type !== 'speech_start' || e?.type !== 'turn_end') throw new Error('wrong events');
      // Onset: the first frame of the confirming run, within a frame (and Silero's rise) of the truth.
      expect(s.onsetSample - t.on).toBeGreaterThan(-512);
      expect(s.onsetSample - t.on).toBeLessThan(1600);
      expect(s.onsetTime).toBeCloseTo(100 + s.onsetSample / 16_000, 9);
      // Speech end: within a frame before and ~150 ms after the truth; the decision 800 ms (25 silent frames)
      // after it, plus any neutral frames (not silence) in the tail.
      expect(e.endSample - t.off).toBeGreaterThan(-512);
      expect(e.endSample - t.off).toBeLessThan(2400);
      expect(e.decisionSample - e.endSample).toBeGreaterThanOrEqual(25 * 512);
      expect(e.decisionSample - e.endSample).toBeLessThanOrEqual(28 * 512);
      expect(e.reason).toBe('silence');
    });
    expect(h.errors()).toEqual([]);
    expect(h.engine.stats()).toMatchObject({ droppedSamples: 0, backend: 'wasm' });
  });

  it('reads the shared ring with the times of its clock anchors', async () => {
    const storage = createRingStorage({ sampleRate: 16_000, seconds: 10 });
    const writer = new RingWriter(storage);
    const h = await harness(fixedRuntime(await nodeHandle('wasm')));
    h.engine.attach({ type: 'ring', storage: storage as SharedArrayBuffer, startAt: 'now' });
    const x = fixture16k(entry('clean-usf-190'));
    writer.markTime(42);
    for (let i = 0; i < x.length; i += 128) writer.write(x.subarray(i, Math.min(x.length, i + 128)));
    await h.framesDone(framesIn(x.length));
    const start = h.endpointer().find((e) => e.type === 'speech_start');
    if (start?.type !== 'speech_start') throw new Error('no speech_start');
    expect(start.onsetTime).toBeCloseTo(42 + start.onsetSample / 16_000, 9);
    expect(Math.abs(start.onsetSample - to16k(entry('clean-usf-190').speech[0]?.startSample ?? 0))).toBeLessThan(1600);
  });

  it('refuses a ring at another rate', async () => {
    const h = await harness(fixedRuntime(await nodeHandle('wasm')));
    const storage = createRingStorage({ sampleRate: 48_000, seconds: 1 });
    expect(() => {
      h.engine.attach({ type: 'ring', storage: storage as SharedArrayBuffer, startAt: 'now' });
    }).toThrow(/48000 Hz/);
  });

  it('reports lost audio as audio_dropped, closes the turn and restarts the stream after the gap', async () => {
    const h = await harness(fixedRuntime(await nodeHandle('wasm')));
    attachPush(h.engine);
    const x = fixture16k(entry('clean-usm-130'));
    const cut = 16_000 * 1.5; // in the middle of the sentence
    h.engine.push({ type: 'samples', samples: x.slice(0, cut), position: 0, time: 0 });
    await h.framesDone(framesIn(cut));
    h.engine.push({ type: 'samples', samples: x.slice(cut + 8000), position: cut + 8000, time: (cut + 8000) / 16_000 });
    await h.framesDone(framesIn(cut) + framesIn(x.length - cut - 8000));
    const dropped = h.errors().filter((e) => e.code === 'audio_dropped');
    expect(dropped).toHaveLength(1);
    expect(dropped[0]?.recoverable).toBe(true);
    expect(h.engine.stats().droppedSamples).toBe(8000 + (cut % 256));
    const types = h.endpointer().map((e) => (e.type === 'turn_end' ? `${e.type}:${e.reason}` : e.type));
    expect(types.slice(0, 2)).toEqual(['speech_start', 'turn_end:flush']);
    expect(types).toContain('turn_end:silence');
  });

  it('falls back from a failing WebGPU session to wasm without losing a frame or the recurrent state', async () => {
    const x = fixture16k(entry('hes-300'));
    const frames = framesIn(x.length);
    const reference = await harness(fixedRuntime(await nodeHandle('wasm')));
    attachPush(reference.engine);
    reference.engine.push({ type: 'samples', samples: x.slice(), position: 0, time: 0 });
    await reference.framesDone(frames);

    const gpu = await nodeHandle('webgpu', { failFrom: 40 });
    const runtime = fixedRuntime(gpu, await nodeHandle('wasm'));
    const h = await harness(runtime);
    attachPush(h.engine);
    h.engine.push({ type: 'samples', samples: x.slice(), position: 0, time: 0 });
    await h.framesDone(frames);
    const lost = h.errors().filter((e) => e.code === 'backend_lost');
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ recoverable: true });
    expect(h.events.filter((e) => e.type === 'backend')).toEqual([
      {
        type: 'backend',
        change: { backend: 'wasm', reason: expect.stringContaining('simulated device failure') as unknown },
      },
    ]);
    expect(gpu.released()).toBe(true);
    expect(runtime.wasmCreated()).toBe(0); // the warm fallback was used
    expect(h.engine.stats().backend).toBe('wasm');
    // Same probabilities as a run on wasm from the start: the state moved with the switch.
    const p = h.probabilities();
    expect(p).toHaveLength(frames);
    p.forEach((v, k) => {
      expect(v).toBeCloseTo(reference.probabilities()[k] ?? Number.NaN, 5);
    });
  });

  it('switches when the WebGPU device is lost while idle, and makes a wasm model when no fallback is warm', async () => {
    const gpu = await nodeHandle('webgpu');
    const runtime = fixedRuntime(gpu, null);
    const h = await harness(runtime);
    attachPush(h.engine);
    gpu.loseNow('GPU reset');
    await new Promise((r) => setTimeout(r, 300));
    expect(h.errors().map((e) => e.code)).toEqual(['backend_lost']);
    expect(runtime.wasmCreated()).toBe(1);
    h.engine.push({ type: 'samples', samples: fixture16k(entry('clean-car-140')), position: 0, time: 0 });
    await h.framesDone(50);
    expect(h.engine.stats().backend).toBe('wasm');
    expect(gpu.calls()).toBe(0);
  });

  it('rebuilds a failing wasm session once, then gives up (fatal: the client restarts the worker)', async () => {
    const runtime = fixedRuntime(await nodeHandle('wasm', { failFrom: 10 }));
    const h = await harness(runtime);
    attachPush(h.engine);
    h.engine.push({ type: 'samples', samples: new Float32Array(512 * 30), position: 0, time: 0 });
    await h.framesDone(30);
    expect(h.errors().map((e) => e.code)).toEqual(['backend_lost']);
    expect(h.fatal).toHaveLength(0);
    expect(runtime.wasmCreated()).toBe(1);
  });

  it('never falls behind silently: a backlog over maxLagMs is reported once per episode', async () => {
    const h = await harness(fixedRuntime(await nodeHandle('wasm')), { maxLagMs: 500 });
    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    // A backlog declared at attach (audio kept while loading) is caught up without a report...
    h.engine.attach({ type: 'push', port: port2, backlog: 16_000 });
    h.engine.push({ type: 'samples', samples: new Float32Array(16_000), position: 0, time: 0 });
    await h.framesDone(31);
    expect(h.errors()).toEqual([]);
    // ...but once caught up, 2 s arriving at once is falling behind.
    h.engine.push({ type: 'samples', samples: new Float32Array(16_000 * 2), position: 16_000, time: 1 });
    await h.framesDone(93);
    const behind = h.errors().filter((e) => e.code === 'falling_behind');
    expect(behind).toHaveLength(1);
    expect(behind[0]?.message).toMatch(/\d+ ms behind/);
    expect(h.engine.stats().maxBehindSamples).toBeGreaterThanOrEqual(32_000);
  });

  it('writes its progress for crash recovery and flushes on demand', async () => {
    const progress = new SharedArrayBuffer(16);
    const h = await harness(fixedRuntime(await nodeHandle('wasm')), { progress });
    attachPush(h.engine);
    const x = fixture16k(entry('clean-gbf-170')).slice(0, 16_000 * 2);
    h.engine.push({ type: 'samples', samples: x, position: 1000, time: 7 });
    await h.framesDone(framesIn(x.length));
    const p = new Float64Array(progress);
    const hops = Math.floor(x.length / 256);
    expect(p[0]).toBe(1000 + hops * 256);
    expect(p[1]).toBeCloseTo(7 + (hops * 256) / 16_000, 9);
    h.engine.flush();
    const last = h.endpointer().at(-1);
    expect(last?.type === 'turn_end' && last.reason).toBe('flush');
  });
});
