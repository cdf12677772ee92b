/**
 * The engine dropping to the present (catch-up.ts) on the capture ring, with the real model on
 * onnxruntime-node: a skip is reported, the VAD goes live, and a turn open at the skip keeps its start and
 * gets an end after the skip, so its whole audio is in the ring span the session reads back at commit.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRingStorage, RingReader, RingWriter } from '../audio/ring-buffer.ts';
import type { VadError } from './errors.ts';
import { fixedRuntime, fixture16k, nodeHandle, vadFixtures, type FixtureManifest } from './node-runtime.test-util.ts';
import type { VadWorkerConfig, VadWorkerEvent } from './types.ts';
import { VadEngine } from './vad-engine.ts';

let manifest: FixtureManifest;
const engines: VadEngine[] = [];

beforeAll(async () => {
  manifest = await vadFixtures();
});

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.dispose()));
});

function speech(name: string): Float32Array {
  const e = manifest.fixtures.find((f) => f.name === name);
  if (!e) throw new Error(`no fixture ${name}`);
  return fixture16k(e);
}

function config(over: Partial<VadWorkerConfig>): VadWorkerConfig {
  return {
    modelUrl: '',
    wasmUrl: '',
    webgpuWasmUrl: '',
    backend: 'wasm',
    allowSoftwareAdapter: false,
    benchmarkFrames: 4,
    endpointer: { silenceMs: 500 },
    modelCache: false,
    frameEvents: false,
    statsIntervalMs: 0,
    maxLagMs: 500,
    turn: null,
    generation: 1,
    progress: null,
    ...over,
  };
}

async function start(
  over: Partial<VadWorkerConfig>,
): Promise<{ engine: VadEngine; events: VadWorkerEvent[]; warmupMs: number | undefined }> {
  const events: VadWorkerEvent[] = [];
  const fatal: VadError[] = [];
  const engine = new VadEngine(
    fixedRuntime(await nodeHandle('wasm')),
    config(over),
    (e) => events.push(e),
    (e) => fatal.push(e),
  );
  engines.push(engine);
  const info = await engine.init();
  return { engine, events, warmupMs: info.warmupMs };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 20_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Writes `x` in 128-sample quanta, waiting for the engine to keep up every `chunk` samples (real-time-like). */
async function writePaced(w: RingWriter, engine: VadEngine, x: Float32Array, chunk = 2048): Promise<void> {
  for (let i = 0; i < x.length; i += chunk) {
    for (let j = i; j < Math.min(x.length, i + chunk); j += 128) w.write(x.subarray(j, Math.min(x.length, j + 128)));
    const target = w.position - 512;
    await until(() => engine.stats().position >= target, 'the engine to keep up');
  }
}

const types = (events: VadWorkerEvent[]): string[] =>
  events.map((e) => (e.type === 'endpointer' ? e.event.type : e.type === 'error' ? `error:${e.error.code}` : e.type));

describe('VadEngine catch-up on the ring', () => {
  it('warms up before ready and reports the time', async () => {
    const { engine, events, warmupMs } = await start({ warmupFrames: 8 });
    expect(warmupMs).toBeGreaterThan(0);
    // The warm-up ran on the model without a frame, an event or a decision.
    expect(engine.stats().frames).toBe(0);
    expect(events).toEqual([]);
    const cold = await start({});
    expect(cold.warmupMs).toBeUndefined();
  });

  it('skips a start-up backlog that grows, says so, and goes live at the present', async () => {
    const storage = createRingStorage({ sampleRate: 16_000, seconds: 10 });
    const w = new RingWriter(storage);
    w.markTime(10);
    const { engine, events } = await start({ skipAfterMs: 500 });
    engine.attach({ type: 'ring', storage: storage as SharedArrayBuffer, startAt: 'oldest' });
    // 4 s arrive at once: the backlog grew from 0 by far more than 500 ms.
    const x = new Float32Array(64_000);
    w.write(x);
    await until(() => events.some((e) => e.type === 'live'), 'live');
    const skip = events.find((e) => e.type === 'error');
    expect(skip?.type === 'error' && skip.error.code).toBe('skipped_ahead');
    expect(skip?.type === 'error' && skip.error.recoverable).toBe(true);
    const live = events.find((e) => e.type === 'live');
    expect(live).toMatchObject({ type: 'live', skipped: true });
    const s = engine.stats();
    expect(s.skips).toBe(1);
    expect(s.skippedSamples).toBeGreaterThan(64_000 - 8_000 - 1024);
    expect(s.droppedSamples).toBe(0); // skipped audio is still in the ring, not lost
  });

  it('keeps a turn open across a skip: its start stays, its end comes after the skip', async () => {
    const storage = createRingStorage({ sampleRate: 16_000, seconds: 10 });
    const w = new RingWriter(storage);
    w.markTime(0);
    const { engine, events } = await start({ skipAfterMs: 500 });
    engine.attach({ type: 'ring', storage: storage as SharedArrayBuffer, startAt: 'oldest' });
    const x = speech('clean-usm-130');
    // The first 1.5 s in real time, until the turn has started.
    await writePaced(w, engine, x.subarray(0, 24_000));
    const began = events.find((e) => e.type === 'endpointer' && e.event.type === 'speech_start');
    if (began?.type !== 'endpointer' || began.event.type !== 'speech_start') throw new Error('no speech_start');
    // The worker stalls: 2 s arrive at once (the rest of the sentence), then it catches up by skipping.
    const at = w.position;
    w.write(x.subarray(24_000, 56_000));
    await until(() => types(events).includes('error:skipped_ahead'), 'the skip');
    expect(types(events).filter((t) => t === 'turn_end' || t === 'misfire')).toEqual([]);
    // Silence after it: the turn ends, once, by silence, after the skip.
    await writePaced(w, engine, new Float32Array(16_000));
    const ends = events.flatMap((e) => (e.type === 'endpointer' && e.event.type === 'turn_end' ? [e.event] : []));
    expect(ends).toHaveLength(1);
    const end = ends[0];
    if (!end) throw new Error('no turn_end');
    expect(end.reason).toBe('silence');
    expect(end.turnId).toBe(began.event.turnId);
    expect(end.startSample).toBe(began.event.startSample);
    expect(end.endSample).toBeGreaterThan(at);
    // The whole turn is still readable from the ring: nothing the user said is lost.
    const r = new RingReader(storage);
    const span = new Float32Array(end.endSample - end.startSample);
    expect(r.readRange(end.startSample, span)).toBe(span.length);
    expect(span.subarray(24_000 - end.startSample, 24_100 - end.startSample)).toEqual(x.subarray(24_000, 24_100));
  });
});
