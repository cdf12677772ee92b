/**
 * Turn-taking bench page (driven by bench/turns.ts on its own Vite server). Decodes the turn fixtures
 * (16 kHz), lays them end to end with a gap of silence, and runs over that one stream:
 * - Sotto's VAD: the real worker (`VadClient`, Silero v5 on onnxruntime-web wasm + the endpointer) with the
 *   session's endpointer defaults, one per silenceMs asked, fed as a `push` source as fast as it analyses;
 *   it reports every frame's probability and its own `turn_end`/`misfire` events (the Node side replays
 *   the endpointer over those probabilities for the full sweep and checks it against these events);
 * - @ricky0123/vad-web with MicVAD's defaults (legacy Silero model, 1536-sample frames): its
 *   NonRealTimeVAD, whose frame processor is the same class with the same defaults, recording the
 *   probability of every frame (the Node side runs vad-web's FrameProcessor over them for its sweep).
 */
import { NonRealTimeVAD } from '@ricky0123/vad-web';
import * as ort from 'onnxruntime-web';
import { SESSION_ENDPOINTER_DEFAULTS } from '../../src/session/options.ts';
import { VAD_ENDPOINTER_DEFAULTS } from '../../src/vad/vad-config.ts';
import { VadClient } from '../../src/vad/vad-client.ts';
import type { VadReadyInfo } from '../../src/vad/types.ts';

export interface TurnsBenchConfig {
  /** Fixture URLs (16 kHz mono WAV), laid end to end in this order. */
  urls: string[];
  /** Silence between fixtures, samples. */
  gapSamples: number;
  /** One worker per value: its `turn_end`s check the Node-side replay. */
  silenceMs: number[];
  /** Where @ricky0123/vad-web's dist and onnxruntime-web's dist are served. */
  vadWebBase: string;
  ortBase: string;
}

export interface WorkerRun {
  silenceMs: number;
  ready: VadReadyInfo;
  initMs: number;
  /** Frame positions and probabilities (the first worker's only; all workers compute the same). */
  position: number[];
  probability: number[];
  inferenceMs: number[];
  events: { type: string; endSample: number; decisionSample: number }[];
  errors: string[];
}

export interface TurnsBenchRaw {
  /** Start sample of each fixture in the stream, and the stream's length. */
  offsets: number[];
  samples: number;
  /** The endpointer options the session gives the worker (VAD + session defaults), before silenceMs. */
  endpointer: Record<string, number>;
  workers: WorkerRun[];
  vadWeb: { probability: number[]; frameSamples: number; modelMs: number[] };
}

async function decode16k(url: string): Promise<Float32Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const buf = await new OfflineAudioContext(1, 1, 16_000).decodeAudioData(await res.arrayBuffer());
  if (buf.sampleRate !== 16_000) throw new Error(`${url}: decoded at ${buf.sampleRate} Hz`);
  return buf.getChannelData(0).slice();
}

const sleep = (ms: number): Promise<void> =>
  new Promise((r) => {
    setTimeout(r, ms);
  });

async function runWorker(stream: Float32Array, silenceMs: number, keepFrames: boolean): Promise<WorkerRun> {
  const t0 = performance.now();
  const vad = new VadClient({
    backend: 'wasm',
    frameEvents: true,
    maxLagMs: 1e9,
    statsIntervalMs: 0,
    endpointer: { ...SESSION_ENDPOINTER_DEFAULTS, silenceMs },
  });
  const run: WorkerRun = {
    silenceMs,
    ready: null as unknown as VadReadyInfo,
    initMs: 0,
    position: [],
    probability: [],
    inferenceMs: [],
    events: [],
    errors: [],
  };
  let lastPos = -1;
  vad.on('frame', (f) => {
    lastPos = f.position;
    run.inferenceMs.push(f.inferenceMs);
    if (keepFrames) {
      run.position.push(f.position);
      run.probability.push(f.probability);
    }
  });
  for (const type of ['turn_end', 'misfire'] as const) {
    vad.on(type, (e) => run.events.push({ type, endSample: e.endSample, decisionSample: e.decisionSample }));
  }
  vad.on('error', (e) => run.errors.push(`${e.code}: ${e.message}`));
  try {
    vad.start({ type: 'push' });
    run.ready = await vad.ready();
    run.initMs = performance.now() - t0;
    const chunk = 16_000;
    const lastFrame = Math.floor((stream.length - 512) / 256) * 256;
    for (let at = 0; at < stream.length; at += chunk) {
      vad.push(stream.subarray(at, Math.min(stream.length, at + chunk)), at);
      // Keep at most ~8 s queued ahead of the analysis (the worker keeps up at many times real time).
      const t = performance.now();
      while (at - lastPos > 8 * chunk) {
        if (performance.now() - t > 120_000) throw new Error('the VAD worker stopped analysing');
        await sleep(5);
      }
    }
    const t = performance.now();
    while (lastPos < lastFrame) {
      if (performance.now() - t > 120_000) throw new Error(`the VAD worker stopped at ${lastPos} of ${lastFrame}`);
      await sleep(20);
    }
    return run;
  } finally {
    await vad.close();
  }
}

async function runVadWeb(stream: Float32Array, cfg: TurnsBenchConfig): Promise<TurnsBenchRaw['vadWeb']> {
  const vad = await NonRealTimeVAD.new({
    modelURL: `${cfg.vadWebBase}silero_vad_legacy.onnx`,
    ortConfig: (ort) => {
      ort.env.wasm.wasmPaths = cfg.ortBase;
      ort.env.wasm.numThreads = 1;
      ort.env.logLevel = 'error';
    },
  });
  const probability: number[] = [];
  const modelMs: number[] = [];
  const fp = vad.frameProcessor as unknown as {
    modelProcessFunc: (f: Float32Array) => Promise<{ isSpeech: number; notSpeech: number }>;
  };
  const model = fp.modelProcessFunc;
  fp.modelProcessFunc = async (f) => {
    const t = performance.now();
    const r = await model(f);
    modelMs.push(performance.now() - t);
    probability.push(r.isSpeech);
    return r;
  };
  for await (const _ of vad.run(stream, 16_000)) {
    // Segments are not used: the Node side runs the frame processor over the probabilities.
  }
  return { probability, frameSamples: vad.frameSamples, modelMs };
}

/** The stream of the last `run` (turn models are asked about it afterwards). */
let lastStream: Float32Array | null = null;

export interface TurnModelQuestions {
  /** URL of the module that exports `SmartTurn` (src/vad/turn/smart-turn.ts) and the weights' URL. */
  moduleUrl: string;
  modelUrl: string;
  ortBase: string;
  /** Question k: the stream's audio from `from[k]` up to `at[k]` (samples). */
  from: number[];
  at: number[];
}

export interface TurnModelAnswers {
  threshold: number;
  probability: number[];
  /** Wall time of each question (front end + model), ms. */
  ms: number[];
  initMs: number;
}

interface SmartTurnModule {
  SMART_TURN_THRESHOLD: number;
  SmartTurn: new (
    session: ort.InferenceSession,
    float32: (data: Float32Array, dims: readonly number[]) => ort.Tensor,
  ) => { predict(audio: Float32Array): Promise<number>; release(): Promise<void> };
}

/**
 * Smart Turn v3.2 on this page (onnxruntime-web wasm, 1 thread, as in the VAD worker), through the SDK's own
 * front end + model module, loaded by URL so this page builds whether or not that module is in the tree.
 */
async function smartTurn(q: TurnModelQuestions): Promise<TurnModelAnswers> {
  const stream = lastStream;
  if (!stream) throw new Error('smartTurn() before run()');
  const t0 = performance.now();
  const mod = (await import(/* @vite-ignore */ q.moduleUrl)) as SmartTurnModule;
  ort.env.wasm.wasmPaths = q.ortBase;
  ort.env.wasm.numThreads = 1;
  const res = await fetch(q.modelUrl);
  if (!res.ok) throw new Error(`${q.modelUrl}: HTTP ${res.status}`);
  const session = await ort.InferenceSession.create(new Uint8Array(await res.arrayBuffer()), {
    executionProviders: ['wasm'],
  });
  const turn = new mod.SmartTurn(session, (data, dims) => new ort.Tensor('float32', data, dims));
  const initMs = performance.now() - t0;
  const probability: number[] = [];
  const ms: number[] = [];
  try {
    for (const [k, at] of q.at.entries()) {
      const t = performance.now();
      probability.push(await turn.predict(stream.subarray(q.from[k] ?? 0, at)));
      ms.push(performance.now() - t);
    }
  } finally {
    await turn.release();
  }
  return { threshold: mod.SMART_TURN_THRESHOLD, probability, ms, initMs };
}

async function run(cfg: TurnsBenchConfig): Promise<TurnsBenchRaw> {
  const clips = await Promise.all(cfg.urls.map(decode16k));
  const offsets: number[] = [];
  let n = 0;
  for (const c of clips) {
    offsets.push(n);
    n += c.length + cfg.gapSamples;
  }
  const stream = new Float32Array(n);
  clips.forEach((c, i) => {
    stream.set(c, offsets[i] ?? 0);
  });
  lastStream = stream;
  const workers: WorkerRun[] = [];
  for (const [i, s] of cfg.silenceMs.entries()) workers.push(await runWorker(stream, s, i === 0));
  const vadWeb = await runVadWeb(stream, cfg);
  return {
    offsets,
    samples: n,
    endpointer: { ...VAD_ENDPOINTER_DEFAULTS, ...SESSION_ENDPOINTER_DEFAULTS },
    workers,
    vadWeb,
  };
}

const bench = { run, smartTurn, ready: true };
(window as unknown as { turnsBench: typeof bench }).turnsBench = bench;
