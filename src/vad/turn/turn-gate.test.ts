/**
 * The turn policy inside the real VAD loop (VadEngine + Silero + Smart Turn on onnxruntime-node): real speech
 * cut mid-sentence at a natural pause, 500 ms of silence, then a finished sentence. Audio is pushed at real
 * time (the model answers while the VAD keeps running, as in the worker), so the decisions are those a user
 * would meet.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { EndpointerEvent, TurnEndEvent } from '../events.ts';
import { fixedRuntime, nodeHandle, root } from '../node-runtime.test-util.ts';
import type { VadRuntime } from '../runtime.ts';
import type { VadWorkerConfig, VadWorkerEvent } from '../types.ts';
import { VadEngine } from '../vad-engine.ts';
import { SmartTurn } from './smart-turn.ts';
import type { TurnModelVerdict } from './events.ts';

interface ClipsModule {
  buildClip(spec: { parts: readonly unknown[] }): Float32Array;
  midTurnPauseSpec(pauseMs: number): { parts: readonly unknown[]; firstEnd: number; secondStart: number };
}
interface SetupModule {
  smartTurnModelPath(): string;
}

const engines: VadEngine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.dispose()));
});

async function runtimeWithTurnModel(): Promise<VadRuntime> {
  const setup = (await import(pathToFileURL(join(root, 'scripts', 'models', 'smart-turn.mjs')).href)) as SetupModule;
  const base = fixedRuntime(await nodeHandle('wasm'));
  return {
    ...base,
    loadTurnModel: async () => {
      const t0 = performance.now();
      const session = await ort.InferenceSession.create(setup.smartTurnModelPath(), {
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
      });
      const model = new SmartTurn(session, (data, dims) => new ort.Tensor('float32', data, dims));
      await model.predict(new Float32Array(16_000));
      return { model, fromCache: false, loadMs: performance.now() - t0 };
    },
  };
}

function config(turn: VadWorkerConfig['turn']): VadWorkerConfig {
  return {
    modelUrl: '',
    wasmUrl: '',
    webgpuWasmUrl: '',
    backend: 'wasm',
    allowSoftwareAdapter: false,
    benchmarkFrames: 4,
    endpointer: { silenceMs: 200, turnEndingMs: 100, minSpeechFrames: 1 },
    modelCache: false,
    frameEvents: false,
    statsIntervalMs: 0,
    maxLagMs: 1e9,
    turn,
    generation: 1,
    progress: null,
  };
}

/** Pushes `x` at real time (20 ms chunks on a wall-clock schedule) and resolves once all is analysed. */
async function pushRealTime(engine: VadEngine, x: Float32Array): Promise<void> {
  const { port1, port2 } = new MessageChannel();
  engine.attach({ type: 'push', port: port2, backlog: 0 });
  const t0 = performance.now();
  for (let i = 0; i < x.length; i += 320) {
    const due = t0 + (i / 16_000) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    engine.push({ type: 'samples', samples: x.slice(i, i + 320), position: i, time: i / 16_000 });
  }
  const until = Date.now() + 60_000;
  while (engine.stats().position < x.length - 256 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  port1.close();
  port2.close();
}

async function scenario(turn: VadWorkerConfig['turn']): Promise<{
  ends: TurnEndEvent[];
  verdicts: TurnModelVerdict[];
  events: VadWorkerEvent[];
  spec: { firstEnd: number; secondStart: number };
  length: number;
}> {
  const clips = (await import(
    pathToFileURL(join(root, 'scripts', 'models', 'smart-turn-clips.mjs')).href
  )) as ClipsModule;
  const spec = clips.midTurnPauseSpec(500);
  // 2.5 s of silence after the turn: more than the ceiling, so the last decision is always made.
  const x = clips.buildClip({ parts: [...spec.parts, { silence: 40_000 }] });
  const events: VadWorkerEvent[] = [];
  const runtime = turn ? await runtimeWithTurnModel() : fixedRuntime(await nodeHandle('wasm'));
  const engine = new VadEngine(
    runtime,
    config(turn),
    (e) => events.push(e),
    (e) => {
      throw e;
    },
  );
  engines.push(engine);
  await engine.init();
  if (turn) {
    const until = Date.now() + 120_000;
    while (!events.some((e) => e.type === 'turn_model_ready') && Date.now() < until)
      await new Promise((r) => setTimeout(r, 10));
    expect(events.find((e) => e.type === 'turn_model_ready')).toMatchObject({ ready: { ok: true } });
  }
  await pushRealTime(engine, x);
  // The last question may still be in flight: wait for the turn to close (bounded).
  const until = Date.now() + 60_000;
  const closed = (): boolean =>
    events.some((e) => e.type === 'endpointer' && e.event.type === 'turn_end' && e.event.endSample > spec.secondStart);
  while (!closed() && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  const endpointer: EndpointerEvent[] = events.flatMap((e) => (e.type === 'endpointer' ? [e.event] : []));
  return {
    ends: endpointer.filter((e): e is TurnEndEvent => e.type === 'turn_end'),
    verdicts: events.flatMap((e) => (e.type === 'turn_model' ? [e.verdict] : [])),
    events,
    spec,
    length: x.length,
  };
}

describe('the turn policy in the VAD loop (real Silero + Smart Turn)', () => {
  it(
    'keeps a turn with a 500 ms mid-sentence pause whole, and ends it after the true end',
    { timeout: 300_000 },
    async () => {
      const r = await scenario({ modelUrl: '', threshold: 0.5, reaskMs: 300, ceilingMs: 2000 });
      expect(r.ends).toHaveLength(1);
      const end = r.ends[0];
      if (!end) throw new Error('no turn_end');
      expect(end.endSample).toBeGreaterThan(r.spec.secondStart);
      expect(end.startSample).toBeLessThan(r.spec.firstEnd);
      // The model was asked in the mid-turn pause and said incomplete.
      const inPause = r.verdicts.filter((v) => v.endSample > r.spec.firstEnd && v.endSample < r.spec.secondStart);
      expect(inPause.length).toBeGreaterThanOrEqual(1);
      for (const v of inPause) expect(v.complete).toBe(false);
      // It ended by the model's "complete" or, at worst, at the ceiling: never before 200 ms of pause.
      expect(['model', 'silence']).toContain(end.reason);
      expect(end.decisionSample - end.endSample).toBeGreaterThanOrEqual(200 * 16 - 512);
      expect(r.events.filter((e) => e.type === 'error')).toEqual([]);
    },
  );

  it('with the silence rule (200 ms) the same audio is cut at the pause: two turns', { timeout: 300_000 }, async () => {
    const r = await scenario(null);
    expect(r.ends).toHaveLength(2);
    expect(r.ends[0]?.endSample).toBeLessThan(r.spec.secondStart);
    expect(r.verdicts).toEqual([]);
  });
});
